// The greylisting state machine with an injected clock and an in-memory store: a tuple's life
// (new, too early, passed, forgotten), auto-allow and its counting, exemptions and their
// precedence, IPv6 /64 grouping, reverse-domain grouping and risk signals, dry runs, fail-open on
// store failure, and the exact reply lines.
package org.mxfront.checks.greylist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mxfront.checks.CheckContext;
import org.mxfront.checks.CheckFixtures;
import org.mxfront.checks.greylist.GreylistCheck.Outcome;
import org.mxfront.codes.Code;
import org.mxfront.codes.ReplyCatalogue;
import org.mxfront.greylist.GreylistEntry;
import org.mxfront.greylist.GreylistStore.Kind;
import org.mxfront.greylist.MemoryGreylistStore;
import org.mxfront.greylist.StoreConfig;
import org.mxfront.mail.ClientInfo;
import org.mxfront.mail.Mailbox;
import org.mxfront.policy.Facts;
import org.mxfront.policy.Stage;
import org.mxfront.policy.Verdict;

class GreylistCheckTest {
    /** A clock the test moves by hand. */
    static final class TestClock extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration d) { now = now.plus(d); }

        @Override public ZoneId getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(ZoneId zone) { return this; }
        @Override public Instant instant() { return now; }
    }

    final TestClock clock = new TestClock();
    final MemoryGreylistStore store = new MemoryGreylistStore();
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @TempDir
    Path tmp;

    /** Defaults, with the shipped allow-list off so that test addresses are never in it. */
    static GreylistConfig config(String... overrides) {
        Map<String, String> o = new java.util.HashMap<>();
        for (int i = 0; i < overrides.length; i += 2) o.put(overrides[i], overrides[i + 1]);
        return new GreylistConfig(null, null, null, o.containsKey("auto-allow-after") ? Integer.valueOf(o.get("auto-allow-after")) : null,
                null, null, null, null, o.containsKey("group") ? true : null, null, o.containsKey("risky") ? true : null, null,
                null, null, null, o.containsKey("allow-clients") ? List.of(o.get("allow-clients").split(",")) : null,
                o.getOrDefault("allow-clients-file", ""), o.containsKey("allow-client-names") ? List.of(o.get("allow-client-names").split(",")) : null,
                o.containsKey("allow-sender-domains") ? List.of(o.get("allow-sender-domains").split(",")) : null,
                o.containsKey("allow-recipients") ? List.of(o.get("allow-recipients").split(",")) : null, null);
    }

    GreylistCheck check(GreylistConfig c) {
        CheckContext ctx = new CheckContext("mx.test", List.of(), Set.of("example.com"), clock, registry);
        return new GreylistCheck(c, ctx, store);
    }

    static Facts facts(String ip, String name, String sender, String rcpt) {
        ClientInfo c = new ClientInfo(CheckFixtures.address(ip), 1234, name, false, 1);
        return Facts.connect(c).withHelo("client.example").withSender(sender.isEmpty() ? Mailbox.NULL_SENDER
                : CheckFixtures.mailbox(sender), 0).withRecipient(CheckFixtures.mailbox(rcpt));
    }

    static Facts facts(String ip, String sender, String rcpt) {
        return facts(ip, null, sender, rcpt);
    }

    double count(Outcome o) {
        return registry.get("mxfront.greylist.decisions").tag("outcome", o.tag()).counter().count();
    }

    @Test
    void unknownTupleIsDeferredWithTheExactReply() {
        Verdict v = check(config()).evaluate(Stage.RCPT, facts("192.0.2.7", "a@sender.example", "bob@example.com"));
        Verdict.Defer d = assertInstanceOf(Verdict.Defer.class, v);
        assertEquals(Code.GREYLISTED, d.code());
        assertEquals(Map.of("retry", "300"), d.vars());
        assertEquals("451-4.7.1 XM-RJCT23: Greylisted, please try again in 300 seconds.\r\n451 4.7.1 [192.0.2.7] [mx.test]",
                ReplyCatalogue.defaults().render(d.code(), d.vars(), "192.0.2.7", "mx.test").wire(true));
        assertEquals(1.0, count(Outcome.NEW));
    }

    @Test
    void tupleLifecycle() {
        GreylistCheck g = check(config("auto-allow-after", "0"));
        Facts f = facts("192.0.2.7", "a@sender.example", "bob@example.com");
        assertEquals(new GreylistCheck.Result(Outcome.NEW, 300), g.decide(f));
        clock.advance(Duration.ofSeconds(100));
        assertEquals(new GreylistCheck.Result(Outcome.TOO_EARLY, 200), g.decide(f));
        clock.advance(Duration.ofMillis(199_500));
        assertEquals(new GreylistCheck.Result(Outcome.TOO_EARLY, 1), g.decide(f), "rounded up, never 0");
        clock.advance(Duration.ofMillis(500));
        assertEquals(Outcome.PASSED, g.decide(f).outcome());
        GreylistEntry e = store.raw(Kind.TUPLE, "192.0.2.0/24|a@sender.example|bob@example.com");
        assertEquals(1, e.passes());
        assertEquals(clock.millis() + Duration.ofDays(35).toMillis(), e.expiresAt(), "kept max-age after the pass");
        clock.advance(Duration.ofDays(20));
        assertEquals(Outcome.PASSED, g.decide(f).outcome());
        clock.advance(Duration.ofDays(34));
        assertEquals(Outcome.PASSED, g.decide(f).outcome(), "each use extends max-age");
        clock.advance(Duration.ofDays(36));
        assertEquals(Outcome.NEW, g.decide(f).outcome(), "unused for longer than max-age: forgotten");
    }

    @Test
    void aFirstAttemptNotRetriedWithinTheRetryWindowIsForgotten() {
        GreylistCheck g = check(config());
        Facts f = facts("192.0.2.7", "a@sender.example", "bob@example.com");
        assertEquals(Outcome.NEW, g.decide(f).outcome());
        clock.advance(Duration.ofDays(2).plusSeconds(1));
        assertEquals(new GreylistCheck.Result(Outcome.NEW, 300), g.decide(f));
        clock.advance(Duration.ofDays(2).minusSeconds(1));
        assertEquals(Outcome.PASSED, g.decide(f).outcome(), "just inside the window");
    }

    @Test
    void theFirstPassAutoAllowsTheClientNetwork() {
        GreylistCheck g = check(config());
        Facts f = facts("192.0.2.7", "a@sender.example", "bob@example.com");
        g.decide(f);
        clock.advance(Duration.ofMinutes(5));
        assertEquals(Verdict.CONTINUE, g.evaluate(Stage.RCPT, f));
        // another sender, recipient and address in the same /24: never greylisted again
        assertEquals(Outcome.AUTO_ALLOWED, g.decide(facts("192.0.2.200", "other@else.example", "carol@example.com")).outcome());
        assertEquals(Outcome.NEW, g.decide(facts("192.0.3.7", "other@else.example", "carol@example.com")).outcome());
        assertEquals(1.0, count(Outcome.PASSED));
        clock.advance(Duration.ofDays(36));
        assertEquals(Outcome.NEW, g.decide(facts("192.0.2.200", "x@else.example", "carol@example.com")).outcome(),
                "auto-allow forgotten after auto-allow-max-age without mail");
    }

    @Test
    void autoAllowCountsAtMostOnePassPerHour() {
        GreylistCheck g = check(config("auto-allow-after", "3"));
        Facts a = facts("192.0.2.7", "a@sender.example", "bob@example.com");
        Facts b = facts("192.0.2.7", "b@sender.example", "bob@example.com");
        g.decide(a);
        g.decide(b);
        clock.advance(Duration.ofMinutes(6));
        assertEquals(Outcome.PASSED, g.decide(a).outcome());
        assertEquals(Outcome.PASSED, g.decide(b).outcome());
        assertEquals(1, store.raw(Kind.CLIENT, "192.0.2.0/24").passes(), "two passes in one hour count once");
        Facts c = facts("192.0.2.7", "c@sender.example", "bob@example.com");
        assertEquals(Outcome.NEW, g.decide(c).outcome());
        clock.advance(Duration.ofHours(1));
        assertEquals(Outcome.PASSED, g.decide(a).outcome());
        assertEquals(2, store.raw(Kind.CLIENT, "192.0.2.0/24").passes());
        clock.advance(Duration.ofHours(1));
        assertEquals(Outcome.PASSED, g.decide(b).outcome());
        assertEquals(Outcome.AUTO_ALLOWED, g.decide(c).outcome(), "third counted pass: allowed");
    }

    @Test
    void ipv6ClientsAreGroupedBySlash64() {
        GreylistCheck g = check(config());
        g.decide(facts("2001:db8:1:2::25", "a@sender.example", "bob@example.com"));
        clock.advance(Duration.ofMinutes(5));
        assertEquals(Outcome.PASSED, g.decide(facts("2001:db8:1:2:ffff::9", "a@sender.example", "bob@example.com")).outcome(),
                "the retry comes from another address of the same /64");
        assertEquals(Outcome.NEW, g.decide(facts("2001:db8:1:3::25", "z@sender.example", "bob@example.com")).outcome(),
                "the next /64 is another client");
        assertNotNull(store.raw(Kind.CLIENT, "2001:db8:1:2::/64"));
    }

    @Test
    void normalizedSendersShareATuple() {
        GreylistCheck g = check(config());
        g.decide(facts("192.0.2.7", "prvs=1111aaaaaa=list+123@sender.example", "bob@example.com"));
        clock.advance(Duration.ofMinutes(5));
        assertEquals(Outcome.PASSED, g.decide(facts("192.0.2.7", "prvs=2222bbbbbb=List+456@Sender.Example", "bob@example.com"))
                .outcome());
    }

    @Test
    void exemptionsNeverTouchTheStore() {
        GreylistCheck g = check(config("allow-clients", "198.51.100.0/24,2001:db8:ff::/48", "allow-client-names", "mx.friend.example,.pool.example",
                "allow-sender-domains", "partner.example", "allow-recipients", "spamlover@example.com,hosted.example,sales@"));
        List<Facts> exempt = List.of(
                facts("198.51.100.9", "a@x.example", "bob@example.com"),
                facts("2001:db8:ff:1::1", "a@x.example", "bob@example.com"),
                facts("192.0.2.7", "mx.friend.example", "a@x.example", "bob@example.com"),
                facts("192.0.2.7", "out-3.Pool.Example", "a@x.example", "bob@example.com"),
                facts("192.0.2.7", "a@partner.example", "bob@example.com"),
                facts("192.0.2.7", "a@mail.partner.example", "bob@example.com"),
                facts("192.0.2.7", "a@x.example", "spamlover@example.com"),
                facts("192.0.2.7", "a@x.example", "anyone@hosted.example"),
                facts("192.0.2.7", "a@x.example", "sales@example.org"),
                facts("192.0.2.7", "a@x.example", "Postmaster@example.com"),
                facts("192.0.2.7", "a@x.example", "abuse@example.com"),
                facts("192.0.2.7", "a@x.example", "postmaster"),
                Facts.connect(new ClientInfo(CheckFixtures.address("127.0.0.1"), 1, null, true, 1))
                        .withSender(CheckFixtures.mailbox("a@x.example"), 0).withRecipient(CheckFixtures.mailbox("bob@example.com")));
        for (Facts f : exempt) {
            assertEquals(Verdict.CONTINUE, g.evaluate(Stage.RCPT, f), f.toString());
        }
        assertEquals(exempt.size(), count(Outcome.EXEMPT));
        assertEquals(0, store.writes.get());
        assertEquals(0, store.size());
        // not exempt: postmaster of a domain that is not ours, a lookalike sender domain, the name's parent
        for (Facts f : List.of(facts("192.0.2.7", "a@x.example", "postmaster@elsewhere.example"),
                facts("192.0.2.7", "a@notpartner.example", "bob@example.com"),
                facts("192.0.2.7", "pool.example", "b@x.example", "bob@example.com"))) {
            assertInstanceOf(Verdict.Defer.class, g.evaluate(Stage.RCPT, f), f.toString());
        }
    }

    @Test
    void anAllowListedClientPassesEvenWithAPendingTuple() {
        GreylistCheck strict = check(config());
        Facts f = facts("198.51.100.9", "a@x.example", "bob@example.com");
        assertEquals(Outcome.NEW, strict.decide(f).outcome());
        GreylistCheck allowing = check(config("allow-clients", "198.51.100.0/24"));
        assertEquals(Outcome.EXEMPT, allowing.decide(f).outcome(), "the allow-list comes before the store");
        assertEquals(1, store.writes.get());
    }

    @Test
    void manualAllowOutranksTheAutoAllowThreshold() {
        store.put(Kind.CLIENT, "192.0.2.0/24", new GreylistEntry(0, 0, GreylistEntry.MANUAL, 0, clock.millis() + 60_000), 0);
        GreylistCheck g = check(config("auto-allow-after", "0"));
        assertEquals(Outcome.AUTO_ALLOWED, g.decide(facts("192.0.2.7", "a@x.example", "bob@example.com")).outcome());
        clock.advance(Duration.ofMinutes(2));
        assertEquals(Outcome.NEW, g.decide(facts("192.0.2.7", "a@x.example", "bob@example.com")).outcome(), "until it expires");
    }

    @Test
    void theShippedListExemptsBigSendersNetworks() {
        GreylistCheck g = check(config("allow-clients-file", "builtin"));
        assertEquals(Outcome.EXEMPT, g.decide(facts("209.85.220.41", "a@gmail.com", "bob@example.com")).outcome());
        assertEquals(Outcome.EXEMPT, g.decide(facts("2a00:1450:4864:20::12f", "a@gmail.com", "bob@example.com")).outcome());
        assertEquals(Outcome.EXEMPT, g.decide(facts("40.107.22.52", "a@contoso.example", "bob@example.com")).outcome());
        assertEquals(Outcome.NEW, g.decide(facts("192.0.2.7", "a@x.example", "bob@example.com")).outcome());
    }

    @Test
    void anAllowFileIsReadWithLineNumbersInErrors() throws Exception {
        Path f = tmp.resolve("allow.txt");
        Files.writeString(f, "# friends\n192.0.2.0/24   # the office\n\n2001:db8::/32\n");
        GreylistCheck g = check(config("allow-clients-file", f.toString()));
        assertEquals(Outcome.EXEMPT, g.decide(facts("192.0.2.7", "a@x.example", "bob@example.com")).outcome());
        assertEquals(Outcome.EXEMPT, g.decide(facts("2001:db8:5::1", "a@x.example", "bob@example.com")).outcome());
        Files.writeString(f, "192.0.2.0/24\nnot-a-network\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> check(config("allow-clients-file", f.toString())));
        assertEquals("allow-clients-file " + f + " line 2: 'not-a-network' is not an IP address or CIDR block", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> check(config("allow-clients-file", tmp.resolve("missing").toString())));
    }

    @Test
    void reverseDomainGroupingLetsAPoolRetryFromAnotherNetwork() {
        GreylistCheck g = check(config("group", "true"));
        Facts first = facts("203.0.113.5", "mail-a.outbound.protection.outlook.com", "a@contoso.example", "bob@example.com");
        Facts retry = facts("198.51.100.77", "mail-b.eur.outbound.protection.outlook.com", "a@contoso.example", "bob@example.com");
        assertEquals(Outcome.NEW, g.decide(first).outcome());
        clock.advance(Duration.ofMinutes(5));
        assertEquals(Outcome.PASSED, g.decide(retry).outcome());
        assertNotNull(store.raw(Kind.CLIENT, "outlook.com"));
        // a dynamic-looking name is not grouped: its network is used
        Facts dyn = facts("203.0.113.9", "dsl-203-0-113-9.isp.example", "x@y.example", "bob@example.com");
        assertEquals(Outcome.NEW, g.decide(dyn).outcome());
        assertNotNull(store.raw(Kind.TUPLE, "203.0.113.0/24|x@y.example|bob@example.com"));
        // no reverse name: the network
        assertEquals(Outcome.NEW, g.decide(facts("192.0.2.7", "x@y.example", "bob@example.com")).outcome());
    }

    @Test
    void onlyWhenRiskyGreylistsOnlyClientsWithASignal() {
        GreylistCheck g = check(config("risky", "true"));
        assertEquals(Outcome.EXEMPT, g.decide(facts("192.0.2.7", "mx1.sender.example", "a@x.example", "bob@example.com")).outcome());
        assertEquals(Outcome.NEW, g.decide(facts("192.0.2.8", null, "a@x.example", "bob@example.com")).outcome(), "no reverse DNS");
        assertEquals(Outcome.NEW, g.decide(facts("198.51.100.9", "ppp-198-51-100-9.dyn.isp.example", "a@x.example", "bob@example.com"))
                .outcome(), "dynamic-looking name");
        Facts tagged = facts("203.0.113.5", "mx1.other.example", "a@x.example", "bob@example.com");
        tagged.state().tag("no-reverse-dns-x");
        assertEquals(Outcome.EXEMPT, g.decide(tagged).outcome(), "an unconfigured tag is no signal");
        GreylistCheck pbl = check(new GreylistConfig(null, null, null, null, null, null, null, null, null, null, true,
                List.of("pbl-listed"), null, null, null, null, "", null, null, null, null));
        tagged.state().tag("pbl-listed");
        assertEquals(Outcome.NEW, pbl.decide(tagged).outcome(), "a tag set by an earlier check");
    }

    @Test
    void aDryRunReadsButNeverWrites() {
        GreylistCheck g = check(config());
        Facts f = facts("192.0.2.7", "a@x.example", "bob@example.com");
        f.state().markDryRun();
        assertEquals(Outcome.NEW, g.decide(f).outcome());
        assertEquals(Outcome.NEW, g.decide(f).outcome());
        assertEquals(0, store.writes.get());
    }

    @Test
    void aFailingStoreFailsOpen() {
        GreylistCheck g = check(config());
        store.down = true;
        assertEquals(Verdict.CONTINUE, g.evaluate(Stage.RCPT, facts("192.0.2.7", "a@x.example", "bob@example.com")));
        assertEquals(1.0, count(Outcome.STORE_ERROR));
        store.down = false;
        assertInstanceOf(Verdict.Defer.class, g.evaluate(Stage.RCPT, facts("192.0.2.7", "a@x.example", "bob@example.com")),
                "greylisting resumes when the store is back");
    }

    @Test
    void writesAreLimitedOnceAClientIsAllowed() {
        GreylistCheck g = check(config());
        Facts f = facts("192.0.2.7", "a@x.example", "bob@example.com");
        g.decide(f);
        clock.advance(Duration.ofMinutes(5));
        g.decide(f);
        int writes = store.writes.get();
        for (int i = 0; i < 100; i++) {
            clock.advance(Duration.ofSeconds(10));
            assertEquals(Outcome.AUTO_ALLOWED, g.decide(f).outcome());
        }
        assertEquals(writes, store.writes.get(), "no write within the hour");
        clock.advance(Duration.ofHours(1));
        g.decide(f);
        assertEquals(writes + 1, store.writes.get(), "last-seen refreshed hourly");
    }

    @Test
    void nullSenderIsGreylistedLikeAnyOther() {
        GreylistCheck g = check(config());
        assertEquals(Outcome.NEW, g.decide(facts("192.0.2.7", "", "bob@example.com")).outcome());
        assertNotNull(store.raw(Kind.TUPLE, "192.0.2.0/24||bob@example.com"));
        assertNull(store.raw(Kind.CLIENT, "192.0.2.0/24"));
    }

    @Test
    void settingsAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> new GreylistConfig(Duration.ofDays(3), null, null, null, null, null, null,
                null, null, null, null, null, null, null, null, null, null, null, null, null, null));
        assertThrows(IllegalArgumentException.class, () -> new GreylistConfig(null, null, null, null, null, null, 33, null, null, null,
                null, null, null, null, null, null, null, null, null, null, null));
        assertThrows(IllegalArgumentException.class, () -> new GreylistConfig(null, null, null, null, null, null, null, null, null, "(",
                null, null, null, null, null, null, null, null, null, null, null));
        assertThrows(IllegalArgumentException.class, () -> new GreylistConfig(null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, List.of("300.1.2.3/8"), null, null, null, null, null));
        assertThrows(IllegalArgumentException.class, () -> new StoreConfig(null, null, "http://x", null, null, null, null));
    }
}
