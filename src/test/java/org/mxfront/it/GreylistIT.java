// Greylisting end to end with the embedded store: the exact 451 lines, the retry passing after the
// delay and reaching the downstream, the tuple surviving a daemon restart (two daemons one after
// the other on one state directory), and `mxfront greylist` going through the running daemon that
// holds the store's file. Delays are 2 s and the tests poll: no timing assertions.
package org.mxfront.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;

class GreylistIT {
    @TempDir
    static Path tmp;
    @RegisterExtension
    static final SinkFixture sink = new SinkFixture();

    /** Greylisting with a 2 s delay, each loopback address its own client (/32), state in dir. */
    static String yaml(Path dir) {
        return """
                state-directory: %s
                checks:
                  relay: {}
                  greylist:
                    delay: 2s
                    ipv4-prefix: 32
                    allow-clients-file: ""
                """.formatted(dir);
    }

    static List<String> greylisted(int seconds, String ip) {
        return List.of("451-4.7.1 XM-RJCT23: Greylisted, please try again in " + seconds + " seconds.",
                "451 4.7.1 [" + ip + "] [mx.test]");
    }

    /** Retries the transaction until it is accepted; returns the replies to RCPT and the dot. */
    static List<String> retryUntilAccepted(Mxfront m, String ip, String sender, String rcpt, String subject) {
        return Greylisting.retryWhileGreylisted(() -> Greylisting.send(m, ip, sender, rcpt, subject),
                r -> assertTrue(r.get(0).matches("451-4\\.7\\.1 XM-RJCT23: Greylisted, please try again in [12] seconds\\."), r.toString()));
    }

    @Test
    void greylistedThenTheRetryPassesAndIsRelayed() throws Exception {
        try (Mxfront mx = Mxfront.start(sink.port(), yaml(tmp.resolve("state1")))) {
            List<String> first = Greylisting.rcpt(mx, "127.0.0.2", "alice@sender.example", "bob@example.com");
            System.out.println("greylisted RCPT: " + first);
            assertEquals(greylisted(2, "127.0.0.2"), first);
            List<String> r = retryUntilAccepted(mx, "127.0.0.2", "alice@sender.example", "bob@example.com", "greylist retry");
            System.out.println("retry: " + r);
            assertEquals("250 2.1.5 Ok", r.get(0));
            assertTrue(r.get(1).startsWith("250 2.0.0 Ok"), r.toString());
            sink.awaitMessageContaining("Subject: greylist retry");
            // auto-allowed now: another sender and recipient pass at once
            assertEquals(List.of("250 2.1.5 Ok"), Greylisting.rcpt(mx, "127.0.0.2", "zed@other.example", "carol@example.com"));
            // postmaster is never greylisted; the relay-networks client neither
            assertEquals(List.of("250 2.1.5 Ok"), Greylisting.rcpt(mx, "127.0.0.3", "x@other.example", "postmaster@example.com"));
            assertEquals(List.of("250 2.1.5 Ok"), Greylisting.rcpt(mx, "127.0.0.1", "x@other.example", "bob@example.com"));
            assertEquals(greylisted(2, "127.0.0.3"), Greylisting.rcpt(mx, "127.0.0.3", "x@other.example", "bob@example.com"));
            assertEquals(1.0, Greylisting.decisions(mx, "passed"));
            assertEquals(1.0, Greylisting.decisions(mx, "auto_allowed"));
        }
    }

    @Test
    void aTupleRecordedBeforeARestartCountsAfterIt() throws Exception {
        Path state = tmp.resolve("state2");
        try (Mxfront before = Mxfront.start(sink.port(), yaml(state))) {
            assertEquals(greylisted(2, "127.0.0.4"), Greylisting.rcpt(before, "127.0.0.4", "restart@sender.example", "bob@example.com"));
            assertEquals(1.0, Greylisting.decisions(before, "new"));
        }
        assertTrue(Files.exists(state.resolve("greylist.mv.db")));
        try (Mxfront after = Mxfront.start(sink.port(), yaml(state))) {
            List<String> r = retryUntilAccepted(after, "127.0.0.4", "restart@sender.example", "bob@example.com", "after restart");
            assertEquals("250 2.1.5 Ok", r.get(0));
            assertEquals(0.0, Greylisting.decisions(after, "new"), "the daemon after the restart knew the tuple");
            assertEquals(1.0, Greylisting.decisions(after, "passed"));
        }
    }

    @Test
    void theAdminCommandGoesThroughTheDaemonHoldingTheStore() throws Exception {
        Path state = tmp.resolve("state3");
        try (Mxfront mx = Mxfront.start(sink.port(), yaml(state))) {
            assertEquals(greylisted(2, "127.0.0.5"), Greylisting.rcpt(mx, "127.0.0.5", "cli@sender.example", "bob@example.com"));
            Path cfg = tmp.resolve("cli.yml");
            Files.writeString(cfg, yaml(state) + "metrics:\n  listen: 127.0.0.1:" + mx.httpPort() + "\n");
            org.mxfront.Cli.Run check = Greylisting.cli("check-config", cfg.toString());
            assertEquals(0, check.exit(), "validating the file does not open (and so does not need) the daemon's store: " + check.err());
            org.mxfront.Cli.Run list = Greylisting.cli("greylist", "list", "--tuples", "-c", cfg.toString());
            System.out.println("greylist list: " + list);
            assertEquals(0, list.exit(), list.err());
            assertTrue(list.err().contains("held by a running mxfront"), list.err());
            assertTrue(list.out().contains("tuple\t127.0.0.5/32|cli@sender.example|bob@example.com\t"), list.out());

            org.mxfront.Cli.Run allow = Greylisting.cli("greylist", "allow", "127.0.0.6", "-c", cfg.toString());
            assertEquals(0, allow.exit(), allow.err());
            assertTrue(allow.out().startsWith("allowed 127.0.0.6/32 until "), allow.out());
            assertEquals(List.of("250 2.1.5 Ok"), Greylisting.rcpt(mx, "127.0.0.6", "new@sender.example", "bob@example.com"));
            assertEquals(1.0, Greylisting.decisions(mx, "auto_allowed"));

            org.mxfront.Cli.Run delete = Greylisting.cli("greylist", "delete", "127.0.0.6", "-c", cfg.toString());
            assertEquals("deleted client 127.0.0.6/32\n", delete.out());
            assertEquals(greylisted(2, "127.0.0.6"), Greylisting.rcpt(mx, "127.0.0.6", "new2@sender.example", "bob@example.com"));
        }
        // with the daemon stopped the command opens the file itself
        Path cfg = tmp.resolve("cli2.yml");
        Files.writeString(cfg, yaml(state));
        org.mxfront.Cli.Run list = Greylisting.cli("greylist", "list", "-c", cfg.toString());
        assertEquals(0, list.exit(), list.err());
        assertTrue(!list.err().contains("running mxfront"), list.err());
        assertTrue(list.out().contains("127.0.0.5/32|cli@sender.example|bob@example.com"), list.out());
    }
}
