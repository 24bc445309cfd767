// Covers AuthResultsCheck: the header's value from the spf, dkim and dmarc results (and "none" for
// each that did not run), token quoting, and the removal and hold it asks of the door.
package org.mxfront.checks.authresults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mxfront.checks.CheckFixtures.context;
import static org.mxfront.checks.CheckFixtures.outsider;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mxfront.checks.dkim.DkimResults;
import org.mxfront.checks.dmarc.DmarcCheck;
import org.mxfront.checks.spf.SpfCheck;
import org.mxfront.dkim.DkimResult;
import org.mxfront.dmarc.DmarcRecord;
import org.mxfront.dmarc.DmarcResult;
import org.mxfront.policy.AddedHeader;
import org.mxfront.policy.Facts;
import org.mxfront.policy.HeaderRemoval;
import org.mxfront.policy.MessageCheck;
import org.mxfront.policy.Verdict;
import org.mxfront.spf.SpfResult;

class AuthResultsCheckTest {
    @Test
    void headerFromTheResults() {
        AuthResultsCheck c = new AuthResultsCheck(new AuthResultsConfig(null), context());
        Facts f = outsider();
        MessageCheck.MessageReader r = c.open(f);
        assertEquals(List.of(new HeaderRemoval("Authentication-Results", "mx.test")), HeaderRemoval.of(f.state()));
        assertTrue(AddedHeader.takeExpectedAtEnd(f.state()));
        f.state().put(SpfCheck.RESULT, new SpfResult(SpfResult.Result.SOFTFAIL, "mailfrom", "b.test", "a;b@b.test", null, "t"));
        DkimResults.put(f.state(), List.of(
                new DkimResult(DkimResult.Outcome.PASS, "b.test", "s1", "rsa-sha256", "@b.test", "abcdefgh", "ok"),
                new DkimResult(DkimResult.Outcome.FAIL, "c.test", "s2", "ed25519-sha256", "@c.test", "12345678", "body hash (mismatch)")));
        f.state().put(DmarcCheck.RESULT, new DmarcResult(DmarcResult.Result.FAIL, "b.test", DmarcRecord.Policy.REJECT,
                DmarcRecord.Policy.QUARANTINE, "x"));
        assertEquals(Verdict.CONTINUE, r.finish(f));
        assertEquals(List.of(new AddedHeader("Authentication-Results", "mx.test;\r\n\tspf=softfail smtp.mailfrom=\"a;b@b.test\";"
                + "\r\n\tdkim=pass header.d=b.test header.s=s1 header.b=abcdefgh;"
                + "\r\n\tdkim=fail (body hash  mismatch) header.d=c.test header.s=s2 header.b=12345678;"
                + "\r\n\tdmarc=fail (p=reject dis=quarantine) header.from=b.test", 0)), AddedHeader.take(f.state()));
    }

    @Test
    void ownAuthservId() {
        AuthResultsCheck c = new AuthResultsCheck(new AuthResultsConfig("auth.example.net"), context());
        Facts f = outsider();
        c.open(f).finish(f);
        assertEquals("auth.example.net;\r\n\tspf=none;\r\n\tdkim=none;\r\n\tdmarc=none", AddedHeader.take(f.state()).get(0).value());
    }
}
