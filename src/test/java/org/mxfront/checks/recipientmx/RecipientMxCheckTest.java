// The recipient-mx check: a non-local domain whose lowest-numbered MX names one of our hosts, or a
// host at one of our addresses, gets XM-RJCT21 (a domain listing us only as a backup does not);
// everything else (other MX, local domains, relay clients, DNS failures) is left to the relay check.
package org.mxfront.checks.recipientmx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mxfront.dns.DnsTestSupport.client;
import static org.mxfront.dns.DnsTestSupport.mailbox;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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
import org.mxfront.policy.Stage;
import org.mxfront.policy.Verdict;

class RecipientMxCheckTest {
    FakeDnsServer server;
    CheckContext ctx;
    RecipientMxCheck check;

    @BeforeEach
    void start() throws Exception {
        server = new FakeDnsServer();
        server.add("parked.test. 300 IN MX 10 mx.test.");
        server.add("parked2.test. 300 IN MX 20 MX2.Example.NET.");
        server.add("other.test. 300 IN MX 10 mx.other.test.");
        server.add("lowest.test. 300 IN MX 10 mx.test.");
        server.add("lowest.test. 300 IN MX 20 mx.other.test.");
        server.add("backup.test. 300 IN MX 10 mx.other.test.");
        server.add("backup.test. 300 IN MX 20 mx.test.");
        server.add("byaddress.test. 300 IN MX 5 mail.byaddress.test.");
        server.add("mail.byaddress.test. 300 IN A 192.0.2.25");
        server.servfail("broken.test");
        ctx = DnsTestSupport.context(server, new MutableClock(), new SimpleMeterRegistry());
        check = new RecipientMxCheck(new RecipientMxConfig(List.of("mx2.example.net."), List.of("192.0.2.25")), ctx);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    Verdict rcpt(String to, boolean relayClient) {
        return check.evaluate(Stage.RCPT, client("192.0.2.9", relayClient).withRecipient(mailbox(to)));
    }

    @Test
    void domainWithOurMxButNoHosting() {
        assertEquals(Verdict.reject(Code.DOMAIN_NO_HOSTING, Map.of("domain", "parked.test")), rcpt("a@parked.test", false));
        assertEquals(Code.DOMAIN_NO_HOSTING, rcpt("a@parked2.test", false).code());
    }

    @Test
    void onlyTheLowestNumberedMxCounts() {
        assertEquals(Verdict.reject(Code.DOMAIN_NO_HOSTING, Map.of("domain", "lowest.test")), rcpt("a@lowest.test", false));
        assertEquals(Verdict.CONTINUE, rcpt("a@backup.test", false), "we are only its backup: relay decides");
    }

    @Test
    void anMxHostWhoseAddressIsOursIsUs() {
        assertEquals(Verdict.reject(Code.DOMAIN_NO_HOSTING, Map.of("domain", "byaddress.test")), rcpt("a@byaddress.test", false));
    }

    @Test
    void badAddressesAreRefused() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new RecipientMxConfig(List.of(), List.of("mx.example.net")));
    }

    @Test
    void everythingElseIsLeftToTheRelayCheck() {
        assertEquals(Verdict.CONTINUE, rcpt("a@other.test", false));
        assertEquals(Verdict.CONTINUE, rcpt("a@nx.test", false));
        assertEquals(Verdict.CONTINUE, rcpt("a@broken.test", false));
        assertEquals(Verdict.CONTINUE, rcpt("a@example.com", false));
        assertEquals(Verdict.CONTINUE, rcpt("a@parked.test", true));
    }
}
