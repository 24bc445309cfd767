// A recipient domain that is not configured here but whose MX points at us (its owner set up DNS
// and no hosting) gets 550 5.1.2 XM-RJCT21 "Domain has no hosting" instead of the relay check's
// XM-RJCT06, so the sender learns what is wrong. Runs before `relay`; only for clients that may
// not relay, and only decides that case: anything else (and any DNS failure) is left to `relay`.
// Keys: recipient-mx.our-mx-hosts (default none; server.hostname always counts).
package org.mxfront.checks.recipientmx;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.mxfront.checks.CheckContext;
import org.mxfront.codes.Code;
import org.mxfront.dns.DnsResolver;
import org.mxfront.dns.DnsResult;
import org.mxfront.mail.Mailbox;
import org.mxfront.policy.Check;
import org.mxfront.policy.Facts;
import org.mxfront.policy.Stage;
import org.mxfront.policy.Verdict;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/** "Our MX, no hosting", at RCPT. */
public final class RecipientMxCheck implements Check {
    private final DnsResolver dns;
    private final Set<String> localDomains;
    private final Set<String> ourHosts;

    public RecipientMxCheck(RecipientMxConfig config, CheckContext ctx) {
        this.dns = ctx.requireDns();
        this.localDomains = ctx.localDomains();
        Set<String> hosts = new HashSet<>(config.ourMxHosts());
        hosts.add(RecipientMxConfig.normal(ctx.hostname()));
        this.ourHosts = Set.copyOf(hosts);
    }

    @Override
    public Set<Stage> stages() { return Set.of(Stage.RCPT); }

    @Override
    public Verdict evaluate(Stage stage, Facts f) {
        Mailbox r = f.recipient();
        if (f.client().relayPermitted() || r.hasRelayTrick()) return Verdict.CONTINUE;
        String domain = r.domain();
        if (domain.isEmpty() || domain.startsWith("[") || localDomains.contains(domain)) return Verdict.CONTINUE;
        DnsResult mx = dns.lookup(domain, Type.MX).join(); // completes within dns.timeout
        for (Record rec : mx.records()) {
            if (rec instanceof MXRecord m && ourHosts.contains(DnsResolver.text(m.getTarget()))) {
                return Verdict.reject(Code.DOMAIN_NO_HOSTING, Map.of("domain", domain));
            }
        }
        return Verdict.CONTINUE;
    }
}
