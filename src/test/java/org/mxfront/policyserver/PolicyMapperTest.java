// The socket-free mapping from Postfix's policy requests to the engine: which stages run for which
// protocol_state (Postfix's delay-reject order, a new instance versus the next recipient of one),
// refusals sticking to a message, the instance table's bound and expiry, and the exact action= lines.
package org.mxfront.policyserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.github.benmanes.caffeine.cache.Ticker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mxfront.Doors;
import org.mxfront.codes.Code;
import org.mxfront.codes.ReplyCatalogue;
import org.mxfront.config.ConfigLoader;
import org.mxfront.net.Networks;
import org.mxfront.policy.Check;
import org.mxfront.policy.ConfiguredCheck;
import org.mxfront.policy.DecisionLog;
import org.mxfront.policy.Facts;
import org.mxfront.policy.Mode;
import org.mxfront.policy.Policy;
import org.mxfront.door.DoorEngine;
import org.mxfront.policy.PolicyEngine;
import org.mxfront.policy.Stage;
import org.mxfront.policy.Verdict;

class PolicyMapperTest {
    @TempDir
    Path tmp;

    final List<String> calls = new ArrayList<>();
    final AtomicLong nanos = new AtomicLong();
    final Ticker ticker = nanos::get;

    /** A check that records "name@STAGE[:detail]" and answers with a function. */
    record Fake(String name, Set<Stage> stages, BiFunction<Stage, Facts, Verdict> answer, List<String> calls) implements Check {
        @Override
        public Verdict evaluate(Stage stage, Facts f) {
            String detail = switch (stage) {
                case HELO -> f.helo();
                case MAIL -> f.sender() + "/" + f.declaredSize();
                case RCPT -> String.valueOf(f.recipient());
                case END_OF_DATA -> String.valueOf(f.messageBytes());
                default -> f.client().logName();
            };
            calls.add(name + "@" + stage + ":" + detail);
            return answer.apply(stage, f);
        }
    }

    Fake recorder(BiFunction<Stage, Facts, Verdict> answer) {
        return new Fake("rec", Set.of(Stage.values()), answer, calls);
    }

    final org.mxfront.policy.DecisionFeed feed = new org.mxfront.policy.DecisionFeed(100);

    PolicyMapper mapper(Check check, int maxInstances) {
        Policy p = new Policy("default", List.of(new ConfiguredCheck("rec", Mode.ENFORCE, check)), List.of());
        PolicyEngine engine = new PolicyEngine(p, Map.of(), Networks.parse(List.of("127.0.0.1/32")), ReplyCatalogue.defaults(),
                "mx.test", true, new DecisionLog(feed), new SimpleMeterRegistry());
        return new PolicyMapper(() -> engine, new InstanceTable(maxInstances, Duration.ofMinutes(10), ticker));
    }

    static PolicyRequest request(String state, String instance, String... more) {
        Map<String, String> a = new LinkedHashMap<>();
        a.put("request", "smtpd_access_policy");
        a.put("protocol_state", state);
        a.put("client_address", "192.0.2.7");
        a.put("client_name", "unknown");
        a.put("helo_name", "client.example.net");
        a.put("sender", "alice@sender.example");
        a.put("instance", instance);
        a.put("size", "0");
        for (int i = 0; i < more.length; i += 2) a.put(more[i], more[i + 1]);
        return new PolicyRequest(a);
    }

    static PolicyRequest rcpt(String instance, String recipient) {
        return request("RCPT", instance, "recipient", recipient);
    }

    String answer(PolicyMapper m, PolicyRequest r) {
        return PolicyActions.render(m.decide(r));
    }

