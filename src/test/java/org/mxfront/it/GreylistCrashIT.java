// The embedded store is crash-safe: mxfront.jar runs as its own process, greylists a tuple, and
// once MVStore's background commit has put the tuple in the file the process is killed with
// SIGKILL (no shutdown hook, no close). A new process on the same state directory lets the retry
// pass as a known tuple instead of greylisting it as new.
package org.mxfront.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GreylistCrashIT {
    @TempDir
    Path tmp;

    Process daemon(Path cfg, int port, String log) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx256m", "-jar", Path.of("target", "mxfront.jar").toAbsolutePath().toString(), "run",
                "--config", cfg.toString()).redirectErrorStream(true).redirectOutput(tmp.resolve(log).toFile()).start();
        Ports.awaitListening(port, Duration.ofSeconds(30));
        return p;
    }

    static List<String> rcpt(int port, String source, String sender) throws Exception {
        try (SmtpClient c = new SmtpClient(source, port)) {
            c.reply();
            c.command("EHLO client.sender.example");
            c.command("MAIL FROM:<" + sender + ">");
            return c.command("RCPT TO:<bob@example.com>");
        }
    }

    @Test
    void aTupleSurvivesAKillDashNine() throws Exception {
        try (SmtpSink sink = SmtpSink.start(tmp)) {
            int port = Ports.free();
            Path state = tmp.resolve("state");
            Path cfg = tmp.resolve("mxfront.yml");
            Files.writeString(cfg, """
                    server: {hostname: mx.test}
                    smtp: {listen: "127.0.0.1:%d"}
                    downstream: {address: "127.0.0.1:%d"}
                    state-directory: %s
                    metrics: {listen: ""}
                    checks:
                      relay: {}
                      greylist: {delay: 2s, allow-clients-file: ""}
                    """.formatted(port, sink.port, state));
            Path file = state.resolve("greylist.mv.db");
            Process first = daemon(cfg, port, "first.log");
            try {
                assertEquals(GreylistIT.greylisted(2, "127.0.0.2"), rcpt(port, "127.0.0.2", "crash@sender.example"));
                Ports.await(() -> {
                    try {
                        return Files.exists(file) && new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1)
                                .contains("crash@sender.example");
                    } catch (java.io.IOException e) {
                        return false;
                    }
                }, Duration.ofSeconds(20), "the background commit to write the tuple");
            } finally {
                first.destroyForcibly(); // SIGKILL: no shutdown hook runs, the store is not closed
                first.waitFor(10, TimeUnit.SECONDS);
            }
            Process second = daemon(cfg, port, "second.log");
            try {
                AtomicReference<List<String>> last = new AtomicReference<>();
                Ports.await(() -> {
                    try {
                        List<String> r = rcpt(port, "127.0.0.2", "crash@sender.example");
                        last.set(r);
                        if (r.equals(List.of("250 2.1.5 Ok"))) return true;
                        assertTrue(r.get(0).matches("451-4\\.7\\.1 XM-RJCT23: Greylisted, please try again in [12] seconds\\."), r.toString());
                        Thread.sleep(300);
                        return false;
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                }, Duration.ofSeconds(20), "the retry to pass");
                assertEquals(List.of("250 2.1.5 Ok"), last.get());
                String log = Files.readString(tmp.resolve("second.log"));
                assertTrue(log.contains("greylist store embedded " + file.toAbsolutePath() + " opened (1 entries)"), log);
                assertTrue(!log.contains("please try again in 2 seconds"), "the tuple was not new after the crash: " + log);
            } finally {
                second.destroy();
                second.waitFor(20, TimeUnit.SECONDS);
                second.destroyForcibly();
            }
        }
    }
}
