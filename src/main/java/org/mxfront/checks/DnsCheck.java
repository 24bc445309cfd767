// A check that asks DNS (reverse names, sender domains, SPF, DMARC): the resolver of the dns:
// section, required when the check is built, so a configuration without one fails at load, not at
// the first message.
package org.mxfront.checks;

import org.mxfront.dns.DnsResolver;

/** A check that resolves names with the configured resolver. */
public abstract class DnsCheck<C> extends CheckBase<C> {
    protected final DnsResolver dns;

    protected DnsCheck(C config, CheckContext ctx) {
        super(config, ctx);
        this.dns = ctx.requireDns();
    }
}
