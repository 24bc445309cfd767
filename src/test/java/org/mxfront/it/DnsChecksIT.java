// Reverse DNS, sender-domain and recipient-mx checks, and client names, against a real
// authoritative DNS server: Debian's NSD on a loopback port serving a `test.` zone and the
// 0.0.127.in-addr.arpa zone of the 127.0.0.x clients. Every reject path with its exact reply lines.
package org.mxfront.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

class DnsChecksIT {
    @TempDir
    static Path tmp;

    static final String TEST_ZONE = Nsd.zoneHead("test") + """
            good             IN MX  10 mx.good.test.
            mx.good          IN A   127.0.0.1
            aonly            IN A   127.0.0.1
            nullmx           IN MX  0 .
            nomail           IN TXT "v=spf1 -all"
            hosted-elsewhere IN MX  10 mx.test.
            lowest-is-us     IN MX  10 mx.test.
                             IN MX  20 mx.other.test.
            backup-is-us     IN MX  10 mx.other.test.
                             IN MX  20 mx.test.
            other            IN MX  10 mx.other.test.
            host2.client     IN A   127.0.0.2
            host3.client     IN A   127.0.0.99
            """;

    static final String REVERSE_ZONE = Nsd.zoneHead("0.0.127.in-addr.arpa") + """
            2   IN PTR host2.client.test.
            3   IN PTR host3.client.test.
            """;

    @RegisterExtension
    static final SinkFixture sink = new SinkFixture();
    @RegisterExtension
    static final NsdFixture nsd = new NsdFixture(zones());
    @RegisterExtension
    static final MxfrontFixture mx = MxfrontFixture.relayingTo(sink).with(() -> config(""), nsd);

    /** The forward zone first: the server is ready once it answers for it. */
    static Map<String, String> zones() {
        Map<String, String> zones = new LinkedHashMap<>();
        zones.put("test", TEST_ZONE);
        zones.put("0.0.127.in-addr.arpa", REVERSE_ZONE);
        return zones;
    }

    /** mxfront asking the NSD instance; rdnsExtra goes into the rdns check's settings. */
    static String config(String rdnsExtra) {
        return """
                dns:
                  resolvers: ["127.0.0.1:%d"]
                  client-names: true
                checks:
                  helo: {}
                  rdns:
                %s
                  sender-domain: {}
                  recipient-mx: {}
                  relay: {}
                """.formatted(nsd.port(), rdnsExtra.isEmpty() ? "    {}" : rdnsExtra.indent(4).stripTrailing());
    }

    @Test
    void clientWithoutPtrRecordIsDeferred() throws Exception {
        try (SmtpClient c = FrontDoorIT.hello(mx.get(), "127.0.0.4", "client.good.test")) {
            assertEquals(List.of("250 2.1.0 Ok"), c.command("MAIL FROM:<a@good.test>"));
            assertEquals(List.of("450-4.7.1 XM-RJCT38: Client host rejected: cannot find your reverse hostname, [127.0.0.4].",
                    "450 4.7.1 [127.0.0.4] [mx.test]"), c.command("RCPT TO:<bob@example.com>"));
            assertEquals(List.of("250 2.1.5 Ok"), c.command("RCPT TO:<postmaster@example.com>"));
        }
    }

    @Test
    void anyPtrRecordWillDoByDefaultButForwardConfirmedCanBeRequired() throws Exception {
        try (SmtpClient c = FrontDoorIT.hello(mx.get(), "127.0.0.3", "client.good.test")) {
            c.command("MAIL FROM:<a@good.test>");
            assertEquals(List.of("250 2.1.5 Ok"), c.command("RCPT TO:<bob@example.com>"));
        }
        try (Mxfront strict = Mxfront.start(sink.port(), config("require: forward-confirmed"))) {
            try (SmtpClient c = FrontDoorIT.hello(strict, "127.0.0.3", "client.good.test")) {
                c.command("MAIL FROM:<a@good.test>");
                assertEquals(List.of("450-4.7.1 XM-RJCT38: Client host rejected: cannot find your reverse hostname, [127.0.0.3].",
                        "450 4.7.1 [127.0.0.3] [mx.test]"), c.command("RCPT TO:<bob@example.com>"));
            }
            try (SmtpClient c = FrontDoorIT.hello(strict, "127.0.0.2", "client.good.test")) {
                c.command("MAIL FROM:<a@good.test>");
                assertEquals(List.of("250 2.1.5 Ok"), c.command("RCPT TO:<bob@example.com>"));
            }
        }
    }

