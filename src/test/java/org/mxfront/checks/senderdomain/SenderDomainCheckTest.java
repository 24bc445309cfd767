// The sender-domain check: MX, or A/AAAA without MX; NXDOMAIN and mail-less names 550 5.1.8;
// RFC 7505 null MX 550 5.7.27; failures 450 4.1.8 or skipped; the null sender, address literals
// and local domains not looked up.
package org.mxfront.checks.senderdomain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mxfront.dns.DnsTestSupport.client;
import static org.mxfront.dns.DnsTestSupport.mailbox;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mxfront.checks.CheckContext;
import org.mxfront.codes.Code;
import org.mxfront.dns.DnsTestSupport;
import org.mxfront.dns.FakeDnsServer;
import org.mxfront.dns.MutableClock;
import org.mxfront.dns.OnDnsFailure;
import org.mxfront.mail.Mailbox;
import org.mxfront.policy.Stage;
import org.mxfront.policy.Verdict;

class SenderDomainCheckTest {
    FakeDnsServer server;
    CheckContext ctx;

    @BeforeEach
    void start() throws Exception {
        server = new FakeDnsServer();
        server.add("good.test. 300 IN MX 10 mx.good.test.");
        server.add("aonly.test. 300 IN A 192.0.2.1");
        server.add("v6only.test. 300 IN AAAA 2001:db8::1");
        server.add("nullmx.test. 300 IN MX 0 .");
        server.add("nomail.test. 300 IN TXT \"v=spf1 -all\"");
        server.servfail("broken.test");
        server.silence("slow.test");
        ctx = DnsTestSupport.context(server, new MutableClock(), new SimpleMeterRegistry());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @ParameterizedTest
    @CsvSource(nullValues = "none", value = {
            "a@good.test, tempfail, none", "a@aonly.test, tempfail, none", "a@v6only.test, tempfail, none",
            "a@nx.test, tempfail, SENDER_DOMAIN_NOT_FOUND", "a@nomail.test, tempfail, SENDER_DOMAIN_NOT_FOUND",
            "a@nullmx.test, tempfail, SENDER_DOMAIN_NULL_MX", "a@broken.test, tempfail, SENDER_DOMAIN_TEMPFAIL",
            "a@slow.test, tempfail, SENDER_DOMAIN_TEMPFAIL", "a@broken.test, skip, none",
            "a@example.com, tempfail, none", "a@[192.0.2.1], tempfail, none"})
    void senders(String sender, String onFailure, Code expected) {
        SenderDomainCheck check = new SenderDomainCheck(
                new SenderDomainConfig(onFailure.equals("skip") ? OnDnsFailure.SKIP : OnDnsFailure.TEMPFAIL, null), ctx);
        Verdict v = check.evaluate(Stage.MAIL, client("192.0.2.9").withSender(mailbox(sender), 0));
        assertEquals(expected, v.code());
        if (expected != null) assertEquals(java.util.Map.of("domain", mailbox(sender).domain()), v.vars());
    }

    @org.junit.jupiter.api.Test
    void nullSenderIsNotChecked() {
        SenderDomainCheck check = new SenderDomainCheck(new SenderDomainConfig(null, null), ctx);
        assertEquals(Verdict.CONTINUE, check.evaluate(Stage.MAIL, client("192.0.2.9").withSender(Mailbox.NULL_SENDER, 0)));
    }
}
