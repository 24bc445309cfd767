// Covers PolicyEngine and PolicySession with fake checks: verdict order, log-only, Accept, delay-reject,
// Disconnect, mixed content policies, failing checks, metrics and the facts checks are given.
package org.mxfront.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mxfront.codes.Code;
import org.mxfront.codes.ReplyCatalogue;
import org.mxfront.mail.Mailbox;
import org.mxfront.net.Networks;

class PolicyEngineTest {
    static final InetAddress OUTSIDER = address("127.0.0.2");
    static final InetAddress RELAY_CLIENT = address("127.0.0.1");
    static final Mailbox SENDER = new Mailbox("s", "sender.example", false);

    static final Verdict RELAY_DENIED = new Verdict.Reject(Code.RELAY_DENIED, Map.of("recipient", "u@other.example"));
    static final Verdict GREYLISTED = new Verdict.Defer(Code.GREYLISTED, Map.of("retry", "60"));
    static final Verdict DROP = new Verdict.Disconnect(Code.TOO_MANY_CONNECTIONS, Map.of("limit", "5"));
    static final Verdict ACCEPT = new Verdict.Accept("allow-listed");
    static final Verdict INTERNAL = new Verdict.Defer(Code.INTERNAL, Map.of());

    final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    static Mailbox rcpt(String address) {
        int at = address.indexOf('@');
        return new Mailbox(address.substring(0, at), address.substring(at + 1), false);
    }

    /** A check that answers with a function of the stage and facts and logs each call as "name@STAGE". */
    record Fake(String name, Set<Stage> stages, BiFunction<Stage, Facts, Verdict> answer, List<String> calls,
            long maxMessageBytes) implements Check {
        Fake(String name, Set<Stage> stages, BiFunction<Stage, Facts, Verdict> answer, List<String> calls) {
            this(name, stages, answer, calls, Long.MAX_VALUE);
        }

        @Override
        public Verdict evaluate(Stage stage, Facts facts) {
            calls.add(name + "@" + stage);
            return answer.apply(stage, facts);
        }
    }

    static ConfiguredCheck enforce(String name, Stage stage, Verdict v, List<String> calls) {
        return new ConfiguredCheck(name, Mode.ENFORCE, new Fake(name, Set.of(stage), (s, f) -> v, calls));
    }

    static ConfiguredCheck logOnly(String name, Stage stage, Verdict v, List<String> calls) {
        return new ConfiguredCheck(name, Mode.LOG_ONLY, new Fake(name, Set.of(stage), (s, f) -> v, calls));
    }

    static Policy policy(String name, Object contentKey, ConfiguredCheck... checks) {
        return new Policy(name, List.of(checks), contentKey);
    }

    PolicyEngine engine(boolean delayReject, Policy def, Map<String, Policy> domains) {
        return new PolicyEngine(def, domains, Networks.parse(List.of("127.0.0.1/32")), ReplyCatalogue.defaults(),
                "mx.test", delayReject, new DecisionLog(), registry);
    }

    PolicyEngine engine(ConfiguredCheck... checks) {
        return engine(true, policy("default", "k0", checks), Map.of());
    }

    /** A check that wants the greeting held back and reports whether the pregreet tag was set. */
    static Check pausing(java.time.Duration pause, List<Boolean> sawTag) {
        return new Check() {
            @Override
            public Set<Stage> stages() { return Set.of(Stage.CONNECT); }

            @Override
            public java.time.Duration greetingPause(Facts f) { return pause; }

            @Override
            public Verdict evaluate(Stage stage, Facts f) {
                sawTag.add(f.state().hasTag(SessionState.PREGREET));
                return Verdict.CONTINUE;
            }
        };
    }

    @Test
    void thePregreetProbeIsAskedForTheLongestPauseAndTagsTheSession() {
        List<Boolean> saw = new ArrayList<>();
        List<java.time.Duration> asked = new ArrayList<>();
        PolicyEngine e = engine(new ConfiguredCheck("a", Mode.ENFORCE, pausing(java.time.Duration.ofMillis(300), saw)),
                new ConfiguredCheck("b", Mode.LOG_ONLY, pausing(java.time.Duration.ofMillis(700), saw)));
        e.newSession(OUTSIDER, 1234, 1).connect(p -> asked.add(p));
        assertEquals(List.of(java.time.Duration.ofMillis(700)), asked);
        assertEquals(List.of(true, true), saw);
        e.newSession(OUTSIDER, 1234, 1).connect(p -> false);
        assertEquals(List.of(true, true, false, false), saw);
    }

