// The skeleton of a small check that answers from memory (the facts and its own settings): it names
// its stages once and never waits, so the Netty doors run it on their event loop. The relay guard,
// the hop, recipient and size limits, tls-required, header rules, the connection limit and the early
// talker are such checks; they write only their verdict.
package org.mxfront.checks;

import java.util.EnumSet;
import java.util.Set;
import org.mxfront.policy.Facts;
import org.mxfront.policy.Stage;

/** A check that never blocks, at fixed stages. */
public abstract class MemoryCheck<C> extends CheckBase<C> {
    private final Set<Stage> stages;

    protected MemoryCheck(C config, CheckContext ctx, Stage first, Stage... more) {
        super(config, ctx);
        this.stages = Set.copyOf(EnumSet.of(first, more));
    }

    @Override
    public final Set<Stage> stages() {
        return stages;
    }

    /** Never waits: what it reads is in the facts or in memory. */
    @Override
    public final boolean mayBlock(Stage stage, Facts facts) {
        return false;
    }
}
