// Refuses a message that has been through too many hops (Received: fields): 554 5.4.6 XM-RJCT33,
// the "Number of 'Received:' DATA headers exceeds maximum permitted" case of the seeds.
package org.mxfront.checks.hops;

import java.util.Map;
import org.mxfront.checks.CheckContext;
import org.mxfront.checks.MemoryCheck;
import org.mxfront.codes.Code;
import org.mxfront.policy.Facts;
import org.mxfront.policy.Stage;
import org.mxfront.policy.Verdict;

/** Received-header hop limit, at HEADERS. */
public final class ReceivedHopsCheck extends MemoryCheck<ReceivedHopsConfig> {
    private final int max;

    public ReceivedHopsCheck(ReceivedHopsConfig config, CheckContext ctx) {
        super(config, ctx, Stage.HEADERS);
        this.max = config.max();
    }

    @Override
    public Verdict evaluate(Stage stage, Facts f) {
        int n = f.headers().count("Received");
        if (n <= max) return Verdict.CONTINUE;
        return new Verdict.Reject(Code.TOO_MANY_HOPS, Map.of("count", Integer.toString(n), "limit", Integer.toString(max)));
    }
}
