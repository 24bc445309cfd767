// The recipient-mx check: a non-local domain whose MX names one of our hosts gets XM-RJCT21;
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
        server.servfail("broken.test");
        ctx = DnsTestSupport.context(server, new MutableClock(), new SimpleMeterRegistry());
        check = new RecipientMxCheck(new RecipientMxConfig(List.of("mx2.example.net.")), ctx);
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
    void everythingElseIsLeftToTheRelayCheck() {
        assertEquals(Verdict.CONTINUE, rcpt("a@other.test", false));
        assertEquals(Verdict.CONTINUE, rcpt("a@nx.test", false));
        assertEquals(Verdict.CONTINUE, rcpt("a@broken.test", false));
        assertEquals(Verdict.CONTINUE, rcpt("a@example.com", false));
        assertEquals(Verdict.CONTINUE, rcpt("a@parked.test", true));
    }
}
