// Refuses a message that has been through too many hops (Received: fields): 554 5.4.6 XM-RJCT33,
// the "Number of 'Received:' DATA headers exceeds maximum permitted" case of the seeds.
package org.mxfront.checks.hops;

import java.util.Map;
import java.util.Set;
import org.mxfront.checks.CheckContext;
import org.mxfront.codes.Code;
import org.mxfront.policy.Check;
import org.mxfront.policy.Facts;
import org.mxfront.policy.Stage;
import org.mxfront.policy.Verdict;

/** Received-header hop limit, at HEADERS. */
public final class ReceivedHopsCheck implements Check {
    private final int max;

    public ReceivedHopsCheck(ReceivedHopsConfig config, CheckContext ctx) {
        this.max = config.max();
    }

    @Override
    public Set<Stage> stages() { return Set.of(Stage.HEADERS); }

    /** Never waits: the header section is in the facts. */
    @Override
    public boolean mayBlock(Stage stage, Facts facts) {
        return false;
    }

    @Override
    public Verdict evaluate(Stage stage, Facts f) {
        int n = f.headers().count("Received");
        if (n <= max) return Verdict.CONTINUE;
        return new Verdict.Reject(Code.TOO_MANY_HOPS, Map.of("count", Integer.toString(n), "limit", Integer.toString(max)));
    }
}
