// Covers DmarcCheck's one-From rule (none, several fields, several addresses: XM-RJCT75) and the
// relay-networks exemption; policy outcomes run against nsd in SenderAuthIT.
package org.mxfront.checks.dmarc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mxfront.checks.CheckFixtures.mailbox;
import static org.mxfront.checks.CheckFixtures.outsider;
import static org.mxfront.checks.CheckFixtures.relayClient;
import static org.mxfront.checks.SenderAuthFixtures.headers;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mxfront.checks.SenderAuthFixtures;
import org.mxfront.codes.Code;
import org.mxfront.policy.Facts;
import org.mxfront.policy.HeaderSection;
import org.mxfront.policy.Stage;
import org.mxfront.policy.Verdict;

class DmarcCheckTest {
    final DmarcCheck check = new DmarcCheck(new DmarcConfig(null, null, null, null, null, null), SenderAuthFixtures.withDns());

    Verdict judge(Facts base, HeaderSection h) {
        return check.evaluate(Stage.END_OF_DATA, base.withSender(mailbox("a@x.test"), 0).withHeaders(h));
    }

    @Test
    void exactlyOneFromAddress() {
        assertEquals(Verdict.reject(Code.FROM_HEADER_INVALID, Map.of("count", "0")), judge(outsider(), headers("Subject: x")));
        assertEquals(Verdict.reject(Code.FROM_HEADER_INVALID, Map.of("count", "2")),
                judge(outsider(), headers("From: a@x.test", "From: b@x.test")));
        assertEquals(Verdict.reject(Code.FROM_HEADER_INVALID, Map.of("count", "2")), judge(outsider(), headers("From: a@x.test, b@y.test")));
        assertEquals(Verdict.reject(Code.FROM_HEADER_INVALID, Map.of("count", "1")), judge(outsider(), headers("From: no address")));
    }

    @Test
    void explainPrintsTheResultWithPolicyAndDisposition() {
        Facts f = outsider();
        assertEquals("dmarc=none (not evaluated)", check.explain(f.state()).get(0).text());
        f.state().put(DmarcCheck.RESULT, new org.mxfront.dmarc.DmarcResult(org.mxfront.dmarc.DmarcResult.Result.FAIL, "x.test",
                org.mxfront.dmarc.DmarcRecord.Policy.REJECT, org.mxfront.dmarc.DmarcRecord.Policy.QUARANTINE, "not aligned"));
        assertEquals(java.util.List.of(new org.mxfront.policy.Check.Explained(Stage.END_OF_DATA,
                "dmarc=fail header.from=x.test p=reject dis=quarantine (not aligned)")), check.explain(f.state()));
    }

    @Test
    void relayNetworksAreExempt() {
        assertEquals(Verdict.CONTINUE, judge(relayClient(), headers("Subject: no from")));
    }
}