    @Test
    void verifiedClientNameAppearsInTheDecisionLog() throws Exception {
        Logger decisions = (Logger) LoggerFactory.getLogger("mxfront.decision");
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        decisions.addAppender(lines);
        try (SmtpClient c = FrontDoorIT.hello(mx.get(), "127.0.0.2", "client.good.test")) {
            c.command("MAIL FROM:<a@good.test>");
            assertEquals("550 5.7.1 [127.0.0.2] [mx.test]", c.command("RCPT TO:<x@other.test>").get(1));
        } finally {
            decisions.detachAppender(lines);
        }
        assertTrue(lines.list.stream().anyMatch(e -> e.getFormattedMessage().startsWith(
                "reject: RCPT from host2.client.test[127.0.0.2]: 550 5.7.1 XM-RJCT06 Unauthorized relay attempt; from=<a@good.test>")),
                lines.list.toString());
    }

    @Test
    void senderDomainMustExist() throws Exception {
        try (SmtpClient c = FrontDoorIT.hello(mx.get(), "127.0.0.2", "client.good.test")) {
            assertEquals(List.of("550-5.1.8 XM-RJCT36: Sender address rejected: domain nx.test not found.",
                    "550 5.1.8 [127.0.0.2] [mx.test]"), c.command("MAIL FROM:<a@nx.test>"));
            assertEquals(List.of("550-5.1.8 XM-RJCT36: Sender address rejected: domain nomail.test not found.",
                    "550 5.1.8 [127.0.0.2] [mx.test]"), c.command("MAIL FROM:<a@nomail.test>"));
            assertEquals(List.of("550-5.7.27 XM-RJCT72: Sender address rejected: domain nullmx.test accepts no mail (null MX).",
                    "550 5.7.27 [127.0.0.2] [mx.test]"), c.command("MAIL FROM:<a@nullmx.test>"));
            assertEquals(List.of("250 2.1.0 Ok"), c.command("MAIL FROM:<a@aonly.test>"));
            c.command("RSET");
            assertEquals(List.of("250 2.1.0 Ok"), c.command("MAIL FROM:<a@good.test>"));
            c.command("RSET");
            assertEquals(List.of("250 2.1.0 Ok"), c.command("MAIL FROM:<>"));
        }
    }

    @Test
    void recipientDomainPointingItsMxAtUsHasNoHosting() throws Exception {
        try (SmtpClient c = FrontDoorIT.hello(mx.get(), "127.0.0.2", "client.good.test")) {
            c.command("MAIL FROM:<a@good.test>");
            assertEquals(List.of("550-5.1.2 XM-RJCT21: Lowest numbered MX record points to local host: hosted-elsewhere.test points its"
                    + " MX at us but has no mail hosting here.", "550 5.1.2 [127.0.0.2] [mx.test]"),
                    c.command("RCPT TO:<someone@hosted-elsewhere.test>"));
            // seed 001's case: the lowest-numbered MX is us, a higher one elsewhere
            assertEquals(List.of("550-5.1.2 XM-RJCT21: Lowest numbered MX record points to local host: lowest-is-us.test points its"
                    + " MX at us but has no mail hosting here.", "550 5.1.2 [127.0.0.2] [mx.test]"),
                    c.command("RCPT TO:<someone@lowest-is-us.test>"));
            // listed as a backup only: not ours to explain, the relay check decides
            assertEquals(List.of("550-5.7.1 XM-RJCT06: Unauthorized relay attempt", "550 5.7.1 [127.0.0.2] [mx.test]"),
                    c.command("RCPT TO:<someone@backup-is-us.test>"));
            assertEquals(List.of("550-5.7.1 XM-RJCT06: Unauthorized relay attempt", "550 5.7.1 [127.0.0.2] [mx.test]"),
                    c.command("RCPT TO:<someone@other.test>"));
            assertEquals(List.of("250 2.1.5 Ok"), c.command("RCPT TO:<bob@example.com>"));
        }
    }

    @Test
    void postfixLearnsTheVerifiedNameThroughXforward() throws Exception {
        assumeTrue(PostfixInstance.available(), "needs root and Debian's postfix package (.ci/test installs it)");
        try (SmtpSink pfSink = SmtpSink.start(tmp);
                PostfixInstance postfix = PostfixInstance.start(tmp, pfSink.port);
                Mxfront m = Mxfront.start(postfix.port, config(""))) {
            String queued;
            try (SmtpClient c = FrontDoorIT.hello(m, "127.0.0.2", "client.good.test")) {
                c.command("MAIL FROM:<a@good.test>");
                assertEquals(List.of("250 2.1.5 Ok"), c.command("RCPT TO:<bob@example.com>"));
                c.command("DATA");
                List<String> r = c.command("Subject: named client\r\n\r\nhi\r\n.");
                assertTrue(r.get(0).startsWith("250 2.0.0 Ok: queued as "), r.toString());
                queued = r.get(0).substring("250 2.0.0 Ok: queued as ".length()).trim();
            }
            Ports.await(() -> postfix.maillog().contains(queued + ": client=localhost[127.0.0.1], orig_client=host2.client.test[127.0.0.2]"),
                    Duration.ofSeconds(10), "maillog names the verified client name");
        }
    }
}