    @Test
    void aRcptFirstRequestRunsEveryStageAndTheNextRecipientOnlyRcpt() {
        PolicyMapper m = mapper(recorder((s, f) -> Verdict.CONTINUE), 100);
        assertEquals("DUNNO", answer(m, rcpt("a.1", "bob@example.com")));
        assertEquals(List.of("rec@CONNECT:unknown[192.0.2.7]", "rec@HELO:client.example.net",
                "rec@MAIL:<alice@sender.example>/0", "rec@RCPT:<bob@example.com>"), calls);
        calls.clear();
        assertEquals("DUNNO", answer(m, rcpt("a.1", "carol@example.com")));
        assertEquals(List.of("rec@RCPT:<carol@example.com>"), calls);
        calls.clear();
        // another message of the same client: a new instance, every stage again
        answer(m, rcpt("a.2", "bob@example.com"));
        assertEquals(4, calls.size(), calls.toString());
    }

    @Test
    void aMailRequestFirstThenRcptRequestsOfTheSameInstance() {
        PolicyMapper m = mapper(recorder((s, f) -> Verdict.CONTINUE), 100);
        answer(m, request("MAIL", "b.1", "size", "12345", "sender", ""));
        assertEquals(List.of("rec@CONNECT:unknown[192.0.2.7]", "rec@HELO:client.example.net", "rec@MAIL:<>/12345"), calls);
        calls.clear();
        answer(m, rcpt("b.1", "bob@example.com"));
        answer(m, request("DATA", "b.1"));
        answer(m, request("END-OF-MESSAGE", "b.1", "size", "4242"));
        assertEquals(List.of("rec@RCPT:<bob@example.com>", "rec@END_OF_DATA:4242"), calls);
    }

    @Test
    void connectAndHeloRequestsAreAnsweredAtOnceDespiteDelayReject() {
        PolicyMapper m = mapper(recorder((s, f) -> s == Stage.HELO
                ? Verdict.reject(Code.HELO_CLAIMS_US, Map.of()) : Verdict.CONTINUE), 100);
        assertEquals("DUNNO", answer(m, request("CONNECT", "", "helo_name", "")));
        assertEquals("550 5.7.1 XM-RJCT30: You cannot say you are me. I am me. [192.0.2.7] [mx.test]",
                answer(m, request("EHLO", "")));
        // the same refusal at RCPT, for every recipient of the message
        assertEquals("550 5.7.1 XM-RJCT30: You cannot say you are me. I am me. [192.0.2.7] [mx.test]",
                answer(m, rcpt("c.1", "bob@example.com")));
        calls.clear();
        assertEquals("550 5.7.1 XM-RJCT30: You cannot say you are me. I am me. [192.0.2.7] [mx.test]",
                answer(m, rcpt("c.1", "carol@example.com")));
        assertEquals(List.of(), calls, "a refused message runs no check again");
    }

    @Test
    void aRefusalIsPublishedWithThePolicyDoorAndPostfixsQueueId() {
        PolicyMapper m = mapper(recorder((s, f) -> s == Stage.RCPT ? Verdict.reject(Code.RELAY_DENIED, Map.of()) : Verdict.CONTINUE), 100);
        answer(m, request("RCPT", "q.1", "recipient", "bob@elsewhere.example", "queue_id", "4Xg2kq0Hc1z"));
        var e = feed.recent(x -> true).get(0);
        assertEquals("policy", e.door());
        assertEquals("4Xg2kq0Hc1z", e.queueId());
        assertEquals("XM-RJCT06", e.code());
        assertEquals(List.of("bob@elsewhere.example"), e.recipients());
    }

    @Test
    void aSenderRefusalSticksToEveryRecipientOfTheMessage() {
        PolicyMapper m = mapper(recorder((s, f) -> s == Stage.MAIL
                ? Verdict.reject(Code.SENDER_DOMAIN_NOT_FOUND, Map.of("domain", "sender.example")) : Verdict.CONTINUE), 100);
        String first = answer(m, rcpt("d.1", "bob@example.com"));
        assertEquals(first, answer(m, rcpt("d.1", "carol@example.com")));
        assertEquals("550 5.1.8 ", first.substring(0, 10));
    }

