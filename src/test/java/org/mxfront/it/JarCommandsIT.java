// The packaged jar run the plainest way (java -jar target/mxfront.jar, no JVM flags), as a newcomer or
// a script does: `codes` and `check-config` print their output and nothing on stderr — on JDK 24+ the
// JVM would otherwise warn there about Netty's sun.misc.Unsafe use (Main turns Netty's Unsafe off
// when the JVM was not started with --sun-misc-unsafe-memory-access=allow).
package org.mxfront.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JarCommandsIT {
    @TempDir
    Path tmp;

    record Result(int exit, String out, String err) {}

    Result jar(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", MxfrontProcess.JAR.toString()));
        cmd.addAll(List.of(args));
        Path out = tmp.resolve("out"), err = tmp.resolve("err");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "java -jar mxfront.jar " + String.join(" ", args) + " ends");
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void codesPrintsTheTableAndNothingElse() throws Exception {
        Result r = jar("codes");
        System.out.println("java " + Runtime.version() + ": java -jar mxfront.jar codes: exit " + r.exit() + ", stderr "
                + r.err().length() + " chars");
        assertEquals("", r.err(), "no JVM or library warnings on stderr (java " + Runtime.version() + ")");
        assertEquals(0, r.exit());
        assertTrue(r.out().contains("XM-RJCT06"), r.out());
    }

    @Test
    void checkConfigIsQuietToo() throws Exception {
        Result r = jar("check-config", "config/mxfront.yml");
        assertEquals("", r.err());
        assertEquals(0, r.exit());
        assertTrue(r.out().startsWith("config/mxfront.yml: OK ("), r.out());
    }
}
