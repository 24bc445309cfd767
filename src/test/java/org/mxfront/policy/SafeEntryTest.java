// How the engine applies a recipient's safe entry (Safelist) to the checks that yield to it
// (Check.liftedBySafeEntry), with fake checks: a MAIL refusal is held for RCPT and lifted per
// recipient, a refusal of a check that does not yield is never lifted, recipients that differ in
// exemption are split (452 4.5.3 XM-RJCT52) when a content check yields, and the message of a
// safelisted transaction is not refused by that content check; a log-only safelist lifts nothing.
package org.mxfront.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mxfront.codes.Code;
import org.mxfront.codes.ReplyCatalogue;
import org.mxfront.mail.Mailbox;
import org.mxfront.net.Networks;

class SafeEntryTest {
    /** Safe for recipients whose local part starts with "safe". */
    record Lists() implements Check, Safelist {
        public Set<Stage> stages() { return Set.of(Stage.RCPT); }
        public Verdict evaluate(Stage s, Facts f) { return Verdict.CONTINUE; }
        public String safeEntry(Facts f) {
            return f.recipient().localPart().startsWith("safe") ? "user " + f.recipient().address() + " safe" : null;
        }
    }

    /** Refuses at one stage; yields to safe entries when {@code yields}. */
    record Refuser(Stage stage, Verdict v, boolean yields) implements Check {
        public Set<Stage> stages() { return Set.of(stage); }
        public Verdict evaluate(Stage s, Facts f) { return v; }
        public boolean liftedBySafeEntry(Verdict x) { return yields; }
    }

    static final Verdict SPF = new Verdict.Reject(Code.SPF_FAIL, Map.of("sender", "a@example.net"));
    static final Verdict TOO_BIG = new Verdict.Reject(Code.MESSAGE_TOO_LARGE, Map.of("limit", "10"));
    static final Verdict DMARC = new Verdict.Reject(Code.DMARC_REJECT, Map.of("domain", "example.net"));

    static PolicyEngine engine(Mode listsMode, ConfiguredCheck... more) {
        List<ConfiguredCheck> checks = new java.util.ArrayList<>(List.of(more));
        checks.add(new ConfiguredCheck("policy-lists", listsMode, new Lists()));
        Policy p = new Policy("default", checks, List.of("content"));
        return new PolicyEngine(p, Map.of("example.com", p), Networks.NONE, ReplyCatalogue.defaults(), "mx.test", true,
                new DecisionLog(), new SimpleMeterRegistry());
    }

    static Mailbox rcpt(String local) {
        return new Mailbox(local, "example.com", false);
    }

    static PolicySession session(PolicyEngine e) throws Exception {
        PolicySession s = e.newSession(InetAddress.getByName("198.51.100.7"), 1, 1);
        assertTrue(s.connect().proceed());
        assertTrue(s.helo("mail.example.net").proceed());
        return s;
    }

    @Test
    void aMailRefusalIsHeldForRcptAndLiftedPerRecipient() throws Exception {
        PolicySession s = session(engine(Mode.ENFORCE, new ConfiguredCheck("spf", Mode.ENFORCE, new Refuser(Stage.MAIL, SPF, true))));
        assertTrue(s.mail(new Mailbox("a", "example.net", false), 0).proceed(), "held for RCPT");
        assertTrue(s.rcpt(rcpt("safe-bob")).proceed());
        assertEquals(List.of("550-5.7.23 XM-RJCT16: SPF check failed for <a@example.net> from 198.51.100.7.",
                "550 5.7.23 [198.51.100.7] [mx.test]"), s.rcpt(rcpt("carol")).reply().wireLines(true));
    }

    @Test
    void aCheckThatDoesNotYieldIsNeverLifted() throws Exception {
        PolicySession s = session(engine(Mode.ENFORCE,
                new ConfiguredCheck("message-size", Mode.ENFORCE, new Refuser(Stage.MAIL, TOO_BIG, false))));
        Decision d = s.mail(new Mailbox("a", "example.net", false), 0);
        assertEquals("552-5.3.4 XM-RJCT32: Message size exceeds the limit of 10 bytes.", d.reply().wireLines(true).get(0));
    }

    @Test
    void recipientsThatDifferInExemptionGetSeparateTransactions() throws Exception {
        PolicySession s = session(engine(Mode.ENFORCE,
                new ConfiguredCheck("dmarc", Mode.ENFORCE, new Refuser(Stage.END_OF_DATA, DMARC, true))));
        assertTrue(s.mail(new Mailbox("a", "example.net", false), 0).proceed());
        assertTrue(s.rcpt(rcpt("safe-bob")).proceed());
        s.recipientAccepted(rcpt("safe-bob"));
        assertEquals(List.of("452-4.5.3 XM-RJCT52: Recipient <carol@example.com> has a different content policy, send it in a "
                + "separate transaction.", "452 4.5.3 [198.51.100.7] [mx.test]"), s.rcpt(rcpt("carol")).reply().wireLines(true));
        assertEquals(Code.MIXED_CONTENT_POLICY, s.rcpt(rcpt("carol")).verdict().code());
        assertTrue(s.rcpt(rcpt("safe-dave")).proceed(), "another safelisted recipient shares the transaction");
        s.recipientAccepted(rcpt("safe-dave"));
        s.openMessage();
        assertTrue(s.endOfData(100).proceed(), "DMARC lifted for a safelisted transaction");
        // carol in her own transaction: DMARC applies
        s.resetTransaction();
        assertTrue(s.mail(new Mailbox("a", "example.net", false), 0).proceed());
        assertTrue(s.rcpt(rcpt("carol")).proceed());
        s.recipientAccepted(rcpt("carol"));
        s.openMessage();
        assertEquals(Code.DMARC_REJECT, s.endOfData(100).verdict().code());
    }

    @Test
    void aLogOnlySafelistLiftsNothing() throws Exception {
        PolicySession s = session(engine(Mode.LOG_ONLY, new ConfiguredCheck("spf", Mode.ENFORCE, new Refuser(Stage.RCPT, SPF, true))));
        assertTrue(s.mail(new Mailbox("a", "example.net", false), 0).proceed());
        assertEquals(Code.SPF_FAIL, s.rcpt(rcpt("safe-bob")).verdict().code());
    }
}