    @Test
    void deferAndDisconnectRendering() {
        PolicyMapper m = mapper(recorder((s, f) -> s != Stage.RCPT ? Verdict.CONTINUE
                : switch (f.recipient().localPart()) {
                    case "grey" -> Verdict.defer(Code.GREYLISTED, Map.of("retry", "300"));
                    case "drop" -> new Verdict.Disconnect(Code.TOO_MANY_CONNECTIONS, Map.of("limit", "5"));
                    case "drop5" -> new Verdict.Disconnect(Code.RELAY_DENIED, Map.of());
                    default -> Verdict.CONTINUE;
                }), 100);
        assertEquals("451 4.7.1 XM-RJCT23: Greylisted, please try again in 300 seconds. [192.0.2.7] [mx.test]",
                answer(m, rcpt("e.1", "grey@example.com")));
        assertEquals("DUNNO", answer(m, rcpt("e.1", "ok@example.com")));
        String drop = answer(m, rcpt("e.1", "drop@example.com"));
        assertEquals("421 4.7.0 XM-RJCT34: ", drop.substring(0, 21), drop);
        assertEquals("421 4.7.1 XM-RJCT06: Unauthorized relay attempt [192.0.2.7] [mx.test]",
                answer(m, rcpt("e.2", "drop5@example.com")));
    }

    @Test
    void vrfyEtrnAndAnUnusableClientAddressGetDunnoWithoutChecks() {
        PolicyMapper m = mapper(recorder((s, f) -> Verdict.reject(Code.RELAY_DENIED, Map.of())), 100);
        assertEquals("DUNNO", answer(m, request("VRFY", "", "recipient", "bob")));
        assertEquals("DUNNO", answer(m, request("ETRN", "", "etrn_domain", "example.com")));
        assertEquals("DUNNO", answer(m, request("RCPT", "f.1", "client_address", "localhost")));
        assertEquals("DUNNO", answer(m, request("RCPT", "f.1", "client_address", "")));
        assertEquals(List.of(), calls);
    }

    @Test
    void ipv6ClientsAndVerifiedNames() {
        PolicyMapper m = mapper(recorder((s, f) -> Verdict.CONTINUE), 100);
        answer(m, request("CONNECT", "", "client_address", "2001:DB8::7", "client_name", "mail.example.net"));
        assertEquals("rec@CONNECT:mail.example.net[2001:db8::7]", calls.get(0));
        assertNull(PolicyMapper.address("beef"), "never a DNS lookup");
        assertNull(PolicyMapper.address("1.2.3"));
    }

    @Test
    void instancesAreForgottenAfterTheTimeoutAndBeyondTheBound() {
        PolicyMapper m = mapper(recorder((s, f) -> Verdict.CONTINUE), 2);
        answer(m, rcpt("g.1", "bob@example.com"));
        calls.clear();
        nanos.addAndGet(Duration.ofMinutes(11).toNanos());
        answer(m, rcpt("g.1", "carol@example.com"));
        assertEquals(4, calls.size(), "expired: the message starts over " + calls);
        calls.clear();
        answer(m, rcpt("g.2", "bob@example.com"));
        answer(m, rcpt("g.3", "bob@example.com"));
        answer(m, rcpt("g.4", "bob@example.com"));
        calls.clear();
        for (String i : List.of("g.1", "g.2", "g.3", "g.4")) answer(m, rcpt(i, "x@example.com"));
        long full = calls.stream().filter(c -> c.startsWith("rec@CONNECT")).count();
        assertEquals(true, full >= 2, "at most 2 messages kept: " + calls);
    }

    @Test
    void theClientsTlsSessionReachesTheChecks() {
        List<String> tls = new ArrayList<>();
        PolicyMapper m = mapper(recorder((s, f) -> {
            if (s == Stage.RCPT) tls.add(String.valueOf(f.client().tls()));
            return Verdict.CONTINUE;
        }), 10);
        answer(m, rcpt("t.1", "bob@example.com"));
        answer(m, request("RCPT", "t.2", "recipient", "bob@example.com", "encryption_protocol", "TLSv1.3",
                "encryption_cipher", "TLS_AES_256_GCM_SHA384", "encryption_keysize", "256"));
        assertEquals(List.of("null", "TlsInfo[protocol=TLSv1.3, cipher=TLS_AES_256_GCM_SHA384, bits=256]"), tls);
        assertEquals("rec@HELO:client.example.net", calls.get(5), "HELO after the handshake, as Postfix saw it: " + calls);
    }

