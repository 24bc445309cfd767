// Covers SpfCheck's actions: each result's default, relayed domains (XM-RJCT09), tags for greylisting,
// tempfail, and the relay-networks exemption. Results are put into the session state as the MAIL
// stage leaves them, so no DNS is asked (the evaluator has its own tests, and SenderAuthIT runs it on nsd).
package org.mxfront.checks.spf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mxfront.checks.CheckFixtures.mailbox;
import static org.mxfront.checks.CheckFixtures.outsider;
import static org.mxfront.checks.CheckFixtures.relayClient;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mxfront.checks.SenderAuthFixtures;
import org.mxfront.codes.Code;
import org.mxfront.policy.Facts;
import org.mxfront.policy.Stage;
import org.mxfront.policy.Verdict;
import org.mxfront.spf.SpfResult;

class SpfCheckTest {
    static SpfConfig config(SpfAction fail, Boolean relayed) {
        return new SpfConfig(fail, null, null, null, null, null, null, relayed, null);
    }

    static Facts facts(SpfResult.Result r) {
        Facts f = outsider().withHelo("client.test").withSender(mailbox("alice@sender.test"), 0);
        f.state().put(SpfCheck.RESULT, new SpfResult(r, "mailfrom", "sender.test", "alice@sender.test", null, "test"));
        return f.withRecipient(mailbox("bob@example.com"));
    }

    @Test
    void failRejectsWithTheSendersAddress() {
        SpfCheck c = new SpfCheck(config(SpfAction.REJECT, null), SenderAuthFixtures.withDns());
        assertEquals(Verdict.reject(Code.SPF_FAIL, Map.of("sender", "alice@sender.test")), c.evaluate(Stage.RCPT, facts(SpfResult.Result.FAIL)));
        assertEquals(Verdict.CONTINUE, c.evaluate(Stage.MAIL, facts(SpfResult.Result.FAIL)), "acted on at RCPT");
        SpfCheck relayed = new SpfCheck(config(SpfAction.REJECT, true), SenderAuthFixtures.withDns());
        assertEquals(Code.SPF_FAIL_RELAYED, relayed.evaluate(Stage.RCPT, facts(SpfResult.Result.FAIL)).code());
    }

    @Test
    void defaults() {
        SpfCheck c = new SpfCheck(config(null, null), SenderAuthFixtures.withDns());
        Facts soft = facts(SpfResult.Result.SOFTFAIL);
        assertEquals(Verdict.CONTINUE, c.evaluate(Stage.MAIL, soft));
        assertTrue(soft.state().hasTag("spf-softfail"), "softfail tags the session for greylisting's risk-signals");
        assertEquals(Code.DNS_TEMPFAIL, c.evaluate(Stage.RCPT, facts(SpfResult.Result.TEMPERROR)).code());
        for (SpfResult.Result r : new SpfResult.Result[] {SpfResult.Result.PASS, SpfResult.Result.NEUTRAL,
                SpfResult.Result.NONE, SpfResult.Result.PERMERROR}) {
            assertEquals(Verdict.CONTINUE, c.evaluate(Stage.RCPT, facts(r)), r.toString());
        }
    }

    @Test
    void explainPrintsTheResultOrSaysItWasNotEvaluated() {
        SpfCheck c = new SpfCheck(config(null, null), SenderAuthFixtures.withDns());
        Facts f = facts(SpfResult.Result.FAIL);
        assertEquals(java.util.List.of(new org.mxfront.policy.Check.Explained(Stage.MAIL,
                "spf=fail smtp.mailfrom=alice@sender.test (test)")), c.explain(f.state()));
        assertEquals("spf=none (not evaluated)", c.explain(outsider().state()).get(0).text());
    }

    @Test
    void relayNetworksAreNotChecked() {
        SpfCheck c = new SpfCheck(config(SpfAction.REJECT, null), SenderAuthFixtures.withDns());
        Facts f = relayClient().withSender(mailbox("alice@sender.test"), 0);
        assertEquals(Verdict.CONTINUE, c.evaluate(Stage.RCPT, f.withRecipient(mailbox("bob@example.com"))));
        assertTrue(f.state().get(SpfCheck.RESULT) == null);
    }
}
