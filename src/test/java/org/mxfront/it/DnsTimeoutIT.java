// A resolver that never answers (a UDP socket the test binds and never reads): sessions go on after
// dns.timeout with the DNSBL skipped by default, the tempfail options give their exact 4xx replies,
// and a zone that keeps timing out is suspended, so later clients do not wait for it at all.
package org.mxfront.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class DnsTimeoutIT {
    @RegisterExtension
    static final SinkFixture sink = new SinkFixture();
    static DatagramSocket dead;

    @BeforeAll
    static void start() throws Exception {
        dead = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    @AfterAll
    static void stop() {
        if (dead != null) dead.close();
    }

    /** mxfront whose only resolver never answers, with a 1 s DNS timeout. */
    static String config(String checks) {
        return """
                dns:
                  resolvers: ["127.0.0.1:%d"]
                  timeout: 1s
                  client-names: true
                checks:
                %s
                  relay: {}
                """.formatted(dead.getLocalPort(), checks.indent(2).stripTrailing());
    }

    /** A client that gives up if a reply takes more than a few times the DNS timeout. */
    static SmtpClient impatient(Mxfront m, String source) throws Exception {
        SmtpClient c = m.client(source);
        c.readTimeout(Duration.ofSeconds(6));
        assertEquals(List.of("220 mx.test ESMTP mxfront"), c.reply());
        assertEquals("250-mx.test", c.command("EHLO client.sender.example").get(0));
        return c;
    }

    @Test
    void deadResolverCostsAtMostTheTimeoutAndTheDnsblIsSkipped() throws Exception {
        String checks = """
                dnsbl:
                  suspend-after: 2
                  health-check: 0
                  zones: [{ zone: zen.test }]
                rdns: {}
                """;
        try (Mxfront m = Mxfront.start(sink.port(), config(checks))) {
            for (int i = 0; i < 2; i++) {
                try (SmtpClient c = impatient(m, "127.0.0.2")) {
                    assertEquals(List.of("250 2.1.0 Ok"), c.command("MAIL FROM:<a@sender.example>"));
                    assertEquals(List.of("250 2.1.5 Ok"), c.command("RCPT TO:<bob@example.com>"));
                    assertEquals(List.of("250 2.1.5 Ok"), c.command("RCPT TO:<alice@example.com>"));
                }
            }
            // The resolver counts a timeout when its own timer fires, which on a loaded machine can be a
            // moment after the check stopped waiting and the RCPT was answered.
            Ports.await(() -> DnsblIT.counter(m, "zen.test", "timeout") >= 2.0, Duration.ofSeconds(5),
                    "two timeouts counted");
            assertEquals(2.0, DnsblIT.counter(m, "zen.test", "timeout"));
            // Two timeouts in a row: the zone is suspended, the next client is not made to wait for it.
            assertEquals(0.0, DnsblIT.zoneActive(m, "zen.test"));
            try (SmtpClient c = impatient(m, "127.0.0.2")) {
                c.command("MAIL FROM:<a@sender.example>");
                assertEquals(List.of("250 2.1.5 Ok"), c.command("RCPT TO:<bob@example.com>"));
            }
            assertEquals(1.0, DnsblIT.counter(m, "zen.test", "suspended"));
            assertEquals(2.0, DnsblIT.counter(m, "zen.test", "timeout"));
            assertTrue(m.registry.find("mxfront.dns.query.duration").tag("type", "PTR").tag("status", "timeout").timer().count() >= 1);
        }
    }

    @Test
    void tempfailOptionsGiveTheirExactReplies() throws Exception {
        String checks = """
                dnsbl:
                  on-dns-failure: tempfail
                  health-check: 0
                  zones: [{ zone: zen.test }]
                sender-domain: {}
                """;
        try (Mxfront m = Mxfront.start(sink.port(), config(checks)); SmtpClient c = impatient(m, "127.0.0.3")) {
            assertEquals(List.of("450-4.1.8 XM-RJCT37: Sender address rejected: domain sender.example cannot be resolved now.",
                    "450 4.1.8 [127.0.0.3] [mx.test]"), c.command("MAIL FROM:<a@sender.example>"));
            assertEquals(List.of("250 2.1.0 Ok"), c.command("MAIL FROM:<>"));
            assertEquals(List.of("451-4.4.3 XM-RJCT55: Temporary DNS failure, please try again later.",
                    "451 4.4.3 [127.0.0.3] [mx.test]"), c.command("RCPT TO:<bob@example.com>"));
        }
    }

    @Test
    void reverseDnsTempfailOption() throws Exception {
        try (Mxfront m = Mxfront.start(sink.port(), config("rdns: { on-dns-failure: tempfail }"));
                SmtpClient c = impatient(m, "127.0.0.4")) {
            c.command("MAIL FROM:<>");
            assertEquals(List.of("451-4.4.3 XM-RJCT55: Temporary DNS failure, please try again later.",
                    "451 4.4.3 [127.0.0.4] [mx.test]"), c.command("RCPT TO:<bob@example.com>"));
        }
    }
}
