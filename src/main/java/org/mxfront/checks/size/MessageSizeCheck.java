// Refuses messages over the size limit with 552 5.3.4 XM-RJCT32: at MAIL when SIZE= says so
// (RFC 1870), and at end of data by the bytes actually received, since SIZE= is only a promise.
// The front door stops passing data downstream once the limit is crossed (maxMessageBytes).
package org.mxfront.checks.size;

import java.util.Map;
import org.mxfront.checks.CheckContext;
import org.mxfront.checks.MemoryCheck;
import org.mxfront.codes.Code;
import org.mxfront.policy.Facts;
import org.mxfront.policy.Stage;
import org.mxfront.policy.Verdict;

/** Message size limit, at MAIL (declared) and END_OF_DATA (counted). */
public final class MessageSizeCheck extends MemoryCheck<MessageSizeConfig> {
    private final long max;
    private final Verdict tooLarge;

    public MessageSizeCheck(MessageSizeConfig config, CheckContext ctx) {
        super(config, ctx, Stage.MAIL, Stage.END_OF_DATA);
        this.max = config.maxBytes();
        this.tooLarge = new Verdict.Reject(Code.MESSAGE_TOO_LARGE, Map.of("limit", Long.toString(max)));
    }

    @Override
    public Verdict evaluate(Stage stage, Facts f) {
        long size = stage == Stage.MAIL ? f.declaredSize() : f.messageBytes();
        return size > max ? tooLarge : Verdict.CONTINUE;
    }

    @Override
    public long maxMessageBytes() { return max; }
}
