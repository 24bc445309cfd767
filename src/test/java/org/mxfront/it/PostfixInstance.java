// A private Postfix instance (not the system one) started by a test: smtpd on a loopback port,
// configured as the README's deployment guide says, relaying example.com to a sink. Needs root.
// The smuggling tests start one with Postfix's own bare-newline defaults instead (it then splits a
// message at "\n.\n" from a client in $mynetworks, as mxfront on 127.0.0.1 is).
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

    /** How the listener treats bare newlines. */
    enum BareNewline {
        /** The deployment guide: smtpd_forbid_bare_newline=reject with empty exclusions. */
        DEPLOYMENT_GUIDE,
        /** Postfix's defaults (3.7: no; exclusions $mynetworks): Postfix itself splits smuggled messages. */
        POSTFIX_DEFAULTS
    }

    static PostfixInstance start(Path tmp, int sinkPort) throws Exception {
        return start(tmp, sinkPort, BareNewline.DEPLOYMENT_GUIDE);
    }

    static PostfixInstance start(Path tmp, int sinkPort, BareNewline bareNewline) throws Exception {
        return start(tmp, sinkPort, bareNewline, List.of());
    }

    /** With extra main.cf settings ({@code name=value}, applied last), e.g. smtpd_recipient_restrictions. */
    static PostfixInstance start(Path tmp, int sinkPort, List<String> mainCf) throws Exception {
        return start(tmp, sinkPort, BareNewline.DEPLOYMENT_GUIDE, mainCf);
    }

    static PostfixInstance start(Path tmp, int sinkPort, BareNewline bareNewline, List<String> mainCf) throws Exception {
        return start(tmp, sinkPort, bareNewline, mainCf, List.of());
    }

    /**
     * With extra master.cf lines appended (more smtpd listeners with their own {@code -o} settings, e.g.
     * one asking a milter and another a policy service).
     */
    static PostfixInstance start(Path tmp, int sinkPort, List<String> mainCf, List<String> masterCf) throws Exception {
        return start(tmp, sinkPort, BareNewline.DEPLOYMENT_GUIDE, mainCf, masterCf);
    }

    static PostfixInstance start(Path tmp, int sinkPort, BareNewline bareNewline, List<String> mainCf, List<String> masterCf)
            throws Exception {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path dir = Files.createDirectories(tmp.resolve("pf"));
        PostfixInstance pf = new PostfixInstance(Ports.free(), dir);
        Path data = layOut(dir, pf.etc);
        List<String> master = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/etc/postfix/master.cf"), StandardCharsets.UTF_8)) {
            master.add(line.startsWith("smtp      inet") ? "127.0.0.1:" + pf.port + " inet n - n - - smtpd" : line);
        }
        master.addAll(masterCf);
        Files.write(pf.etc.resolve("master.cf"), master, StandardCharsets.UTF_8);
        List<String> settings = new ArrayList<>(List.of(
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
                "message_size_limit=52428800",
                "smtp_helo_name=relay.test"));
        if (bareNewline == BareNewline.DEPLOYMENT_GUIDE) {
            settings.addAll(List.of("smtpd_forbid_bare_newline=reject", "smtpd_forbid_bare_newline_exclusions="));
        }
        settings.addAll(mainCf);
        List<String> postconf = new ArrayList<>(List.of("postconf", "-c", pf.etc.toString(), "-e"));
        postconf.addAll(settings);
        run(postconf.toArray(String[]::new));
        run("postfix", "-c", pf.etc.toString(), "start");
        Ports.awaitListening(pf.port, Duration.ofSeconds(20));
        return pf;
    }

    String maillog() {
        return maillog(dir);
    }

    /** A client of this Postfix from source, after the greeting and EHLO (replies awaited up to 30 s: milters and policy servers work). */
    SmtpClient client(String source, String helo) throws Exception {
        SmtpClient c = new SmtpClient(source, port);
        c.timeout(Duration.ofSeconds(30));
        org.junit.jupiter.api.Assertions.assertTrue(c.reply().get(0).startsWith("220 "));
        List<String> ehlo = c.command("EHLO " + helo);
        org.junit.jupiter.api.Assertions.assertTrue(ehlo.get(ehlo.size() - 1).startsWith("250 "), ehlo.toString());
        return c;
    }

    /** The maillog of an instance whose maillog_file is DIR/maillog ("" before the first line). */
    static String maillog(Path dir) {
        try {
            Path log = dir.resolve("maillog");
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits until Postfix has delivered (or bounced) everything it queued. */
    void awaitQueueEmpty(Duration max) {
        Ports.await(() -> {
            try {
                Process p = new ProcessBuilder("postqueue", "-c", etc.toString(), "-p").redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                return p.waitFor() == 0 && out.contains("Mail queue is empty");
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }, max, "Postfix's queue to empty");
    }

    /**
     * An instance's directories under {@code dir}: {@code etc} with Debian's main.cf to start from, the
     * queue, and the data directory (returned) owned by postfix.
     */
    static Path layOut(Path dir, Path etc) throws IOException, InterruptedException {
        Files.createDirectories(etc);
        Files.createDirectories(dir.resolve("queue"));
        Path data = Files.createDirectories(dir.resolve("data"));
        run("chown", "postfix", data.toString());
        Files.copy(Path.of("/usr/share/postfix/main.cf.debian"), etc.resolve("main.cf"));
        return data;
    }

    /** Runs a Postfix command; fails with its output when it exits non-zero. */
    static void run(String... cmd) throws IOException, InterruptedException {
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