    @Test
    void withoutAPausingCheckTheProbeIsNeverAsked() {
        List<java.time.Duration> asked = new ArrayList<>();
        engine(heloCheck(new ArrayList<>())).newSession(OUTSIDER, 1234, 1).connect(p -> asked.add(p));
        assertEquals(List.of(), asked);
    }

    double rejections(String code, String stage, String check, String mode) {
        Counter c = registry.find("mxfront.rejections")
                .tags("code", code, "stage", stage, "check", check, "mode", mode).counter();
        return c == null ? 0 : c.count();
    }

    double rejectionsTotal() {
        return registry.find("mxfront.rejections").counters().stream().mapToDouble(Counter::count).sum();
    }

    // ---- order of evaluation -----------------------------------------------------------------------

    /** One check of a policy: its mode and its answer ({@code null}: it throws). */
    record Step(String name, Mode mode, Verdict verdict) {}

    static Step on(String name, Verdict v) { return new Step(name, Mode.ENFORCE, v); }
    static Step watch(String name, Verdict v) { return new Step(name, Mode.LOG_ONLY, v); }
    static Step boom(String name) { return new Step(name, Mode.ENFORCE, null); }

    record Order(String title, List<Step> steps, String decidingCheck, Verdict decision, List<String> called) {
        @Override
        public String toString() { return title; }
    }

