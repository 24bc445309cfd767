// A private Postfix instance (not the system one) started by a test: smtpd on a loopback port,
// configured as the README's deployment guide says, relaying example.com to a sink. Needs root.
package org.mxfront.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

final class PostfixInstance implements AutoCloseable {
    final int port;
    final Path dir;
    private final Path etc;

    private PostfixInstance(int port, Path dir) {
        this.port = port;
        this.dir = dir;
        this.etc = dir.resolve("etc");
    }

    static boolean available() {
        return Ports.isRoot() && Files.isExecutable(Path.of("/usr/sbin/postfix"));
    }

    static PostfixInstance start(Path tmp, int sinkPort) throws Exception {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path dir = Files.createDirectories(tmp.resolve("pf"));
        PostfixInstance pf = new PostfixInstance(Ports.free(), dir);
        Files.createDirectories(pf.etc);
        Files.createDirectories(dir.resolve("queue"));
        Path data = Files.createDirectories(dir.resolve("data"));
        run("chown", "postfix", data.toString());
        Files.copy(Path.of("/usr/share/postfix/main.cf.debian"), pf.etc.resolve("main.cf"));
        List<String> master = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/etc/postfix/master.cf"), StandardCharsets.UTF_8)) {
            master.add(line.startsWith("smtp      inet") ? "127.0.0.1:" + pf.port + " inet n - n - - smtpd" : line);
        }
        Files.write(pf.etc.resolve("master.cf"), master, StandardCharsets.UTF_8);
        run("postconf", "-c", pf.etc.toString(), "-e",
                "compatibility_level=3.6",
                "queue_directory=" + dir.resolve("queue"),
                "data_directory=" + data,
                "inet_interfaces=127.0.0.1", "inet_protocols=ipv4",
                "mydestination=", "relay_domains=example.com",
                "transport_maps=inline:{example.com=smtp:[127.0.0.1]:" + sinkPort + "}",
                "maillog_file=" + dir.resolve("maillog"), "maillog_file_prefixes=" + dir,
                "shlib_directory=/usr/lib/postfix",
                // The deployment guide's settings for the listener behind mxfront:
                "smtpd_authorized_xforward_hosts=127.0.0.0/8",
                "smtpd_authorized_xclient_hosts=127.0.0.1/32",
                "smtpd_forbid_bare_newline=reject",
                "smtpd_forbid_bare_newline_exclusions=",
                "message_size_limit=52428800",
                "smtp_helo_name=relay.test");
        run("postfix", "-c", pf.etc.toString(), "start");
        Ports.awaitListening(pf.port, Duration.ofSeconds(20));
        return pf;
    }

    String maillog() {
        try {
            Path log = dir.resolve("maillog");
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) throw new IOException(String.join(" ", cmd) + " failed: " + out);
    }

    @Override
    public void close() {
        try {
            run("postfix", "-c", etc.toString(), "stop");
        } catch (Exception e) {
            // already stopped
        }
    }
}
