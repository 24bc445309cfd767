// The rate-limit check on the embedded store with a clock the test moves: the N+1th message is
// refused with the exact reply lines and passes again after one interval; IPv6 clients share their
// /64; connections get 421 XM-RJCT76 (a Disconnect); relay networks and allow-clients are exempt; a
// messages-at-rcpt rule counts a message once per key; the null sender is not counted by a sender
// rule; bytes are weighted; a dry run counts nothing; a store failure fails open and is counted;
// action delay waits and carries on. Hourly sending quotas per SMTP AUTH user and domain (issue 24):
// the seed's 550 5.4.6 / 5.4.5 lines, not exempt for relay networks, a 4xx form with temporary: true.
package org.mxfront.checks.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mxfront.Doors;
import org.mxfront.checks.CheckContext;
import org.mxfront.checks.CheckFixtures;
import org.mxfront.codes.ReplyCatalogue;
import org.mxfront.config.ConfigException;
import org.mxfront.config.ConfigLoader;
import org.mxfront.dns.MutableClock;
import org.mxfront.mail.Mailbox;
import org.mxfront.policy.Facts;
import org.mxfront.policy.Stage;
import org.mxfront.policy.Verdict;
import org.mxfront.ratelimit.RateLimitStore;
import org.mxfront.ratelimit.RateLimitStoreException;

class RateLimitCheckTest {
    final MutableClock clock = new MutableClock();
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final CheckContext ctx = new CheckContext("mx.test", List.of(), Set.of("example.com"), clock, registry);
    RateLimitStore store;

    /** The check as the loader builds it from checks: rate-limit: (YAML), on the embedded store and the test's clock. */
    RateLimitCheck check(String yaml) throws Exception {
        String indented = yaml.lines().map(l -> "    " + l).collect(java.util.stream.Collectors.joining("\n"));
        var cfg = new ConfigLoader(Doors.ALL, clock).parse("test.yml", "server:\n  hostname: mx.test\nchecks:\n  rate-limit:\n"
                + "    enabled: true\n" + indented + "\n", registry);
        RateLimitCheck c = cfg.engine().find(RateLimitCheck.class).orElseThrow();
        store = c.store();
        return c;
    }

    static Facts mail(String ip, String sender) {
        Facts f = Facts.connect(CheckFixtures.client(ip, false, 1)).withHelo("client.example.net");
        return f.withSender(sender.isEmpty() ? Mailbox.NULL_SENDER : CheckFixtures.mailbox(sender), 0);
    }

    static List<String> wire(Verdict v, String ip) {
        return ReplyCatalogue.defaults().render(v.code(), v.vars(), ip, "mx.test").wireLines(true);
    }

