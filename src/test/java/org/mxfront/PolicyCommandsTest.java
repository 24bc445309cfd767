// The policy store's command line against a running daemon (embedded H2 store, admin listener on
// loopback): admin create-user/create-token on the host, then domains and lists through the API
// with the token, --json, the exit codes, `policy import` (twice: the second skips), and the one
// rule for a domain named both in mxfront.yml and in the store (the store's settings apply).
package org.mxfront;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mxfront.config.ConfigLoader;
import org.mxfront.config.DaemonConfig;
import org.mxfront.mail.Mailbox;

class PolicyCommandsTest {
    @TempDir Path dir;

    @Test
    void theCommandLineDrivesTheStoreThroughTheApi() throws Exception {
        Path cfg = dir.resolve("mxfront.yml");
        Files.writeString(dir.resolve("bad-ips.txt"), "192.0.2.0/24\n# a comment\n2001:db8::1\n");
        Files.writeString(dir.resolve("bad-senders.txt"), "spam@example.net\n@example.org\nbulk.example\n");
        Files.writeString(cfg, """
                server: { hostname: mx.test }
                state-directory: %1$s/state
                smtp: { enabled: false }
                policy-server: { enabled: true, listen: 127.0.0.1:0 }
                metrics: { listen: 127.0.0.1:0 }
                domains:
                  example.com: { checks: { message-size: { max-bytes: 4096 } } }
                policy-store: { enabled: true, connect-timeout: 30s }
                checks:
                  relay: {}
                  message-size: { max-bytes: 100000 }
                  policy-lists: {}
                  ip-blocklist: { files: [%1$s/bad-ips.txt] }
                  sender-blocklist: { files: [%1$s/bad-senders.txt] }
                """.formatted(dir));
        DaemonConfig config = new ConfigLoader(Doors.ALL, java.time.Clock.systemUTC(), new org.mxfront.checks.SharedResources())
                .load(cfg, new SimpleMeterRegistry());
        try (Daemon d = new Daemon(config, cfg, new SimpleMeterRegistry()).start()) {
            String server = "127.0.0.1:" + d.httpPort();
            // on the host, beside the running daemon (H2 auto-server)
            assertEquals(0, Cli.run("admin", "create-user", "-c", cfg.toString(), "root", "--role", "operator").exit());
            assertEquals(2, Cli.run("admin", "create-user", "-c", cfg.toString(), "anna", "--role", "domain-admin").exit());
            assertEquals(0, Cli.run("admin", "create-user", "-c", cfg.toString(), "anna", "--role", "domain-admin",
                    "--domain", "hosted.example").exit());
            Cli.Run tok = Cli.run("admin", "create-token", "-c", cfg.toString(), "root");
            assertEquals(0, tok.exit(), tok.err());
            Path token = dir.resolve("token");
            Files.writeString(token, tok.out().trim());
            assertTrue(tok.out().startsWith("mxf_"), tok.out());
            Cli.Run annaTok = Cli.run("admin", "create-token", "-c", cfg.toString(), "anna", "--expires-in", "1");
            Path annaToken = dir.resolve("anna");
            Files.writeString(annaToken, annaTok.out().trim());
            String[] as = {"--server", server, "--token-file", token.toString()};

            Cli.Run add = Cli.run(cat(new String[] {"domains", "add", "hosted.example"}, as));
            assertEquals(0, add.exit(), add.err());
            assertTrue(config.engine().isLocalDomain("hosted.example"));
            Cli.Run bad = Cli.run(cat(new String[] {"domains", "add", "other.example", "--settings",
                    "{\"checks\": {\"helo\": {\"bogus\": 1}}}"}, as));
            assertEquals(1, bad.exit());
            assertTrue(bad.err().contains("(field settings.checks.helo.bogus)"), bad.err());

            Cli.Run entry = Cli.run(cat(new String[] {"lists", "add", "--scope", "domain", "--key", "hosted.example", "--block",
                    "--sender", "spam@example.net", "--comment", "seen in a report"}, as));
            assertEquals(0, entry.exit(), entry.err());
            Cli.Run badIp = Cli.run(cat(new String[] {"lists", "add", "--scope", "operator", "--block", "--ip", "10.0.0.0/99"}, as));
            assertEquals(1, badIp.exit());
            assertTrue(badIp.err().contains("(field value)"), badIp.err());
            Cli.Run list = Cli.run(cat(new String[] {"lists", "list", "--json"}, as));
            assertEquals(0, list.exit());
            assertTrue(list.out().contains("\"value\" : \"spam@example.net\""), list.out());
            java.util.regex.Matcher id = java.util.regex.Pattern.compile("\"id\" : (\\d+)").matcher(list.out());
            assertTrue(id.find(), list.out());
            Cli.Run removed = Cli.run(cat(new String[] {"lists", "remove", id.group(1)}, as));
            assertEquals(0, removed.exit(), removed.err());
            assertEquals("removed " + id.group(1) + "\n", removed.out());
            Cli.Run gone = Cli.run(cat(new String[] {"lists", "remove", id.group(1)}, as));
            assertEquals(1, gone.exit());
            assertTrue(gone.err().contains("no such entry"), gone.err());

            // roles and tokens: anna may not add operator entries; no token at all
            Cli.Run denied = Cli.run("lists", "add", "--server", server, "--token-file", annaToken.toString(), "--scope", "operator",
                    "--block", "--ip", "192.0.2.1");
            assertEquals(77, denied.exit(), denied.err());
            Path empty = dir.resolve("empty");
            Files.writeString(empty, "");
            assertEquals(77, Cli.run("domains", "list", "--server", server, "--token-file", empty.toString()).exit());
            assertEquals(69, Cli.run("domains", "list", "--server", "127.0.0.1:1", "--token-file", token.toString()).exit());

            // policy import: the file's domains and operator lists; a second run skips what is stored
            Cli.Run imp = Cli.run(cat(new String[] {"policy", "import", cfg.toString()}, as));
            assertEquals(0, imp.exit(), imp.err());
            assertEquals("imported 1 domains and 5 list entries (0 already stored)\n", imp.out());
            Cli.Run again = Cli.run(cat(new String[] {"policy", "import", cfg.toString()}, as));
            assertEquals("imported 1 domains and 0 list entries (5 already stored)\n", again.out());

            // one rule: a domain named in the file and in the store takes the store's settings
            assertEquals(4096, config.engine().policyFor(new Mailbox("bob", "example.com", false)).maxMessageBytes());
            assertEquals(0, Cli.run(cat(new String[] {"domains", "set", "example.com", "--settings",
                    "{\"checks\": {\"message-size\": {\"max-bytes\": 8192}}}"}, as)).exit());
            assertEquals(8192, config.engine().policyFor(new Mailbox("bob", "example.com", false)).maxMessageBytes());
            assertEquals(0, Cli.run(cat(new String[] {"domains", "remove", "example.com"}, as)).exit());
            // removed from the store: the file's settings apply again
            assertEquals(4096, config.engine().policyFor(new Mailbox("bob", "example.com", false)).maxMessageBytes());
            assertTrue(config.engine().isLocalDomain("example.com"), "still local: the file names it");
        }
    }

    static String[] cat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
