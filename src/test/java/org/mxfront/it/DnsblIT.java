// The dnsbl check against a real DNSBL server: Debian's rbldnsd on a loopback port with test zones
// (SBL, XBL, PBL, an IPv6 entry, open-relay, own and generic lists, a zone that answers
// 127.255.255.254). Clients pose as the listed addresses from 127.0.0.x source addresses (and as
// an IPv6 client through XCLIENT), so every reject path is checked with its exact reply lines.
package org.mxfront.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DnsblIT {
    @RegisterExtension
    static final SinkFixture sink = new SinkFixture();
    @RegisterExtension
    static final RbldnsdFixture rbl = new RbldnsdFixture(datasets(
            "sbl", ":127.0.0.2:Listed in the test SBL\n127.0.0.2\n127.0.0.30\n",
            "sbl6", ":127.0.0.2:Listed in the test SBL\n2001:db8::2\n",
            "xbl", ":127.0.0.4:Listed in the test XBL\n127.0.0.4\n",
            "pbl", ":127.0.0.10:Listed in the test PBL\n127.0.0.10\n",
            "relays", ":127.0.0.2:Open relay\n127.0.0.2\n127.0.0.6\n",
            "own", ":127.0.0.2:Listed by mx.test\n127.0.0.2\n127.0.0.5\n",
            "generic", ":127.0.0.2:Listed\n127.0.0.2\n127.0.0.7\n",
            "allow", ":127.0.0.3:Allowed\n127.0.0.2\n127.0.0.8\n",
            // A zone that refuses our resolver for one client, and keeps its RFC 5782 test point.
            "blocked", ":127.255.255.254:Query via public resolver refused\n127.0.0.20\n",
            "blockedtp", ":127.0.0.2:Test point\n127.0.0.2\n",
            // the shipped Spamcop preset, and the README's Senderscore example (answers in 127.0.4.0/24)
            "spamcop", ":127.0.0.2:Listed by Spamcop (test)\n127.0.0.2\n127.0.0.41\n",
            "senderscore", ":127.0.4.2:Listed by Senderscore (test)\n127.0.0.42\n",
            "senderscoretp", ":127.0.4.2:Test point\n127.0.0.2\n"),
            List.of("zen.test:ip4set:sbl", "zen.test:ip6trie:sbl6", "zen.test:ip4set:xbl", "zen.test:ip4set:pbl",
                    "relays.test:ip4set:relays", "own.test:ip4set:own", "generic.test:ip4set:generic",
                    "allow.test:ip4set:allow", "blocked.test:ip4set:blocked", "blocked.test:ip4set:blockedtp",
                    "spamcop.test:ip4set:spamcop", "senderscore.test:ip4set:senderscore", "senderscore.test:ip4set:senderscoretp"),
            "2.0.0.127.zen.test");
    @RegisterExtension
    static final MxfrontFixture mx = MxfrontFixture.relayingTo(sink).with(() -> config(rbl.port(), "", ""), rbl);

    /** The rbldnsd datasets, name then content (more than Map.of takes). */
    static Map<String, String> datasets(String... nameContent) {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < nameContent.length; i += 2) m.put(nameContent[i], nameContent[i + 1]);
        return m;
    }

    /** mxfront with the test zones; the extras are laid into the dnsbl check's and the server's settings. */
    static String config(int dnsPort, String dnsblExtra, String serverExtra) {
        return """
                smtp:
                  trusted-proxies: [127.0.0.1/32]
                server: {%s}
                dns:
                  resolvers: ["127.0.0.1:%d"]
                checks:
                  helo: {}
                  dnsbl:
                    allow-clients: [127.0.0.30/32]
                %s
                    zones:
                      - zone: zen.test
                        name: Spamhaus ZEN (test)
                        answers:
                          - { addresses: [127.0.0.2-127.0.0.3], code: sbl-listed }
                          - { addresses: [127.0.0.4-127.0.0.7], code: xbl-listed }
                          - { addresses: [127.0.0.10-127.0.0.11], code: pbl-listed }
                      - zone: relays.test
                        name: the mx.test open relay list
                        answers: [{ addresses: [127.0.0.2], code: open-relay-listed }]
                      - zone: own.test
                        name: the mx.test RBL
                        answers: [{ addresses: [127.0.0.2], code: own-rbl-listed }]
                      - zone: generic.test
                      - zone: blocked.test
                      - { preset: spamcop, zone: spamcop.test }
                      - zone: senderscore.test
                        name: "Senderscore's Blocklist (remediation: https://senderscore.org/rtbl/)"
                        answers: [{ addresses: [127.0.4.0/24], code: rbl-listed }]
                  relay: {}
                """.formatted(serverExtra, dnsPort, dnsblExtra.indent(4).stripTrailing());
    }

    private static List<String> rcpt(Mxfront m, String client, String recipient) throws Exception {
        try (SmtpClient c = FrontDoorIT.hello(m, client, "client.sender.example")) {
            assertEquals(List.of("250 2.1.0 Ok"), c.command("MAIL FROM:<a@sender.example>"));
            return c.command("RCPT TO:<" + recipient + ">");
        }
    }

    /**
     * One refusal a list (client address, then the first reply line; the second is always
     * {@code 550 5.7.1 [client] [mx.test]}): SBL at RCPT, the Spamcop preset with the seed's wording
     * and lookup link, the README's Senderscore example, XBL, PBL, our own RBL, an open-relay list,
     * and a list without answers of its own (the generic RBL code).
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            127.0.0.2  | 550-5.7.1 XM-RJCT04: IP address 127.0.0.2 is listed in the Spamhaus SBL.
            127.0.0.41 | 550-5.7.1 XM-RJCT86: The sending server 127.0.0.41 is Blocklisted by Spamcop, see https://spamcop.net/bl.shtml (an address is removed after 24 hours without new reports).
            127.0.0.42 | 550-5.7.1 XM-RJCT57: IP address 127.0.0.42 is listed in Senderscore's Blocklist (remediation: https://senderscore.org/rtbl/).
            127.0.0.4  | 550-5.7.1 XM-RJCT05: IP address 127.0.0.4 is listed in the Spamhaus XBL.
            127.0.0.10 | 550-5.7.1 XM-RJCT19: IP address 127.0.0.10 is listed in the Spamhaus PBL.
            127.0.0.5  | 550-5.7.1 XM-RJCT22: IP address 127.0.0.5 is listed in the mx.test RBL.
            127.0.0.6  | 550-5.7.1 XM-RJCT03: IP address 127.0.0.6 is listed as an open relay in the mx.test open relay list.
            127.0.0.7  | 550-5.7.1 XM-RJCT57: IP address 127.0.0.7 is listed in generic.test.
            """)
    void listedClientIsRefusedAtRcpt(String client, String firstLine) throws Exception {
        assertEquals(List.of(firstLine, "550 5.7.1 [" + client + "] [mx.test]"), rcpt(mx.get(), client, "bob@example.com"));
    }

    @Test
    void ipv6ClientIsLookedUpInNibbleFormat() throws Exception {
        try (SmtpClient c = FrontDoorIT.hello(mx.get(), "127.0.0.1", "proxy.example.net")) {
            assertEquals(List.of("220 mx.test ESMTP mxfront"), c.command("XCLIENT ADDR=IPV6:2001:db8::2"));
            c.command("EHLO v6.sender.example");
            c.command("MAIL FROM:<a@sender.example>");
            assertEquals(List.of("550-5.7.1 XM-RJCT04: IP address 2001:db8::2 is listed in the Spamhaus SBL.",
                    "550 5.7.1 [2001:db8::2] [mx.test]"), c.command("RCPT TO:<bob@example.com>"));
        }
    }

    @Test
    void postmasterAndAbuseOfLocalDomainsStayReachable() throws Exception {
        try (SmtpClient c = FrontDoorIT.hello(mx.get(), "127.0.0.2", "client.sender.example")) {
            c.command("MAIL FROM:<a@sender.example>");
            assertEquals(List.of("250 2.1.5 Ok"), c.command("RCPT TO:<postmaster@example.com>"));
            assertEquals(List.of("250 2.1.5 Ok"), c.command("RCPT TO:<Abuse@example.com>"));
            assertEquals("550 5.7.1 [127.0.0.2] [mx.test]", c.command("RCPT TO:<bob@example.com>").get(1));
            assertEquals(List.of("354 End data with <CR><LF>.<CR><LF>"), c.command("DATA"));
            assertTrue(c.command("Subject: to postmaster from a listed client\r\n\r\nhi\r\n.").get(0).startsWith("250 2.0.0"));
        }
        assertTrue(sink.awaitMessageContaining("Subject: to postmaster from a listed client").contains("X-Rcpt-Args: <postmaster@example.com>"));
    }

    @Test
    void unlistedClientPasses() throws Exception {
        assertEquals(List.of("250 2.1.5 Ok"), rcpt(mx.get(), "127.0.0.9", "bob@example.com"));
        assertTrue(counter(mx.get(), "zen.test", "not_listed") >= 1);
    }

    @Test
    void operatorAllowListWinsAndSkipsTheLookups() throws Exception {
        double before = counter(mx.get(), "zen.test", "listed") + counter(mx.get(), "zen.test", "not_listed");
        assertEquals(List.of("250 2.1.5 Ok"), rcpt(mx.get(), "127.0.0.30", "bob@example.com"));
        assertEquals(before, counter(mx.get(), "zen.test", "listed") + counter(mx.get(), "zen.test", "not_listed"));
    }

    @Test
    void refusedQueryAnswerIsNeverAListingAndSuspendsTheZone() throws Exception {
        assertEquals(1.0, zoneActive(mx.get(), "blocked.test"));
        assertEquals(List.of("250 2.1.5 Ok"), rcpt(mx.get(), "127.0.0.20", "bob@example.com"));
        Counter refused = mx.get().registry.find("mxfront.dnsbl.refused").tag("zone", "blocked.test").tag("answer", "254").counter();
        assertEquals(1.0, refused.count());
        assertEquals(0.0, zoneActive(mx.get(), "blocked.test"));
        assertEquals(1.0, zoneActive(mx.get(), "zen.test"));
    }

    @Test
    void enforcedAtConnectTheClientIsRefusedInsteadOfGreeted() throws Exception {
        String yaml = config(rbl.port(), "enforce-at: connect", "delay-reject: false");
        try (Mxfront m = Mxfront.start(sink.port(), yaml); SmtpClient c = m.client("127.0.0.4")) {
            assertEquals(List.of("550-5.7.1 XM-RJCT05: IP address 127.0.0.4 is listed in the Spamhaus XBL.",
                    "550 5.7.1 [127.0.0.4] [mx.test]"), c.reply());
            assertTrue(c.closedByServer());
        }
    }

    @Test
    void scoringAddsTheWeightsOfEveryListAndAllowListsSubtract() throws Exception {
        String yaml = """
                dns:
                  resolvers: ["127.0.0.1:%d"]
                checks:
                  dnsbl:
                    threshold: 2
                    zones:
                      - zone: zen.test
                        answers: [{ addresses: [127.0.0.2-127.0.0.11], code: sbl-listed }]
                      - zone: own.test
                        name: the mx.test RBL
                        answers: [{ addresses: [127.0.0.2], code: own-rbl-listed, weight: 2 }]
                      - zone: allow.test
                        answers: [{ addresses: [127.0.0.3], weight: -5 }]
                  relay: {}
                """.formatted(rbl.port());
        try (Mxfront m = Mxfront.start(sink.port(), yaml)) {
            // zen alone (1) is below the threshold
            assertEquals(List.of("250 2.1.5 Ok"), rcpt(m, "127.0.0.4", "bob@example.com"));
            // own.test (2): refused with the heaviest list's code
            assertEquals(List.of("550-5.7.1 XM-RJCT22: IP address 127.0.0.5 is listed in the mx.test RBL.",
                    "550 5.7.1 [127.0.0.5] [mx.test]"), rcpt(m, "127.0.0.5", "bob@example.com"));
            // listed in zen (1) and own (2), but on the allow-list (-5)
            assertEquals(List.of("250 2.1.5 Ok"), rcpt(m, "127.0.0.2", "bob@example.com"));
        }
    }

    static double counter(Mxfront m, String zone, String outcome) {
        Counter c = m.registry.find("mxfront.dnsbl.lookups").tag("zone", zone).tag("outcome", outcome).counter();
        return c == null ? 0 : c.count();
    }

    static double zoneActive(Mxfront m, String zone) {
        Gauge g = m.registry.find("mxfront.dnsbl.zone.active").tag("zone", zone).gauge();
        return g.value();
    }
}
