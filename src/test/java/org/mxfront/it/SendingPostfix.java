// A private Postfix as the *sending* MTA, a real sender nobody here wrote: it relays everything to
// mxfront (relayhost) from 127.0.0.2, as a remote MTA would, with the TLS policy the test asks for.
// Mail goes in with its sendmail command; deferrals and bounces are read from its maillog.
package org.mxfront.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

final class SendingPostfix implements AutoCloseable {
    final Path dir;
    private final Path etc;

    private SendingPostfix(Path dir) {
        this.dir = dir;
        this.etc = dir.resolve("etc");
    }

    /**
     * Starts an instance that relays all mail to 127.0.0.1:relayPort.
     *
     * @param tlsLevel its smtp_tls_security_level (may, encrypt)
     */
    static SendingPostfix start(Path tmp, int relayPort, String tlsLevel) throws Exception {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path dir = Files.createDirectories(tmp.resolve("sender-pf"));
        SendingPostfix pf = new SendingPostfix(dir);
        Path data = PostfixInstance.layOut(dir, pf.etc);
        List<String> master = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/etc/postfix/master.cf"), StandardCharsets.UTF_8)) {
            // no smtpd listener: this instance only sends
            master.add(line.startsWith("smtp      inet") ? "#" + line : line);
        }
        Files.write(pf.etc.resolve("master.cf"), master, StandardCharsets.UTF_8);
        run("postconf", "-c", pf.etc.toString(), "-F", "*/*/chroot = n");
        run("postconf", "-c", pf.etc.toString(), "-e",
                "compatibility_level=3.6",
                "queue_directory=" + dir.resolve("queue"),
                "data_directory=" + data,
                "inet_interfaces=127.0.0.1", "inet_protocols=ipv4",
                "myhostname=sender.example.net", "mydestination=sender.example.net",
                "relayhost=[127.0.0.1]:" + relayPort,
                "smtp_bind_address=127.0.0.2",
                "smtp_tls_security_level=" + tlsLevel,
                "smtp_tls_loglevel=1",
                "maillog_file=" + dir.resolve("maillog"), "maillog_file_prefixes=" + dir,
                "shlib_directory=/usr/lib/postfix",
                "minimal_backoff_time=30s", "maximal_backoff_time=60s", "queue_run_delay=30s");
        run("postfix", "-c", pf.etc.toString(), "start");
        return pf;
    }

    /** Hands a message to this Postfix (its sendmail), then asks it to deliver now. */
    void send(String from, String to, String message) throws Exception {
        Process p = new ProcessBuilder("sendmail", "-C", etc.toString(), "-f", from, to).redirectErrorStream(true).start();
        p.getOutputStream().write(message.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) throw new IOException("sendmail failed: " + out);
        run("postqueue", "-c", etc.toString(), "-f");
    }

    String maillog() {
        return PostfixInstance.maillog(dir);
    }

    private static void run(String... cmd) throws IOException, InterruptedException {
        PostfixInstance.run(cmd);
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
