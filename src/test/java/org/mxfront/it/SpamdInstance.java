// A private SpamAssassin spamd (Debian's spamd and spamassassin packages) on a free loopback port: local tests
// only (-L, no network rules), no per-user configuration, TELL allowed (learning), and a site
// configuration directory of its own: Debian's plugin loaders (*.pre) copied from /etc/spamassassin
// plus a local.cf putting the Bayes database in the test's directory. Starts in a few seconds.
package org.mxfront.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

final class SpamdInstance implements AutoCloseable {
    final int port;
    final Path dir;
    private final Process process;

    private SpamdInstance(int port, Path dir, Process process) {
        this.port = port;
        this.dir = dir;
        this.process = process;
    }

    static SpamdInstance start(Path dir) throws Exception {
        int port = Ports.free();
        Path site = Files.createDirectories(dir.resolve("site"));
        Path bayes = Files.createDirectories(dir.resolve("bayes"));
        try (Stream<Path> pre = Files.list(Path.of("/etc/spamassassin"))) {
            for (Path p : pre.filter(p -> p.getFileName().toString().endsWith(".pre")).toList()) {
                Files.copy(p, site.resolve(p.getFileName()));
            }
        }
        Files.writeString(site.resolve("local.cf"), "bayes_path " + bayes.resolve("bayes") + "\nbayes_file_mode 0777\n"
                + "use_bayes 1\nbayes_auto_learn 0\nlock_method flock\n");
        List<String> cmd = new ArrayList<>(List.of("/usr/sbin/spamd", "--listen=127.0.0.1:" + port, "--allowed-ips=127.0.0.1",
                "--nouser-config", "-L", "--allow-tell", "--siteconfigpath=" + site, "--pidfile=" + dir.resolve("spamd.pid"),
                "--syslog=stderr"));
        if (Ports.isRoot()) {
            PostfixInstance.run("chown", "-R", "nobody", bayes.toString());
            cmd.addAll(List.of("-u", "nobody"));
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("spamd.log").toFile()).start();
        try {
            Ports.awaitListening(port, Duration.ofSeconds(60));
        } catch (AssertionError e) {
            p.destroyForcibly();
            throw new AssertionError("spamd did not start: " + Files.readString(dir.resolve("spamd.log")), e);
        }
        return new SpamdInstance(port, dir, p);
    }

    String log() {
        try {
            return Files.readString(dir.resolve("spamd.log"));
        } catch (IOException e) {
            return e.toString();
        }
    }

    @Override
    public void close() {
        Processes.stop(process);
    }
}
