// The dnsbl check around its decision: lookups start at connect (prefetch) and are read at RCPT,
// once per connection; exemptions; and the zone watch reacting to real answers (blocked resolver,
// a zone that fails its RFC 5782 test points). Against an in-process fake DNS server.
package org.mxfront.checks.dnsbl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mxfront.dns.DnsTestSupport.client;
import static org.mxfront.dns.DnsTestSupport.mailbox;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mxfront.checks.CheckContext;
import org.mxfront.codes.Code;
import org.mxfront.dns.DnsTestSupport;
import org.mxfront.dns.FakeDnsServer;
import org.mxfront.dns.MutableClock;
import org.mxfront.policy.Facts;
import org.mxfront.policy.Stage;
import org.mxfront.policy.Verdict;
import org.xbill.DNS.Type;

class DnsblCheckTest {
    FakeDnsServer server;
    MutableClock clock = new MutableClock();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    CheckContext ctx;

    @BeforeEach
    void start() throws Exception {
        server = new FakeDnsServer();
        server.add("2.0.0.127.zen.test. 300 IN A 127.0.0.2");
        server.add("4.0.0.127.zen.test. 300 IN A 127.0.0.4");
        server.add("20.0.0.127.zen.test. 300 IN A 127.255.255.254");
        ctx = DnsTestSupport.context(server, clock, registry);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    DnsblCheck check(String extra) {
        DnsblConfig.Zone zen = new DnsblConfig.Zone("zen.test", "Spamhaus", null, null, DnsblConfig.defaultZones().get(0).answers());
        DnsblConfig c = new DnsblConfig(List.of(zen), null, null, null, extra.equals("allow") ? List.of("127.0.0.4/32") : null,
                null, null, 2, Duration.ofSeconds(60), extra.equals("probes") ? Duration.ofMinutes(5) : Duration.ZERO);
        return new DnsblCheck(c, ctx);
    }

    Verdict rcpt(DnsblCheck check, Facts connected, String to) {
        check.prefetch(connected);
        return check.evaluate(Stage.RCPT, connected.withRecipient(mailbox(to)));
    }

    @Test
    void listedClientIsRefusedAtRcptWithTheListsCode() {
        DnsblCheck check = check("");
        Facts f = client("127.0.0.4");
        assertEquals(new Verdict.Reject(Code.XBL_LISTED, Map.of("zone", "Spamhaus")), rcpt(check, f, "bob@example.com"));
        // The same connection's next recipient reads the same answer: one query per connection.
        assertEquals(Code.XBL_LISTED, check.evaluate(Stage.RCPT, f.withRecipient(mailbox("alice@example.com"))).code());
        assertEquals(1, server.queries("4.0.0.127.zen.test", Type.A));
        assertEquals(1.0, registry.find("mxfront.dnsbl.lookups").tag("zone", "zen.test").tag("outcome", "listed").counter().count());
    }

    @Test
    void postmasterAndAbuseOfLocalDomainsOnly() {
        DnsblCheck check = check("");
        assertEquals(Verdict.CONTINUE, rcpt(check, client("127.0.0.2"), "postmaster@example.com"));
        assertEquals(Verdict.CONTINUE, rcpt(check, client("127.0.0.2"), "ABUSE@example.com"));
        assertEquals(Verdict.CONTINUE, rcpt(check, client("127.0.0.2"), "Postmaster"), "<Postmaster> without a domain");
        assertEquals(Code.SBL_LISTED, rcpt(check, client("127.0.0.2"), "postmaster@elsewhere.test").code());
    }

    @Test
    void relayNetworksAndAllowListAreNeverLookedUp() {
        assertEquals(Verdict.CONTINUE, rcpt(check(""), client("127.0.0.4", true), "bob@example.com"));
        assertEquals(Verdict.CONTINUE, rcpt(check("allow"), client("127.0.0.4"), "bob@example.com"));
        assertEquals(0, server.queries("4.0.0.127.zen.test", Type.A));
    }

    @Test
    void blockedResolverAnswerIsNoListingAndSuspendsTheZone() {
        DnsblCheck check = check("");
        assertEquals(Verdict.CONTINUE, rcpt(check, client("127.0.0.20"), "bob@example.com"));
        assertEquals(0.0, registry.find("mxfront.dnsbl.zone.active").tag("zone", "zen.test").gauge().value());
        // Suspended: a listed client is not looked up (and not refused) until the zone is probed back.
        assertEquals(Verdict.CONTINUE, rcpt(check, client("127.0.0.2"), "bob@example.com"));
        assertEquals(0, server.queries("2.0.0.127.zen.test", Type.A));
        assertEquals(1.0, registry.find("mxfront.dnsbl.refused").tag("answer", "254").counter().count());
    }

    @Test
    void zoneFailingItsTestPointsIsSuspended() throws Exception {
        server.add("1.0.0.127.zen.test. 300 IN A 127.0.0.2"); // lists 127.0.0.1: would list everyone
        DnsblCheck check = check("probes");
        // The first lookup starts the health probe; its answer arrives on the resolver's threads.
        rcpt(check, client("127.0.0.9"), "bob@example.com");
        org.mxfront.dns.DnsTestSupport.await(() -> registry.find("mxfront.dnsbl.health.probes").tag("result", "unhealthy")
                .counter() != null);
        assertEquals(0.0, registry.find("mxfront.dnsbl.zone.active").tag("zone", "zen.test").gauge().value());
        assertEquals(Verdict.CONTINUE, rcpt(check, client("127.0.0.2"), "bob@example.com"));
    }

    @Test
    void healthyZoneStaysActiveAfterItsProbe() throws Exception {
        DnsblCheck check = check("probes");
        rcpt(check, client("127.0.0.9"), "bob@example.com");
        org.mxfront.dns.DnsTestSupport.await(() -> registry.find("mxfront.dnsbl.health.probes").tag("result", "ok")
                .counter() != null);
        assertEquals(Code.SBL_LISTED, rcpt(check, client("127.0.0.2"), "bob@example.com").code());
    }

    @Test
    void enforcedAtConnect() {
        DnsblConfig c = new DnsblConfig(List.of(new DnsblConfig.Zone("zen.test", null, null, null,
                DnsblConfig.defaultZones().get(0).answers())), DnsblConfig.EnforceAt.CONNECT, null, null, null, null, null,
                null, null, Duration.ZERO);
        DnsblCheck check = new DnsblCheck(c, ctx);
        assertEquals(java.util.Set.of(Stage.CONNECT), check.stages());
        Facts f = client("127.0.0.2");
        check.prefetch(f);
        assertEquals(Code.SBL_LISTED, check.evaluate(Stage.CONNECT, f).code());
    }
}