    @Test
    void anotherInstanceOnTheSameConnectionEndsThePreviousMessage() {
        InstanceTable table = new InstanceTable(100, Duration.ofMinutes(10), ticker);
        Policy p = new Policy("default", List.of(new ConfiguredCheck("rec", Mode.ENFORCE, recorder((s, f) -> Verdict.CONTINUE))), List.of());
        PolicyEngine engine = new PolicyEngine(p, Map.of(), Networks.NONE, ReplyCatalogue.defaults(), "mx.test", true,
                new DecisionLog(), new SimpleMeterRegistry());
        PolicyMapper m = new PolicyMapper(() -> engine, table);
        PolicyMapper.Connection one = m.connection();
        PolicyMapper.Connection two = m.connection();
        one.decide(rcpt("k.1", "bob@example.com"));
        one.decide(rcpt("k.1", "carol@example.com"));
        two.decide(rcpt("k.2", "bob@example.com"));
        assertEquals(2, table.size());
        one.decide(rcpt("k.3", "bob@example.com"));
        assertEquals(2, table.size(), "k.1 is over: k.2 and k.3 are kept");
        calls.clear();
        two.decide(rcpt("k.2", "dave@example.com"));
        assertEquals(List.of("rec@RCPT:<dave@example.com>"), calls, "the other connection's message is untouched");
    }

    @Test
    void postfixAddressesBecomeMailboxes() {
        assertEquals("<>", PolicyMapper.mailbox("").toString());
        assertEquals("<user%other@example.com>", PolicyMapper.mailbox("user%other@EXAMPLE.com").toString());
        assertEquals(true, PolicyMapper.mailbox("user%other@example.com").hasRelayTrick());
        assertEquals("<postmaster>", PolicyMapper.mailbox("postmaster").toString());
    }

    /** The real checks from a configuration: relay and HELO refusals with their exact action lines. */
    @Test
    void realChecksFromAConfiguration() throws Exception {
        String yaml = """
                server: {hostname: mx.test}
                smtp: {enabled: false}
                policy-server: {enabled: true, listen: 127.0.0.1:0}
                state-directory: %s
                checks:
                  connection-limit: {}
                  helo: {}
                  relay: {}
                  virus: {enabled: false}
                """.formatted(tmp);
        PolicyEngine full = new ConfigLoader(Doors.ALL).parse("t.yml", yaml, new SimpleMeterRegistry()).engine();
        DoorEngine door = new DoorEngine("policy", java.util.Set.of(), java.util.Map.of());
        PolicyEngine engine = door.usable(full);
        assertEquals(List.of("connection-limit"), door.skipped());
        assertEquals(List.of("helo", "relay"), List.copyOf(engine.checkNames()));
        org.junit.jupiter.api.Assertions.assertSame(full, new DoorEngine("smtp", java.util.EnumSet.allOf(org.mxfront.policy.Fact.class),
                java.util.Map.of()).usable(full), "a door that supplies everything runs the engine as it is");
        PolicyMapper m = new PolicyMapper(() -> engine, new InstanceTable(10, Duration.ofMinutes(1)));
        assertEquals("550 5.7.1 XM-RJCT06: Unauthorized relay attempt [192.0.2.7] [mx.test]",
                answer(m, rcpt("h.1", "someone@elsewhere.example")));
        assertEquals("DUNNO", answer(m, rcpt("h.1", "bob@example.com")));
        assertEquals("550 5.7.1 XM-RJCT30: You cannot say you are me. I am me. [192.0.2.7] [mx.test]",
                answer(m, request("RCPT", "h.2", "helo_name", "mx.test", "recipient", "bob@example.com")));
        assertEquals("DUNNO", answer(m, request("RCPT", "h.3", "client_address", "127.0.0.1", "recipient", "x@elsewhere.example")));
    }
}
