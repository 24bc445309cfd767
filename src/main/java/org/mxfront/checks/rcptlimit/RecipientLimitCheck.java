// Defers every recipient past the limit with 452 4.5.3 XM-RJCT31 (RFC 5321 4.5.3.1.10: the client
// sends the rest in another transaction), like James's MaxRcptHandler and Postfix's smtpd_recipient_limit.
package org.mxfront.checks.rcptlimit;

import java.util.Map;
import org.mxfront.checks.CheckContext;
import org.mxfront.checks.MemoryCheck;
import org.mxfront.codes.Code;
import org.mxfront.policy.Facts;
import org.mxfront.policy.Stage;
import org.mxfront.policy.Verdict;

/** Recipients-per-message limit, at RCPT. */
public final class RecipientLimitCheck extends MemoryCheck<RecipientLimitConfig> {
    private final int max;
    private final Verdict tooMany;

    public RecipientLimitCheck(RecipientLimitConfig config, CheckContext ctx) {
        super(config, ctx, Stage.RCPT);
        this.max = config.max();
        this.tooMany = new Verdict.Defer(Code.TOO_MANY_RECIPIENTS, Map.of("limit", Integer.toString(max)));
    }

    @Override
    public Verdict evaluate(Stage stage, Facts f) {
        return f.recipients().size() >= max ? tooMany : Verdict.CONTINUE;
    }
}
