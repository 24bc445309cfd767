// The rdns check: no PTR gives 450 4.7.1 XM-RJCT38, forward confirmation when required, failures
// skipped or 451 4.4.3, postmaster@/abuse@ of local domains and relay networks exempt.
package org.mxfront.checks.rdns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mxfront.dns.DnsTestSupport.client;
import static org.mxfront.dns.DnsTestSupport.mailbox;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mxfront.checks.CheckContext;
import org.mxfront.codes.Code;
import org.mxfront.dns.DnsTestSupport;
import org.mxfront.dns.FakeDnsServer;
import org.mxfront.dns.MutableClock;
import org.mxfront.dns.OnDnsFailure;
import org.mxfront.policy.Facts;
import org.mxfront.policy.Stage;
import org.mxfront.policy.Verdict;

class RdnsCheckTest {
    FakeDnsServer server;
    CheckContext ctx;

    @BeforeEach
    void start() throws Exception {
        server = new FakeDnsServer();
        server.add("2.2.0.192.in-addr.arpa. 300 IN PTR good.test.");
        server.add("good.test. 300 IN A 192.0.2.2");
        server.add("3.2.0.192.in-addr.arpa. 300 IN PTR liar.test.");
        server.add("liar.test. 300 IN A 192.0.2.99");
        server.servfail("5.2.0.192.in-addr.arpa");
        ctx = DnsTestSupport.context(server, new MutableClock(), new SimpleMeterRegistry());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    Verdict rcpt(RdnsConfig config, String ip, String to) {
        RdnsCheck check = new RdnsCheck(config, ctx);
        Facts f = client(ip);
        check.prefetch(f);
        return check.evaluate(Stage.RCPT, f.withRecipient(mailbox(to)));
    }

    static RdnsConfig config(RdnsConfig.Require require, OnDnsFailure onFailure) {
        return new RdnsConfig(require, onFailure, null, null);
    }

    @Test
    void noPtrIsDeferredWithTheSeedsReply() {
        assertEquals(Verdict.defer(Code.NO_REVERSE_HOSTNAME, java.util.Map.of()),
                rcpt(config(null, null), "192.0.2.4", "bob@example.com"));
        assertEquals(Verdict.CONTINUE, rcpt(config(null, null), "192.0.2.4", "postmaster@example.com"));
        assertEquals(Verdict.CONTINUE, rcpt(config(null, null), "192.0.2.4", "postmaster"));
        assertEquals(Code.NO_REVERSE_HOSTNAME, rcpt(config(null, null), "192.0.2.4", "postmaster@elsewhere.test").code());
    }

    @Test
    void anyPtrWillDoUnlessForwardConfirmationIsRequired() {
        assertEquals(Verdict.CONTINUE, rcpt(config(null, null), "192.0.2.3", "bob@example.com"));
        assertEquals(Code.NO_REVERSE_HOSTNAME,
                rcpt(config(RdnsConfig.Require.FORWARD_CONFIRMED, null), "192.0.2.3", "bob@example.com").code());
        assertEquals(Verdict.CONTINUE, rcpt(config(RdnsConfig.Require.FORWARD_CONFIRMED, null), "192.0.2.2", "bob@example.com"));
    }

    @Test
    void failureIsSkippedOrTempfailed() {
        assertEquals(Verdict.CONTINUE, rcpt(config(null, null), "192.0.2.5", "bob@example.com"));
        Verdict v = rcpt(config(null, OnDnsFailure.TEMPFAIL), "192.0.2.5", "bob@example.com");
        assertEquals(Code.DNS_TEMPFAIL, v.code());
        assertEquals(451, v.code().smtpCode());
    }

    @Test
    void relayNetworksAreExempt() {
        RdnsCheck check = new RdnsCheck(config(null, null), ctx);
        Facts f = client("192.0.2.4", true);
        check.prefetch(f);
        assertEquals(Verdict.CONTINUE, check.evaluate(Stage.RCPT, f.withRecipient(mailbox("bob@example.com"))));
        assertEquals(0, server.queries("4.2.0.192.in-addr.arpa", org.xbill.DNS.Type.PTR));
    }
}
