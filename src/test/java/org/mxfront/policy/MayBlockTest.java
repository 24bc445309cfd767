// What a door learns from PolicySession.mayBlock: whether the next stage can be run on an event loop.
// Only the checks of that stage, of the policy that applies (the recipient's domain at RCPT), count;
// a held refusal needs no check; the enricher counts at CONNECT.
package org.mxfront.policy;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mxfront.codes.Code;
import org.mxfront.codes.ReplyCatalogue;
import org.mxfront.mail.ClientEnricher;
import org.mxfront.mail.Mailbox;
import org.mxfront.net.Networks;

class MayBlockTest {
    /** A check at one stage that answers {@code verdict} and says whether it may block. */
    record StageCheck(Stage stage, boolean blocks, Verdict verdict) implements Check {
        @Override
        public Set<Stage> stages() { return Set.of(stage); }

        @Override
        public Verdict evaluate(Stage s, Facts f) { return verdict; }

        @Override
        public boolean mayBlock(Stage s, Facts f) { return blocks; }
    }

    static ConfiguredCheck check(String name, Stage stage, boolean blocks) {
        return new ConfiguredCheck(name, Mode.ENFORCE, new StageCheck(stage, blocks, Verdict.CONTINUE));
    }

    static PolicyEngine engine(List<ConfiguredCheck> defaults, List<ConfiguredCheck> local, ClientEnricher enricher) {
        Policy d = new Policy("default", defaults, List.of());
        Policy l = new Policy("example.com", local, List.of());
        return new PolicyEngine(d, Map.of("example.com", l), Networks.NONE, ReplyCatalogue.defaults(), "mx.test", true,
                new DecisionLog(), new SimpleMeterRegistry(), enricher);
    }

    static PolicySession session(PolicyEngine e) throws Exception {
        return e.newSession(InetAddress.getByName("192.0.2.7"), 40000, 1);
    }

    @Test
    void onlyTheChecksOfTheStageAndOfTheRecipientsPolicyCount() throws Exception {
        PolicySession s = session(engine(List.of(check("quick", Stage.RCPT, false), check("dns", Stage.MAIL, true)),
                List.of(check("store", Stage.RCPT, true)), ClientEnricher.NONE));
        s.prepare();
        assertFalse(s.mayBlock(Stage.CONNECT, null));
        assertFalse(s.mayBlock(Stage.HELO, null));
        assertTrue(s.mayBlock(Stage.MAIL, null));
        assertFalse(s.mayBlock(Stage.RCPT, new Mailbox("a", "elsewhere.example", false)));
        assertTrue(s.mayBlock(Stage.RCPT, new Mailbox("a", "example.com", false)));
        assertFalse(s.mayBlock(Stage.END_OF_DATA, null));
    }

    @Test
    void anEnricherThatMayWaitCountsAtConnectOnly() throws Exception {
        ClientEnricher slow = c -> c; // the default: may block
        PolicySession s = session(engine(List.of(), List.of(), slow));
        assertTrue(s.mayBlock(Stage.CONNECT, null));
        assertFalse(s.mayBlock(Stage.HELO, null));
    }

    @Test
    void aHeldRefusalIsGivenWithoutAskingTheChecks() throws Exception {
        ConfiguredCheck refuse = new ConfiguredCheck("refuse", Mode.ENFORCE,
                new StageCheck(Stage.CONNECT, false, Verdict.reject(Code.RELAY_DENIED, Map.of("recipient", "x"))));
        PolicySession s = session(engine(List.of(refuse), List.of(check("store", Stage.RCPT, true)), ClientEnricher.NONE));
        s.connect(); // delay-reject: the refusal is held for RCPT
        assertFalse(s.mayBlock(Stage.RCPT, new Mailbox("a", "example.com", false)));
    }

    @Test
    void aCheckThatThrowsCountsAsOneThatMayBlock() throws Exception {
        ConfiguredCheck cc = new ConfiguredCheck("broken", Mode.ENFORCE, new Check() {
            @Override
            public Set<Stage> stages() { return Set.of(Stage.HELO); }

            @Override
            public Verdict evaluate(Stage s, Facts f) { return Verdict.CONTINUE; }

            @Override
            public boolean mayBlock(Stage s, Facts f) { throw new IllegalStateException("boom"); }
        });
        PolicySession s = session(engine(List.of(cc), List.of(), ClientEnricher.NONE));
        assertTrue(s.mayBlock(Stage.HELO, null));
    }
}
