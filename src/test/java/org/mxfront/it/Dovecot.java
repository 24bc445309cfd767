// A private Dovecot (Debian's dovecot-core) on loopback for the account-state and SMTP AUTH tests:
// its quota-status policy service (`quota-status -p postfix`, count quota backend) on one port and
// its auth service (SASL for Postfix, `smtpd_sasl_type = dovecot`) on another, users from a
// passwd-file written by the test, mail in maildirs under the test's directory. Never the system's
// Dovecot: its own base_dir, state_dir and instance name. `save` fills a mailbox through doveadm,
// so that the quota Dovecot counts is real. Needs root (Dovecot drops to dovecot/dovenull/nobody).
package org.mxfront.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

final class Dovecot implements AutoCloseable {
    /** The password of every test user. */
    static final String PASSWORD = "secret";

    final int quotaPort;
    final int authPort;
    private final Path dir;
    private final Process process;

    private Dovecot(int quotaPort, int authPort, Path dir, Process process) {
        this.quotaPort = quotaPort;
        this.authPort = authPort;
        this.dir = dir;
        this.process = process;
    }

    static boolean available() {
        return Ports.isRoot() && Files.isExecutable(Path.of("/usr/sbin/dovecot"))
                && Files.isExecutable(Path.of("/usr/lib/dovecot/quota-status"));
    }

    /**
     * Starts Dovecot with these users.
     *
     * @param users login (an address) to its quota rule ({@code *:storage=4k}), or "" for the default (10 MiB)
     */
    static Dovecot start(Path dir, java.util.Map<String, String> users) throws Exception {
        int quota = Ports.free();
        int auth = Ports.free();
        Path run = Files.createDirectories(dir.resolve("run"));
        Path mail = Files.createDirectories(dir.resolve("mail"));
        PostfixInstance.run("chown", "nobody:nogroup", mail.toString());
        StringBuilder passwd = new StringBuilder();
        users.forEach((u, rule) -> passwd.append(u).append(":{PLAIN}").append(PASSWORD).append("::::::")
                .append(rule.isEmpty() ? "" : "userdb_quota_rule=" + rule).append('\n'));
        Files.writeString(dir.resolve("users"), passwd.toString());
        Path conf = dir.resolve("dovecot.conf");
        Files.writeString(conf, """
                base_dir = %1$s/run
                state_dir = %1$s/run
                instance_name = mxfront-test-%2$d
                protocols =
                listen = 127.0.0.1
                log_path = %1$s/dovecot.log
                ssl = no
                disable_plaintext_auth = no
                auth_mechanisms = plain login
                mail_location = maildir:%1$s/mail/%%d/%%n
                first_valid_uid = 0
                mail_plugins = quota
                passdb {
                  driver = passwd-file
                  args = scheme=PLAIN username_format=%%u %1$s/users
                }
                userdb {
                  driver = passwd-file
                  args = username_format=%%u %1$s/users
                  default_fields = uid=nobody gid=nogroup home=%1$s/mail/%%d/%%n
                }
                plugin {
                  quota = count:User quota
                  quota_rule = *:storage=10M
                  quota_vsizes = yes
                  quota_status_success = DUNNO
                  quota_status_nouser = DUNNO
                  quota_status_overquota = "552 5.2.2 Mailbox is full"
                }
                service quota-status {
                  executable = quota-status -p postfix
                  inet_listener {
                    address = 127.0.0.1
                    port = %2$d
                  }
                  client_limit = 1
                }
                service auth {
                  inet_listener {
                    address = 127.0.0.1
                    port = %3$d
                  }
                }
                """.formatted(dir, quota, auth));
        Process p = new ProcessBuilder(List.of("dovecot", "-F", "-c", conf.toString())).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("dovecot.out").toFile())).start();
        Dovecot d = new Dovecot(quota, auth, dir, p);
        try {
            Ports.awaitListening(quota, Duration.ofSeconds(20));
            Ports.awaitListening(auth, Duration.ofSeconds(20));
        } catch (RuntimeException e) {
            d.close();
            throw new IOException("dovecot did not start; its log: " + d.log(), e);
        }
        return d;
    }

    /** Delivers a message of about {@code bytes} bytes into the user's INBOX through doveadm (counted by the quota). */
    void save(String user, int bytes) throws Exception {
        Process p = new ProcessBuilder("doveadm", "-c", dir.resolve("dovecot.conf").toString(), "save", "-u", user)
                .redirectErrorStream(true).start();
        p.getOutputStream().write(("Subject: filler\n\n" + "x".repeat(bytes) + "\n").getBytes(StandardCharsets.US_ASCII));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) throw new IOException("doveadm save -u " + user + " failed: " + out);
    }

    String log() {
        return Processes.log(dir.resolve("dovecot.log"));
    }

    @Override
    public void close() {
        Processes.stop(process); // SIGTERM: the master stops its services
    }
}
