// Rate limits on one daemon with the embedded store, through the SMTP door: a connection rate
// answers 421 XM-RJCT76 instead of the greeting and closes; a recipient rate refuses at RCPT with
// the exact lines and a domain's override changes one rule for that domain; log-only refuses
// nothing; a delay-only rule makes the client wait and lets it on.
package org.mxfront.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RateLimitIT {
    @RegisterExtension
    static final SinkFixture sink = new SinkFixture();
    @RegisterExtension
    static final MxfrontFixture mx = MxfrontFixture.relayingTo(sink).with("""
            checks:
              rate-limit:
                enabled: true
                rules:
                  connections: {count: connections, rate: 2/1h}
                  recipients: {key: [client-ip], count: recipients, rate: 2/1h}
                  slow-senders: {key: [sender-domain], rate: 1/1h, tarpit: 300ms, action: delay}
            domains:
              example.com: {}
              example.org:
                checks:
                  rate-limit: {rules: {recipients: {rate: 4/1h}}}
            """);
    @RegisterExtension
    static final MxfrontFixture watching = MxfrontFixture.relayingTo(sink).with("""
            checks:
              rate-limit:
                enabled: true
                mode: log-only
                rules:
                  recipients: {key: [client-ip], count: recipients, rate: 1/1h}
            """);

    @Test
    void aConnectionRateAnswers421InsteadOfTheGreetingAndCloses() throws Exception {
        for (int i = 0; i < 2; i++) {
            try (SmtpClient c = mx.client("127.0.0.20")) {
                assertEquals(List.of("220 mx.test ESMTP mxfront"), c.reply());
            }
        }
        try (SmtpClient c = mx.client("127.0.0.20")) {
            assertEquals(List.of("421-4.7.0 XM-RJCT76: Too many connections from 127.0.0.20 in a short time, try again later.",
                    "421 4.7.0 [127.0.0.20] [mx.test]"), c.reply());
            assertTrue(c.closedByServer(), "the connection is closed");
        }
        try (SmtpClient c = mx.client("127.0.0.21")) {
            assertEquals(List.of("220 mx.test ESMTP mxfront"), c.reply(), "another client");
        }
    }

    @Test
    void aRecipientRateRefusesAtRcptAndADomainOverrideChangesOneRule() throws Exception {
        try (SmtpClient c = FrontDoorIT.hello(mx.get(), "127.0.0.30", "client.sender.example")) {
            assertEquals(List.of("250 2.1.0 Ok"), c.command("MAIL FROM:<a@one.example>"));
            assertEquals(List.of("250 2.1.5 Ok"), c.command("RCPT TO:<a@example.com>"));
            assertEquals(List.of("250 2.1.5 Ok"), c.command("RCPT TO:<b@example.com>"));
            assertEquals(List.of("450-4.7.1 XM-RJCT40: Sender rate exceeded, try again later.",
                    "450 4.7.1 [127.0.0.30] [mx.test]"), c.command("RCPT TO:<c@example.com>"));
            // example.org's override (4 per hour) is a limit, and so a bucket, of its own
            for (String r : List.of("a", "b", "c", "d")) assertEquals(List.of("250 2.1.5 Ok"), c.command("RCPT TO:<" + r + "@example.org>"));
            assertEquals(List.of("450-4.7.1 XM-RJCT40: Sender rate exceeded, try again later.",
                    "450 4.7.1 [127.0.0.30] [mx.test]"), c.command("RCPT TO:<e@example.org>"));
            assertEquals(List.of("450-4.7.1 XM-RJCT40: Sender rate exceeded, try again later.",
                    "450 4.7.1 [127.0.0.30] [mx.test]"), c.command("RCPT TO:<d@example.com>"));
        }
    }

    @Test
    void logOnlyRefusesNothing() throws Exception {
        try (SmtpClient c = FrontDoorIT.hello(watching.get(), "127.0.0.40", "client.sender.example")) {
            assertEquals(List.of("250 2.1.0 Ok"), c.command("MAIL FROM:<a@one.example>"));
            for (String r : List.of("a", "b", "c")) assertEquals(List.of("250 2.1.5 Ok"), c.command("RCPT TO:<" + r + "@example.com>"));
        }
        assertEquals(2.0, RateLimiting.decisions(watching.get(), "recipients", "limited"), "counted as would-be refusals");
    }

    @Test
    void aDelayOnlyRuleWaitsAndLetsTheClientOn() throws Exception {
        try (SmtpClient c = FrontDoorIT.hello(mx.get(), "127.0.0.50", "client.sender.example")) {
            assertEquals(List.of("250 2.1.0 Ok"), c.command("MAIL FROM:<a@slow.example>"));
            c.command("RSET");
            assertEquals(List.of("250 2.1.0 Ok"), c.command("MAIL FROM:<b@slow.example>"), "over the limit: delayed, not refused");
        }
        assertEquals(1.0, RateLimiting.decisions(mx.get(), "slow-senders", "delayed"));
    }
}
