// Defers every recipient past the limit with 452 4.5.3 XM-RJCT31 (RFC 5321 4.5.3.1.10: the client
// sends the rest in another transaction), like James's MaxRcptHandler and Postfix's smtpd_recipient_limit.
package org.mxfront.checks.rcptlimit;

import java.util.Map;
import java.util.Set;
import org.mxfront.checks.CheckContext;
import org.mxfront.codes.Code;
import org.mxfront.policy.Check;
import org.mxfront.policy.Facts;
import org.mxfront.policy.Stage;
import org.mxfront.policy.Verdict;

/** Recipients-per-message limit, at RCPT. */
public final class RecipientLimitCheck implements Check {
    private final int max;
    private final Verdict tooMany;

    public RecipientLimitCheck(RecipientLimitConfig config, CheckContext ctx) {
        this.max = config.max();
        this.tooMany = new Verdict.Defer(Code.TOO_MANY_RECIPIENTS, Map.of("limit", Integer.toString(max)));
    }

    @Override
    public Set<Stage> stages() { return Set.of(Stage.RCPT); }

    /** Never waits: a count. */
    @Override
    public boolean mayBlock(Stage stage, Facts facts) {
        return false;
    }

    @Override
    public Verdict evaluate(Stage stage, Facts f) {
        return f.recipients().size() >= max ? tooMany : Verdict.CONTINUE;
    }
}
