// The Authentication-Results header through a real Postfix, at both doors that edit messages: the
// SMTP door in front of Postfix (Postfix queues what mxfront passed on and delivers it to
// smtp-sink), and the milter door inside Postfix (SMFIR_INSHEADER, SMFIR_CHGHEADER to delete the
// forged field). Either way the sink gets our header once, folded with tabs, no stray CR, and not
// the forged one.
package org.mxfront.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class AuthResultsPostfixIT {
    static final PostfixFixture postfix = new PostfixFixture(); // started by mx, its sink first
    static final SinkFixture sink = postfix.sink();
    @RegisterExtension
    static final MxfrontFixture mx = MxfrontFixture.relayingTo(postfix).with("""
            checks:
              relay: {}
              authentication-results: {}
            """);
    @TempDir
    static Path tmp;

    static final String FORGED = "Authentication-Results: mx.test;\r\n\tspf=pass smtp.mailfrom=forged@bank.example\r\n";

    static void send(int port, String marker) throws Exception {
        try (SmtpClient c = new SmtpClient("127.0.0.2", port)) {
            c.timeout(Duration.ofSeconds(30));
            assertTrue(c.reply().get(0).startsWith("220 "));
            c.command("EHLO client.example");
            assertEquals(List.of("250 2.1.0 Ok"), c.command("MAIL FROM:<alice@sender.example>"));
            assertEquals(List.of("250 2.1.5 Ok"), c.command("RCPT TO:<bob@example.com>"));
            assertEquals(List.of("354 End data with <CR><LF>.<CR><LF>"), c.command("DATA"));
            List<String> r = c.command(FORGED + "From: alice@sender.example\r\nSubject: " + marker + "\r\n\r\nbody\r\n.");
            assertTrue(r.get(0).startsWith("250 "), r.toString());
        }
    }

    static void check(String dump) {
        assertFalse(dump.contains("forged@bank.example"), dump);
        assertFalse(dump.contains("\r"), "no CR left in a line:\n" + dump);
        assertTrue(dump.contains("Authentication-Results: mx.test;\n\tspf=none;\n\tdkim=none;\n\tdmarc=none\n"), dump);
        assertEquals(1, dump.split("Authentication-Results:", -1).length - 1, dump);
    }

    @Test
    void smtpDoorInFrontOfPostfix() throws Exception {
        send(mx.port(), "via the smtp door");
        check(sink.get().awaitMessageContaining("Subject: via the smtp door", Duration.ofSeconds(30)));
    }

    @Test
    void milterDoorInsidePostfix() throws Exception {
        assumeTrue(PostfixInstance.available(), "needs root and Debian's postfix package");
        try (Mxfront milter = Mxfront.start(sink.port(), """
                smtp: {enabled: false}
                milter: {enabled: true, listen: "127.0.0.1:0"}
                checks:
                  relay: {}
                  authentication-results: {}
                """);
                PostfixInstance pf = PostfixInstance.start(tmp, sink.port(), List.of(
                        "smtpd_milters=inet:127.0.0.1:" + milter.daemon.milterPort(), "milter_default_action=tempfail",
                        "milter_protocol=6", "mynetworks=127.0.0.1/32", "relay_domains=example.com",
                        "transport_maps=inline:{example.com=smtp:[127.0.0.1]:" + sink.port() + "}"))) {
            send(pf.port, "via the milter door");
            check(sink.get().awaitMessageContaining("Subject: via the milter door", Duration.ofSeconds(30)));
        }
    }
}
