// What every small check's constructor repeated: keep the config record it was built with and the
// configured local domains (the question "is this address ours?" comes up in most checks). Checks
// extend it directly or through MemoryCheck (answers from memory), DnsCheck (asks the resolver) or
// SourceCheck (asks a recipient source), so each keeps only the fields that are its own.
package org.mxfront.checks;

import java.util.Set;
import org.mxfront.policy.Check;

/** A check built from its config record {@code C} and the check context. */
public abstract class CheckBase<C> implements Check {
    /** The check's settings, as bound from its section of the configuration. */
    protected final C config;
    /** The domains configured under {@code domains:}, lower-case. */
    protected final Set<String> localDomains;

    protected CheckBase(C config, CheckContext ctx) {
        this.config = config;
        this.localDomains = ctx.localDomains();
    }
}