    static Stream<Order> orders() {
        Verdict go = Verdict.CONTINUE;
        return Stream.of(
                new Order("all continue", List.of(on("a", go), on("b", go)), null, go, List.of("a", "b")),
                new Order("first negative wins", List.of(on("a", go), on("b", RELAY_DENIED), on("c", GREYLISTED)),
                        "b", RELAY_DENIED, List.of("a", "b")),
                new Order("defer before reject", List.of(on("a", GREYLISTED), on("b", RELAY_DENIED)),
                        "a", GREYLISTED, List.of("a")),
                new Order("disconnect", List.of(on("a", DROP), on("b", RELAY_DENIED)), "a", DROP, List.of("a")),
                new Order("accept stops the stage", List.of(on("a", ACCEPT), on("b", RELAY_DENIED)), null, go, List.of("a")),
                new Order("accept after continue", List.of(on("a", go), on("b", ACCEPT), on("c", DROP)),
                        null, go, List.of("a", "b")),
                new Order("log-only reject is not applied", List.of(watch("a", RELAY_DENIED), on("b", GREYLISTED)),
                        "b", GREYLISTED, List.of("a", "b")),
                new Order("log-only alone", List.of(watch("a", DROP), on("b", go)), null, go, List.of("a", "b")),
                new Order("log-only accept is not applied either", List.of(watch("a", ACCEPT), on("b", RELAY_DENIED)),
                        "b", RELAY_DENIED, List.of("a", "b")),
                new Order("a failing check defers", List.of(on("a", go), boom("b"), on("c", RELAY_DENIED)),
                        "b", INTERNAL, List.of("a", "b")),
                new Order("a failing log-only check is not applied", List.of(new Step("a", Mode.LOG_ONLY, null), on("b", go)),
                        null, go, List.of("a", "b")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("orders")
    void firstEnforcedNegativeVerdictWins(Order c) {
        List<String> calls = new ArrayList<>();
        ConfiguredCheck[] checks = c.steps().stream().map(s -> new ConfiguredCheck(s.name(), s.mode(),
                new Fake(s.name(), Set.of(Stage.MAIL), (stage, f) -> {
                    if (s.verdict() == null) throw new IllegalStateException("check " + s.name() + " broke");
                    return s.verdict();
                }, calls))).toArray(ConfiguredCheck[]::new);
        PolicySession session = engine(checks).newSession(OUTSIDER, 1234, 1);

        Decision d = session.mail(SENDER, 0);

        assertEquals(c.decision(), d.verdict());
        assertEquals(c.decidingCheck(), d.check());
        assertEquals(c.decidingCheck() == null, d.proceed());
        assertEquals(c.called().stream().map(n -> n + "@MAIL").toList(), calls);
        if (d.proceed()) {
            assertNull(d.reply());
        } else {
            assertEquals(ReplyCatalogue.defaults().render(d.verdict().code(), d.verdict().vars(), "127.0.0.2", "mx.test"),
                    d.reply());
        }
    }

    @Test
    void checksAreOnlyAskedAtTheirStages() {
        List<String> calls = new ArrayList<>();
        PolicySession s = engine(enforce("rcpt-only", Stage.RCPT, RELAY_DENIED, calls),
                enforce("mail-only", Stage.MAIL, Verdict.CONTINUE, calls)).newSession(OUTSIDER, 1234, 1);
        assertTrue(s.connect().proceed());
        assertTrue(s.helo("mail.example.net").proceed());
        assertTrue(s.mail(SENDER, 0).proceed());
        assertEquals(List.of("mail-only@MAIL"), calls);
        assertEquals("rcpt-only", s.rcpt(rcpt("u@other.example")).check());
        assertEquals(List.of("mail-only@MAIL", "rcpt-only@RCPT"), calls);
    }

    @Test
    void failingCheckGivesInternal451() {
        Check broken = new Fake("broken", Set.of(Stage.RCPT), (s, f) -> {
            throw new IllegalStateException("boom");
        }, new ArrayList<>());
        PolicySession s = engine(new ConfiguredCheck("broken", Mode.ENFORCE, broken)).newSession(OUTSIDER, 1234, 1);
        s.mail(SENDER, 0);
        Decision d = s.rcpt(rcpt("u@example.com"));
        assertEquals(INTERNAL, d.verdict());
        assertEquals("broken", d.check());
        assertEquals("451-4.3.0 XM-RJCT11: Internal error, please try again later.\r\n451 4.3.0 [127.0.0.2] [mx.test]",
                d.reply().wire(true));
        assertEquals(1.0, rejections("XM-RJCT11", "rcpt", "broken", "enforce"));
    }

    // ---- metrics -------------------------------------------------------------------------------------

    @Test
    void logOnlyVerdictIsCountedButNotApplied() {
        List<String> calls = new ArrayList<>();
        PolicySession s = engine(logOnly("watched", Stage.MAIL, RELAY_DENIED, calls)).newSession(OUTSIDER, 1234, 1);

        assertSame(Decision.PROCEED, s.mail(SENDER, 0));
        assertSame(Decision.PROCEED, s.mail(SENDER, 0));

        assertEquals(2.0, rejections("XM-RJCT06", "mail", "watched", "log-only"));
        assertEquals(0.0, rejections("XM-RJCT06", "mail", "watched", "enforce"));
        assertEquals(2.0, rejectionsTotal());
    }

    @Test
    void enforcedVerdictIsCountedWhenApplied() {
        PolicySession s = engine(enforce("strict", Stage.MAIL, RELAY_DENIED, new ArrayList<>()))
                .newSession(OUTSIDER, 1234, 1);
        s.mail(SENDER, 0);
        assertEquals(1.0, rejections("XM-RJCT06", "mail", "strict", "enforce"));
        assertEquals(0.0, rejections("XM-RJCT06", "mail", "strict", "log-only"));
        assertEquals(1.0, rejectionsTotal());
    }

    @Test
    void everyCallOfACheckIsTimed() {
        PolicySession s = engine(enforce("timed", Stage.MAIL, Verdict.CONTINUE, new ArrayList<>()))
                .newSession(OUTSIDER, 1234, 1);
        s.mail(SENDER, 0);
        s.mail(SENDER, 0);
        s.mail(SENDER, 0);
        assertEquals(3, registry.get("mxfront.check.duration").tag("check", "timed").timer().count());
    }

    // ---- delay-reject --------------------------------------------------------------------------------

    /** A HELO check refusing names that start with "bad". */
    static ConfiguredCheck heloCheck(List<String> calls) {
        return new ConfiguredCheck("helo", Mode.ENFORCE, new Fake("helo", Set.of(Stage.HELO),
                (s, f) -> f.helo().startsWith("bad")
                        ? new Verdict.Reject(Code.HELO_INVALID, Map.of("helo", f.helo()))
                        : Verdict.CONTINUE, calls));
    }

    static final String BAD_HELO_REPLY =
            "501-5.5.2 XM-RJCT25: Helo command rejected: invalid name <bad.name>.\r\n501 5.5.2 [127.0.0.2] [mx.test]";

    @Test
    void delayedHeloRejectionIsGivenAtRcpt() {
        List<String> calls = new ArrayList<>();
        PolicySession s = engine(heloCheck(calls)).newSession(OUTSIDER, 1234, 1);

        assertSame(Decision.PROCEED, s.connect());
        assertSame(Decision.PROCEED, s.helo("bad.name"));
        assertEquals(List.of("helo@HELO"), calls, "judged at HELO");
        assertEquals(0.0, rejectionsTotal(), "nothing applied yet");
        assertSame(Decision.PROCEED, s.mail(SENDER, 0));

        Decision d = s.rcpt(rcpt("u@example.com"));
        assertEquals(new Verdict.Reject(Code.HELO_INVALID, Map.of("helo", "bad.name")), d.verdict());
        assertEquals("helo", d.check());
        assertEquals(BAD_HELO_REPLY, d.reply().wire(true));
        assertEquals(1.0, rejections("XM-RJCT25", "rcpt", "helo", "enforce"));
        assertEquals(0.0, rejections("XM-RJCT25", "helo", "helo", "enforce"));

        assertEquals(d, s.rcpt(rcpt("v@example.com")), "every RCPT gets it");
        assertEquals(2.0, rejections("XM-RJCT25", "rcpt", "helo", "enforce"));
    }

    @Test
    void aGoodSecondHeloDoesNotWashTheFirst() {
        List<String> calls = new ArrayList<>();
        PolicySession s = engine(heloCheck(calls)).newSession(OUTSIDER, 1234, 1);
        assertSame(Decision.PROCEED, s.helo("bad.name"));
        assertSame(Decision.PROCEED, s.helo("good.example"));
        assertEquals(List.of("helo@HELO", "helo@HELO"), calls);
        s.mail(SENDER, 0);
        assertEquals(BAD_HELO_REPLY, s.rcpt(rcpt("u@example.com")).reply().wire(true));
    }

    @Test
    void theFirstRefusalIsTheOneKept() {
        PolicySession s = engine(heloCheck(new ArrayList<>())).newSession(OUTSIDER, 1234, 1);
        s.helo("good.example");
        s.helo("bad.name");
        s.helo("bad.other");
        s.mail(SENDER, 0);
        assertEquals(BAD_HELO_REPLY, s.rcpt(rcpt("u@example.com")).reply().wire(true));
    }

    @Test
    void withoutDelayRejectTheHeloRefusalIsImmediate() {
        PolicySession s = engine(false, policy("default", "k0", heloCheck(new ArrayList<>())), Map.of())
                .newSession(OUTSIDER, 1234, 1);
        Decision d = s.helo("bad.name");
        assertEquals(new Verdict.Reject(Code.HELO_INVALID, Map.of("helo", "bad.name")), d.verdict());
        assertEquals(BAD_HELO_REPLY, d.reply().wire(true));
        assertEquals(1.0, rejections("XM-RJCT25", "helo", "helo", "enforce"));
    }

    @Test
    void withoutDelayRejectAnIgnoredHeloRefusalStillStopsRcpt() {
        // a client that carries on after 501 to HELO, or says HELO again, must not get its mail through
        PolicySession s = engine(false, policy("default", "k0", heloCheck(new ArrayList<>())), Map.of())
                .newSession(OUTSIDER, 1234, 1);
        assertFalse(s.helo("bad.name").proceed());
        assertSame(Decision.PROCEED, s.helo("good.example"));
        assertSame(Decision.PROCEED, s.mail(SENDER, 0));
        Decision d = s.rcpt(rcpt("u@example.com"));
        assertEquals(BAD_HELO_REPLY, d.reply().wire(true));
        assertEquals(1.0, rejections("XM-RJCT25", "rcpt", "helo", "enforce"));
    }

    @Test
    void disconnectAtConnectIsImmediateEvenWithDelayReject() {
        PolicySession s = engine(enforce("conn", Stage.CONNECT, DROP, new ArrayList<>())).newSession(OUTSIDER, 1234, 6);
        Decision d = s.connect();
        assertTrue(d.disconnect());
        assertEquals(DROP, d.verdict());
        assertEquals("421-4.7.0 XM-RJCT34: Too many connections from 127.0.0.2, at most 5 at a time.\r\n"
                + "421 4.7.0 [127.0.0.2] [mx.test]", d.reply().wire(true));
        assertEquals(1.0, rejections("XM-RJCT34", "connect", "conn", "enforce"));
    }

    @Test
    void rejectAtConnectWaitsForRcpt() {
        Verdict blocked = new Verdict.Reject(Code.OPS_BLOCKLIST, Map.of());
        PolicySession s = engine(enforce("block", Stage.CONNECT, blocked, new ArrayList<>())).newSession(OUTSIDER, 1234, 1);
        assertSame(Decision.PROCEED, s.connect());
        assertSame(Decision.PROCEED, s.helo("mail.example.net"));
        assertSame(Decision.PROCEED, s.mail(SENDER, 0));
        Decision d = s.rcpt(rcpt("u@example.com"));
        assertEquals(blocked, d.verdict());
        assertEquals("block", d.check());
        assertEquals(1.0, rejections("XM-RJCT15", "rcpt", "block", "enforce"));
    }

    @Test
    void changeClientStartsOver() {
        PolicySession s = engine(heloCheck(new ArrayList<>())).newSession(OUTSIDER, 1234, 1);
        s.helo("bad.name");
        assertSame(Decision.PROCEED, s.changeClient(address("192.0.2.9"), 4321, "good.example", 1));
        assertEquals("192.0.2.9", s.facts().client().ip());
        assertEquals("good.example", s.facts().helo());
        s.mail(SENDER, 0);
        assertSame(Decision.PROCEED, s.rcpt(rcpt("u@example.com")));
    }

    // ---- content policies ----------------------------------------------------------------------------

    record Mix(String first, String second, boolean deferred) {}

    static Stream<Mix> mixes() {
        return Stream.of(
                new Mix("u@a.example", "v@b.example", true),
                new Mix("u@b.example", "v@a.example", true),
                new Mix("u@a.example", "v@c.example", false), // another policy, equal content key
                new Mix("u@a.example", "v@a.example", false),
                new Mix("u@a.example", "v@other.example", true), // the default policy's key differs
                new Mix("u@other.example", "v@elsewhere.example", false),
                new Mix("u@other.example", "v@d.example", false)); // equal by value, not identity
    }

    PolicyEngine mixedEngine() {
        return engine(true, policy("default", List.of("k0")), Map.of(
                "a.example", policy("a.example", List.of("k1")),
                "b.example", policy("b.example", List.of("k2")),
                "c.example", policy("c.example", List.of("k1")),
                "d.example", policy("d.example", new ArrayList<>(List.of("k0")))));
    }

    @ParameterizedTest
    @MethodSource("mixes")
    void recipientsOfOneTransactionShareOneContentPolicy(Mix c) {
        PolicySession s = mixedEngine().newSession(RELAY_CLIENT, 1234, 1);
        s.mail(SENDER, 0);
        Mailbox first = rcpt(c.first());
        assertSame(Decision.PROCEED, s.rcpt(first));
        s.recipientAccepted(first);

        Decision d = s.rcpt(rcpt(c.second()));
        if (!c.deferred()) {
            assertSame(Decision.PROCEED, d);
            return;
        }
        assertEquals(new Verdict.Defer(Code.MIXED_CONTENT_POLICY, Map.of("recipient", c.second())), d.verdict());
        assertEquals("content-policy", d.check());
        assertEquals("452-4.5.3 XM-RJCT52: Recipient <" + c.second() + "> has a different content policy, send it in a "
                + "separate transaction.\r\n452 4.5.3 [127.0.0.1] [mx.test]", d.reply().wire(true));
        assertEquals(1.0, rejections("XM-RJCT52", "rcpt", "content-policy", "enforce"));
    }

    @Test
    void onlyAnAcceptedRecipientFixesTheContentPolicy() {
        PolicySession s = mixedEngine().newSession(RELAY_CLIENT, 1234, 1);
        s.mail(SENDER, 0);
        assertSame(Decision.PROCEED, s.rcpt(rcpt("u@a.example"))); // refused downstream: never recipientAccepted
        Mailbox b = rcpt("v@b.example");
        assertSame(Decision.PROCEED, s.rcpt(b));
        s.recipientAccepted(b);
        assertEquals(Code.MIXED_CONTENT_POLICY, s.rcpt(rcpt("w@a.example")).verdict().code());
    }

    @Test
    void aNewTransactionStartsWithoutContentPolicy() {
        PolicySession s = mixedEngine().newSession(RELAY_CLIENT, 1234, 1);
        s.mail(SENDER, 0);
        s.recipientAccepted(rcpt("u@a.example"));
        assertFalse(s.rcpt(rcpt("v@b.example")).proceed());
        s.mail(SENDER, 0);
        assertEquals(List.of(), s.recipients());
        assertSame(Decision.PROCEED, s.rcpt(rcpt("v@b.example")));
        s.resetTransaction();
        s.mail(SENDER, 0);
        s.recipientAccepted(rcpt("v@b.example"));
        assertSame(Decision.PROCEED, s.rcpt(rcpt("w@b.example")));
    }

    @Test
    void contentStagesRunUnderTheFirstRecipientsPolicy() {
        List<String> calls = new ArrayList<>();
        Verdict tooBig = new Verdict.Reject(Code.MESSAGE_TOO_LARGE, Map.of("limit", "2048"));
        Policy def = policy("default", "k0", enforce("default-size", Stage.END_OF_DATA, Verdict.CONTINUE, calls),
                enforce("default-hops", Stage.HEADERS, Verdict.CONTINUE, calls));
        Policy a = policy("a.example", "k1", enforce("a-size", Stage.END_OF_DATA, tooBig, calls),
                enforce("a-hops", Stage.HEADERS, Verdict.CONTINUE, calls));
        PolicySession s = engine(true, def, Map.of("a.example", a)).newSession(OUTSIDER, 1234, 1);
        s.mail(SENDER, 0);
        s.recipientAccepted(rcpt("u@a.example"));

        assertSame(Decision.PROCEED, s.headers(new HeaderSection(List.of(), 0)));
        Decision d = s.endOfData(4096);
        assertEquals(tooBig, d.verdict());
        assertEquals("a-size", d.check());
        assertEquals(List.of("a-hops@HEADERS", "a-size@END_OF_DATA"), calls);
        assertEquals(1.0, rejections("XM-RJCT32", "end_of_data", "a-size", "enforce"));
    }

    @Test
    void contentStagesWithoutRecipientsUseTheDefaultPolicy() {
        List<String> calls = new ArrayList<>();
        PolicySession s = engine(enforce("default-size", Stage.END_OF_DATA, Verdict.CONTINUE, calls))
                .newSession(OUTSIDER, 1234, 1);
        s.mail(SENDER, 0);
        assertSame(Decision.PROCEED, s.endOfData(10));
        assertEquals(List.of("default-size@END_OF_DATA"), calls);
        assertEquals(10, s.facts().messageBytes());
    }

    // ---- size limits -----------------------------------------------------------------------------------

    static ConfiguredCheck sized(String name, Mode mode, long max) {
        return new ConfiguredCheck(name, mode, new Fake(name, Set.of(Stage.END_OF_DATA), (s, f) -> Verdict.CONTINUE,
                new ArrayList<>(), max));
    }

    @Test
    void sizeLimitsOfPoliciesAndSessions() {
        Policy def = policy("default", "k0", sized("size", Mode.ENFORCE, 5000), sized("other", Mode.ENFORCE, 7000));
        Policy small = policy("small.example", "k1", sized("size", Mode.ENFORCE, 2048), sized("watch", Mode.LOG_ONLY, 1024));
        Policy big = policy("big.example", "k2", sized("size", Mode.ENFORCE, 9000));
        Policy none = policy("none.example", "k3");
        assertEquals(5000, def.maxMessageBytes(), "the smallest enforcing limit");
        assertEquals(2048, small.maxMessageBytes(), "log-only limits do not count");
        assertEquals(Long.MAX_VALUE, none.maxMessageBytes());

        PolicyEngine e = engine(true, def, Map.of("small.example", small, "big.example", big));
        assertEquals(9000, e.advertisedMaxSize());
        PolicySession s = e.newSession(OUTSIDER, 1234, 1);
        s.mail(SENDER, 0);
        assertEquals(5000, s.maxMessageBytes(), "before any recipient: the default policy");
        s.recipientAccepted(rcpt("u@small.example"));
        assertEquals(2048, s.maxMessageBytes());
        s.resetTransaction();
        assertEquals(5000, s.maxMessageBytes());
    }

    // ---- facts and clients ---------------------------------------------------------------------------

    @Test
    void rcptChecksSeeTheRecipientAndThoseAcceptedBefore() {
        List<Facts> seen = new ArrayList<>();
        Check spy = new Fake("spy", Set.of(Stage.RCPT), (s, f) -> {
            seen.add(f);
            return Verdict.CONTINUE;
        }, new ArrayList<>());
        PolicySession s = engine(new ConfiguredCheck("spy", Mode.ENFORCE, spy)).newSession(OUTSIDER, 1234, 1);
        s.helo("mail.example.net");
        s.mail(SENDER, 1000);
        Mailbox r1 = rcpt("a@example.com");
        Mailbox r2 = rcpt("b@example.com");
        Mailbox r3 = rcpt("c@example.com");
        s.rcpt(r1);
        s.recipientAccepted(r1);
        s.rcpt(r2);
        s.recipientAccepted(r2);
        s.rcpt(r3);

        assertEquals(3, seen.size());
        Facts last = seen.get(2);
        assertEquals(r3, last.recipient());
        assertEquals(List.of(r1, r2), last.recipients());
        assertEquals(SENDER, last.sender());
        assertEquals(1000, last.declaredSize());
        assertEquals("mail.example.net", last.helo());
        assertEquals(List.of(), seen.get(0).recipients());
        assertEquals(List.of(r1, r2), s.recipients());
    }

    @Test
    void clientsAndDomains() {
        Policy def = policy("default", "k0");
        Policy a = policy("a.example", "k1");
        PolicyEngine e = engine(true, def, Map.of("a.example", a));
        assertTrue(e.newSession(RELAY_CLIENT, 1, 1).facts().client().relayPermitted());
        assertFalse(e.newSession(OUTSIDER, 1, 1).facts().client().relayPermitted());
        assertEquals(3, e.newSession(OUTSIDER, 1, 3).facts().client().connectionsFromAddress());
        assertTrue(e.isLocalDomain("A.Example"));
        assertFalse(e.isLocalDomain("b.example"));
        assertSame(a, e.policyFor(rcpt("u@a.example")));
        assertSame(def, e.policyFor(rcpt("u@b.example")));
    }

    @Test
    void refuseLogsAndCountsTheFrontDoorsOwnRefusals() {
        PolicySession s = engine().newSession(OUTSIDER, 1234, 1);
        Decision d = s.refuse(Stage.MAIL, Verdict.reject(Code.BAD_SENDER_SYNTAX, Map.of("reason", "missing '>'")), "syntax");
        assertEquals("501-5.1.7 XM-RJCT54: Bad sender address syntax: missing '>'.\r\n501 5.1.7 [127.0.0.2] [mx.test]",
                d.reply().wire(true));
        assertEquals(1.0, rejections("XM-RJCT54", "mail", "syntax", "enforce"));
    }

    @Test
    void verdictConstructorsCheckTheReplyClass() {
        assertThrows(IllegalArgumentException.class, () -> new Verdict.Reject(Code.GREYLISTED, Map.of()));
        assertThrows(IllegalArgumentException.class, () -> new Verdict.Defer(Code.TIMEOUT, Map.of()));
    }

    @Test
    void aDeferredPermanentEntryIsSentInItsTemporaryForm() {
        PolicyEngine e = engine();
        Facts f = Facts.connect(new org.mxfront.mail.ClientInfo(java.net.InetAddress.getLoopbackAddress(), 25, null, false, 1));
        assertEquals("450-4.4.6 XM-RJCT91: Hourly sending quota exceeded, try again later.\r\n450 4.4.6 [127.0.0.1] [mx.test]",
                e.render(new Verdict.Defer(Code.HOURLY_SENDING_QUOTA_EXCEEDED, Map.of()), f).wire(true));
        assertEquals("550-5.4.6 XM-RJCT91: Hourly sending quota exceeded, try again later.\r\n550 5.4.6 [127.0.0.1] [mx.test]",
                e.render(new Verdict.Reject(Code.HOURLY_SENDING_QUOTA_EXCEEDED, Map.of()), f).wire(true));
        // and so it goes on the wire from a check
        PolicySession s = engine(false, policy("default", "k0", enforce("quota", Stage.MAIL,
                new Verdict.Defer(Code.HOURLY_SENDING_QUOTA_EXCEEDED, Map.of()), new ArrayList<>())), Map.of())
                .newSession(OUTSIDER, 1234, 1);
        s.connect();
        Decision d = s.mail(new Mailbox("a", "sender.example", false), 0);
        assertEquals(List.of("450-4.4.6 XM-RJCT91: Hourly sending quota exceeded, try again later.", "450 4.4.6 ["
                + Networks.text(OUTSIDER) + "] [mx.test]"), d.reply().wireLines(true));
        assertEquals(1.0, registry.get(org.mxfront.mail.MeterNames.REJECTIONS).tag("code", "XM-RJCT91").tag("class", "temporary").counter().count());
    }

    /** A check that judges its own domain's senders at MAIL, naming the policy it ran under. */
    record OwnSenders(String name, List<String> calls) implements Check {
        @Override
        public Set<Stage> stages() { return Set.of(Stage.MAIL); }

        @Override
        public boolean judgesOwnSenders() { return true; }

        @Override
        public Verdict evaluate(Stage stage, Facts facts) {
            calls.add(name + "@" + facts.sender().domain());
            return name.equals("strict") ? Verdict.reject(Code.UNLISTED_SENDER, Map.of("sender", facts.sender().address(),
                    "domain", facts.sender().domain())) : Verdict.CONTINUE;
        }
    }

    @Test
    void checksJudgingOwnSendersRunAtMailUnderTheSenderDomainsPolicyOnly() {
        List<String> calls = new ArrayList<>();
        ConfiguredCheck other = enforce("other", Stage.MAIL, Verdict.CONTINUE, calls);
        Policy def = policy("default", "k0", other, new ConfiguredCheck("recipients", Mode.ENFORCE, new OwnSenders("default", calls)));
        Policy lax = policy("example.com", "k1", other, new ConfiguredCheck("recipients", Mode.ENFORCE, new OwnSenders("lax", calls)));
        Policy strict = policy("example.org", "k2", other,
                new ConfiguredCheck("recipients", Mode.ENFORCE, new OwnSenders("strict", calls)));
        PolicyEngine e = engine(true, def, Map.of("example.com", lax, "example.org", strict));
        PolicySession s = e.newSession(OUTSIDER, 1234, 1);
        s.connect();
        assertTrue(s.mail(new Mailbox("a", "sender.example", false), 0).proceed());
        assertEquals(List.of("other@MAIL"), calls, "not a local sender: only the default policy's other checks");
        calls.clear();
        assertTrue(s.mail(new Mailbox("a", "example.com", false), 0).proceed());
        assertEquals(List.of("other@MAIL", "lax@example.com"), calls, "example.com's own instance, not the default's");
        calls.clear();
        Decision d = s.mail(new Mailbox("ghost", "example.org", false), 0);
        assertEquals(List.of("other@MAIL", "strict@example.org"), calls);
        assertEquals("550-5.1.0 XM-RJCT92: Sender address rejected: domain example.org is hosted here, but the address"
                + " <ghost@example.org> you sent from does not exist.", d.reply().wireLines(true).get(0));
        calls.clear();
        assertTrue(s.mail(Mailbox.NULL_SENDER, 0).proceed());
        assertEquals(List.of("other@MAIL"), calls);
        assertTrue(s.mayBlock(Stage.MAIL, null), "a domain's own-sender check may look its directory up");
    }
}
