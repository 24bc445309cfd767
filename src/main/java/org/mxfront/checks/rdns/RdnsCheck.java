// Reverse DNS of the client: no PTR record (or, with require: forward-confirmed, no PTR name that
// resolves back to the address) gives 450 4.7.1 XM-RJCT38 "cannot find your reverse hostname" at
// RCPT, as the seed's provider does; a temporary DNS failure is skipped or gives 451 4.4.3
// (rdns.on-dns-failure). The lookup starts when the client connects. Keys: see RdnsConfig.
package org.mxfront.checks.rdns;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.mxfront.checks.CheckContext;
import org.mxfront.checks.DnsCheck;
import org.mxfront.codes.Code;
import org.mxfront.dns.OnDnsFailure;
import org.mxfront.dns.ReverseName;
import org.mxfront.mail.Mailbox;
import org.mxfront.policy.Facts;
import org.mxfront.policy.Stage;
import org.mxfront.policy.Verdict;

/** Reverse DNS requirement, at RCPT. */
public final class RdnsCheck extends DnsCheck<RdnsConfig> {
    /** Session-state key of the client's reverse lookup (one per connection, whichever policy asks). */
    private static final Object KEY = new Object();

    public RdnsCheck(RdnsConfig config, CheckContext ctx) {
        super(config, ctx);
    }

    @Override
    public Set<Stage> stages() { return Set.of(Stage.RCPT); }

    @Override
    public void prefetch(Facts f) {
        if (!exempt(f)) reverse(f);
    }

    /** Waits only while the client's PTR (started at prefetch) is not answered. */
    @Override
    public boolean mayBlock(Stage stage, Facts f) {
        return !exempt(f) && !reverse(f).isDone();
    }

    @Override
    public Verdict evaluate(Stage stage, Facts f) {
        if (exempt(f)) return Verdict.CONTINUE;
        Mailbox r = f.recipient();
        if (r != null && (localDomains.contains(r.domain()) || r.isBarePostmaster())
                && config.exemptRecipients().contains(r.plainLocalPart())) {
            return Verdict.CONTINUE;
        }
        ReverseName name = reverse(f).join(); // completes within dns.timeout of the connection
        return switch (name.status()) {
            case VERIFIED -> Verdict.CONTINUE;
            case UNVERIFIED -> config.require() == RdnsConfig.Require.PTR ? Verdict.CONTINUE : noName();
            case NO_PTR -> noName();
            case FAILED -> config.onDnsFailure() == OnDnsFailure.TEMPFAIL
                    ? new Verdict.Defer(Code.DNS_TEMPFAIL, Map.of()) : Verdict.CONTINUE;
        };
    }

    private static Verdict noName() {
        return new Verdict.Defer(Code.NO_REVERSE_HOSTNAME, Map.of());
    }

    private boolean exempt(Facts f) {
        return config.exemptRelayNetworks() && f.client().relayPermitted();
    }

    private CompletableFuture<ReverseName> reverse(Facts f) {
        return f.state().computeIfAbsent(KEY, () -> dns.reverse(f.client().address()));
    }

    /** A recipient's safe entry lifts the rDNS check (README, "Policy for many domains": the precedence table). */
    @Override
    public boolean liftedBySafeEntry(Verdict v) {
        return true;
    }
}