    double counted(String rule, String outcome) {
        var c = registry.find(RateLimitCheck.DECISIONS_METER).tag("rule", rule).tag("outcome", outcome).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void theNPlusFirstMessageIsRefusedWithTheExactReplyAndPassesAfterOneInterval() throws Exception {
        RateLimitCheck c = check("rules: {per-client: {rate: 3/1h}}");
        assertEquals(Set.of(Stage.MAIL), c.stages());
        for (int i = 0; i < 3; i++) assertEquals(Verdict.CONTINUE, c.evaluate(Stage.MAIL, mail("192.0.2.7", "a@sender.example")));
        Verdict v = c.evaluate(Stage.MAIL, mail("192.0.2.7", "b@sender.example"));
        assertInstanceOf(Verdict.Defer.class, v);
        assertEquals(List.of("450-4.7.1 XM-RJCT40: Sender rate exceeded, try again later.", "450 4.7.1 [192.0.2.7] [mx.test]"),
                wire(v, "192.0.2.7"));
        assertEquals(Map.of("rule", "per-client", "retry", "1200"), v.vars(), "one interval: 1h / 3");
        assertEquals(Verdict.CONTINUE, c.evaluate(Stage.MAIL, mail("192.0.2.8", "a@sender.example")), "another client");

        clock.advance(Duration.ofMinutes(20).minusSeconds(1));
        assertInstanceOf(Verdict.Defer.class, c.evaluate(Stage.MAIL, mail("192.0.2.7", "a@sender.example")));
        clock.advance(Duration.ofSeconds(1));
        assertEquals(Verdict.CONTINUE, c.evaluate(Stage.MAIL, mail("192.0.2.7", "a@sender.example")));
        assertInstanceOf(Verdict.Defer.class, c.evaluate(Stage.MAIL, mail("192.0.2.7", "a@sender.example")));
        assertEquals(4.0, counted("per-client", "allowed") - 1, "4 of 192.0.2.7 and 1 of 192.0.2.8");
        assertEquals(3.0, counted("per-client", "limited"));
    }

    @Test
    void ipv6ClientsShareTheirSlash64AndIpv4ClientsTheirPrefix() throws Exception {
        RateLimitCheck c = check("rules: {per-client: {rate: 2/1h, ipv4-prefix: 24}}");
        assertEquals(Verdict.CONTINUE, c.evaluate(Stage.MAIL, mail("2001:db8:1:2::1", "a@sender.example")));
        assertEquals(Verdict.CONTINUE, c.evaluate(Stage.MAIL, mail("2001:db8:1:2:ffff:ffff:ffff:ffff", "a@sender.example")));
        Verdict v = c.evaluate(Stage.MAIL, mail("2001:db8:1:2::99", "a@sender.example"));
        assertEquals(List.of("450-4.7.1 XM-RJCT40: Sender rate exceeded, try again later.",
                "450 4.7.1 [2001:db8:1:2::99] [mx.test]"), wire(v, "2001:db8:1:2::99"));
        assertEquals(Verdict.CONTINUE, c.evaluate(Stage.MAIL, mail("2001:db8:1:3::1", "a@sender.example")), "the next /64");
        assertEquals(List.of("per-client/2/3600s/2:2001:db8:1:2::/64", "per-client/2/3600s/2:2001:db8:1:3::/64"),
                store.list("", 10).stream().map(RateLimitStore.Listed::key).toList());
        assertEquals(Verdict.CONTINUE, c.evaluate(Stage.MAIL, mail("198.51.100.1", "a@sender.example")));
        assertEquals(Verdict.CONTINUE, c.evaluate(Stage.MAIL, mail("198.51.100.200", "a@sender.example")));
        assertInstanceOf(Verdict.Defer.class, c.evaluate(Stage.MAIL, mail("198.51.100.3", "a@sender.example")));
        assertTrue(store.reset("per-client/2/3600s/2:198.51.100.0/24"));
    }

    @Test
    void connectionRatesDisconnectWith421() throws Exception {
        RateLimitCheck c = check("rules: {conn: {count: connections, rate: 2/1m, burst: 2}}");
        assertEquals(Set.of(Stage.CONNECT), c.stages());
        Facts f = Facts.connect(CheckFixtures.client("192.0.2.9", false, 1));
        c.evaluate(Stage.CONNECT, f);
        c.evaluate(Stage.CONNECT, f);
        Verdict v = c.evaluate(Stage.CONNECT, f);
        assertInstanceOf(Verdict.Disconnect.class, v);
        assertEquals(List.of("421-4.7.0 XM-RJCT76: Too many connections from 192.0.2.9 in a short time, try again later.",
                "421 4.7.0 [192.0.2.9] [mx.test]"), wire(v, "192.0.2.9"));
    }

    @Test
    void relayNetworksAndAllowClientsAreExempt() throws Exception {
        RateLimitCheck c = check("allow-clients: [192.0.2.0/24]\nrules: {per-client: {rate: 1/1h}}");
        Facts relay = Facts.connect(CheckFixtures.client("127.0.0.1", true, 1)).withSender(CheckFixtures.mailbox("a@b.example"), 0);
        for (int i = 0; i < 3; i++) {
            assertEquals(Verdict.CONTINUE, c.evaluate(Stage.MAIL, relay));
            assertEquals(Verdict.CONTINUE, c.evaluate(Stage.MAIL, mail("192.0.2.1", "a@b.example")));
        }
        assertEquals(6.0, counted("per-client", "exempt"));
        assertTrue(store.list("", 10).isEmpty());
        RateLimitCheck notExempt = check("exempt-relay-networks: false\nrules: {per-client: {rate: 1/1h}}");
        notExempt.evaluate(Stage.MAIL, relay);
        assertInstanceOf(Verdict.Defer.class, notExempt.evaluate(Stage.MAIL, relay));
    }

    @Test
    void messagesAtRcptCountOncePerMessageAndKey() throws Exception {
        RateLimitCheck c = check("rules: {per-domain: {key: [recipient-domain], rate: 2/1h}}");
        assertEquals(Set.of(Stage.RCPT), c.stages());
        Facts m1 = mail("192.0.2.7", "a@sender.example");
        for (String r : List.of("x@example.com", "y@example.com", "z@example.com")) {
            assertEquals(Verdict.CONTINUE, c.evaluate(Stage.RCPT, m1.withRecipient(CheckFixtures.mailbox(r))), r);
        }
        assertEquals(Verdict.CONTINUE, c.evaluate(Stage.RCPT, m1.withRecipient(CheckFixtures.mailbox("x@example.org"))));
        Facts m2 = mail("192.0.2.7", "a@sender.example"); // a new MAIL: a new message
        assertEquals(Verdict.CONTINUE, c.evaluate(Stage.RCPT, m2.withRecipient(CheckFixtures.mailbox("x@example.com"))));
        Facts m3 = mail("192.0.2.8", "b@sender.example");
        Verdict v = c.evaluate(Stage.RCPT, m3.withRecipient(CheckFixtures.mailbox("q@example.com")));
        assertInstanceOf(Verdict.Defer.class, v, "the third message to example.com");
        assertEquals(Verdict.CONTINUE, c.evaluate(Stage.RCPT, m3.withRecipient(CheckFixtures.mailbox("q@example.org"))));
    }

    @Test
    void aSenderRuleDoesNotCountTheNullSenderAndKeysCombine() throws Exception {
        RateLimitCheck c = check("rules: {per-sender: {key: [sender, client-ip], count: recipients, rate: 1/1h}}");
        Facts bounce = mail("192.0.2.7", "");
        for (int i = 0; i < 3; i++) {
            assertEquals(Verdict.CONTINUE, c.evaluate(Stage.RCPT, bounce.withRecipient(CheckFixtures.mailbox("x@example.com"))));
        }
        Facts f = mail("192.0.2.7", "A@Sender.example");
        assertEquals(Verdict.CONTINUE, c.evaluate(Stage.RCPT, f.withRecipient(CheckFixtures.mailbox("x@example.com"))));
        assertInstanceOf(Verdict.Defer.class, c.evaluate(Stage.RCPT, f.withRecipient(CheckFixtures.mailbox("y@example.com"))));
        assertEquals(List.of("per-sender/1/3600s/1:a@sender.example|192.0.2.7"), store.list("", 10).stream().map(RateLimitStore.Listed::key).toList());
    }

    @Test
    void bytesAreWeightedByTheMessageSize() throws Exception {
        RateLimitCheck c = check("rules: {volume: {count: bytes, rate: 1M/1h}}");
        assertEquals(Set.of(Stage.END_OF_DATA), c.stages());
        Facts f = mail("192.0.2.7", "a@sender.example");
        assertEquals(Verdict.CONTINUE, c.evaluate(Stage.END_OF_DATA, f.withMessageBytes(600_000)));
        assertEquals(Verdict.CONTINUE, c.evaluate(Stage.END_OF_DATA, f.withMessageBytes(400_000)));
        assertInstanceOf(Verdict.Defer.class, c.evaluate(Stage.END_OF_DATA, f.withMessageBytes(100_000)));
        assertEquals(Verdict.CONTINUE, c.evaluate(Stage.END_OF_DATA, f.withMessageBytes(48_000)), "what is left of 1 MiB");
    }

    @Test
    void aDryRunCountsNothing() throws Exception {
        RateLimitCheck c = check("rules: {per-client: {rate: 1/1h}}");
        Facts f = mail("192.0.2.7", "a@sender.example");
        f.state().markDryRun();
        for (int i = 0; i < 3; i++) assertEquals(Verdict.CONTINUE, c.evaluate(Stage.MAIL, f));
        assertTrue(store.list("", 10).isEmpty());
    }

    @Test
    void aStoreFailureFailsOpenAndIsCounted() throws Exception {
        RateLimitConfig cfg = check("rules: {per-client: {rate: 1/1h}}").config();
        RateLimitStore broken = new org.mxfront.ratelimit.StubRateLimitStore("broken", "broken") {
            @Override
            public Outcome acquire(List<Bucket> buckets, boolean dryRun) {
                throw new RateLimitStoreException("redis 127.0.0.1:1: connection refused", null);
            }
        };
        RateLimitCheck c = new RateLimitCheck(cfg, ctx, broken);
        for (int i = 0; i < 3; i++) assertEquals(Verdict.CONTINUE, c.evaluate(Stage.MAIL, mail("192.0.2.7", "a@b.example")));
        assertEquals(3.0, counted("per-client", "store_error"));
    }

    @Test
    void actionDelayWaitsThenCarriesOn() throws Exception {
        RateLimitCheck c = check("rules: {slow: {rate: 1/1h, tarpit: 50ms, action: delay}}");
        Facts f = mail("192.0.2.7", "a@b.example");
        assertEquals(Verdict.CONTINUE, c.evaluate(Stage.MAIL, f));
        long t0 = System.nanoTime();
        assertEquals(Verdict.CONTINUE, c.evaluate(Stage.MAIL, f));
        assertTrue(System.nanoTime() - t0 >= 50_000_000L, "the tarpit delay was applied");
        assertEquals(1.0, counted("slow", "delayed"));
    }

    @Test
    void aCheckWithoutRulesIsAnError() {
        ConfigException e = assertThrows(ConfigException.class, () -> check("rules: {}"));
        assertEquals("test.yml:4: checks.rate-limit: rules: at least one enabled rule is needed", e.getMessage());
        assertThrows(ConfigException.class, () -> check("rules: {a: {rate: 1/1h, enabled: false}}"));
    }

    static Facts authenticated(String ip, boolean relay, String user, String sender, String rcpt) {
        Facts f = Facts.connect(CheckFixtures.client(ip, relay, 1)).withHelo("client.example.net");
        f.state().authenticatedUser(user);
        return f.withSender(CheckFixtures.mailbox(sender), 0).withRecipient(CheckFixtures.mailbox(rcpt));
    }

    @Test
    void hourlySendingQuotasPerAuthenticatedUserAndDomainCountEvenFromRelayNetworks() throws Exception {
        RateLimitCheck c = check("""
                rules:
                  per-domain: {key: [sasl-domain], rate: 3/1h, stage: rcpt, reply: hourly-domain-sending-quota-exceeded}
                  per-user: {key: [sasl-user], rate: 2/1h, stage: rcpt, reply: hourly-sending-quota-exceeded}
                  per-client: {rate: 1/1h}
                """);
        // a relay-networks client (Postfix's mynetworks): per-client is exempt, the sasl rules are not
        for (int i = 0; i < 2; i++) {
            assertEquals(Verdict.CONTINUE, c.evaluate(Stage.RCPT, authenticated("127.0.0.1", true, "Bob@example.com", "bob@example.com", "x@else.example")));
        }
        Verdict v = c.evaluate(Stage.RCPT, authenticated("127.0.0.1", true, "bob@example.com", "bob@example.com", "x@else.example"));
        assertInstanceOf(Verdict.Reject.class, v);
        assertEquals(List.of("550-5.4.6 XM-RJCT91: Hourly sending quota exceeded, try again later.", "550 5.4.6 [127.0.0.1] [mx.test]"),
                wire(v, "127.0.0.1"));
        // another user of the domain: its own per-user count, but the domain's third message of the hour...
        assertEquals(Verdict.CONTINUE, c.evaluate(Stage.RCPT, authenticated("127.0.0.1", true, "ann@example.com", "ann@example.com", "x@else.example")));
        Verdict d = c.evaluate(Stage.RCPT, authenticated("127.0.0.1", true, "carl@example.com", "carl@example.com", "x@else.example"));
        assertEquals(List.of("550-5.4.5 XM-RJCT90: Hourly domain sending quota exceeded, try again later.", "550 5.4.5 [127.0.0.1] [mx.test]"),
                wire(d, "127.0.0.1"));
        // ...while a user of another domain and a client that did not authenticate are not affected by them
        assertEquals(Verdict.CONTINUE, c.evaluate(Stage.RCPT, authenticated("127.0.0.1", true, "dan@other.example", "dan@other.example", "x@else.example")));
        assertEquals(Verdict.CONTINUE, c.evaluate(Stage.RCPT, authenticated("127.0.0.1", true, null, "eve@example.com", "x@else.example")));
        assertEquals(4.0, counted("per-domain", "allowed"), "bob's two, ann's, dan's (another bucket); carl's was refused");
    }

    @Test
    void aQuotaRuleMayReplyInTheTemporaryForm() throws Exception {
        RateLimitCheck c = check("rules: {per-user: {key: [sasl-user], rate: 1/1h, reply: hourly-sending-quota-exceeded, temporary: true}}");
        assertEquals(Set.of(Stage.MAIL), c.stages());
        assertEquals(Verdict.CONTINUE, c.evaluate(Stage.MAIL, authenticated("192.0.2.7", false, "bob@example.com", "bob@example.com", "x@y.example")));
        Verdict v = c.evaluate(Stage.MAIL, authenticated("192.0.2.7", false, "bob@example.com", "bob@example.com", "x@y.example"));
        assertEquals(new Verdict.Defer(org.mxfront.codes.Code.HOURLY_SENDING_QUOTA_EXCEEDED, v.vars()), v);
    }

}
