// The open-relay guard: a recipient in a local domain is accepted; a client in relay-networks may
// send anywhere; everything else gets 550 5.7.1 XM-RJCT06. The classic tricks (user%other@local,
// other!user@local, "user@other"@local, <@local:user@other>) ask the downstream to route on, so
// they are refused like a relay attempt, even towards a local domain. <postmaster> without a domain
// is this host's postmaster (RFC 5321 4.5.1) and so local.
package org.mxfront.checks.relay;

import java.util.Map;
import org.mxfront.checks.CheckContext;
import org.mxfront.checks.MemoryCheck;
import org.mxfront.codes.Code;
import org.mxfront.mail.Mailbox;
import org.mxfront.policy.Facts;
import org.mxfront.policy.Stage;
import org.mxfront.policy.Verdict;

/** Relay authorization, at RCPT. */
public final class RelayCheck extends MemoryCheck<RelayConfig> {
    public RelayCheck(RelayConfig config, CheckContext ctx) {
        super(config, ctx, Stage.RCPT);
    }

    @Override
    public Verdict evaluate(Stage stage, Facts f) {
        Mailbox r = f.recipient();
        boolean relayClient = f.client().relayPermitted();
        if (r.hasRelayTrick() && !(relayClient && config.allowRelayTricksFromRelayNetworks())) return denied(r);
        if (localDomains.contains(r.domain()) || r.isBarePostmaster()) return Verdict.CONTINUE;
        if (relayClient) return Verdict.CONTINUE;
        return denied(r);
    }

    private static Verdict denied(Mailbox r) {
        return new Verdict.Reject(Code.RELAY_DENIED, Map.of("recipient", r.address()));
    }
}
