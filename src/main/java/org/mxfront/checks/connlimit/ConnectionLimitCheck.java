// Refuses a client's connection beyond N simultaneous ones from its address: 421 4.7.0 XM-RJCT34.
// The count comes from the front door (ClientInfo.connectionsFromAddress), this connection included.
package org.mxfront.checks.connlimit;

import java.util.Map;
import java.util.Set;
import org.mxfront.checks.CheckContext;
import org.mxfront.checks.MemoryCheck;
import org.mxfront.codes.Code;
import org.mxfront.policy.Fact;
import org.mxfront.policy.Facts;
import org.mxfront.policy.Stage;
import org.mxfront.policy.Verdict;

/** Per-address concurrent connection limit, at CONNECT. */
public final class ConnectionLimitCheck extends MemoryCheck<ConnectionLimitConfig> {
    public ConnectionLimitCheck(ConnectionLimitConfig config, CheckContext ctx) {
        super(config, ctx, Stage.CONNECT);
    }

    /** Postfix holds the connection behind the milter and policy doors: only the SMTP door counts it. */
    @Override
    public Set<Fact> needs() { return Set.of(Fact.CONNECTION); }

    @Override
    public Verdict evaluate(Stage stage, Facts f) {
        if (config.exemptRelayNetworks() && f.client().relayPermitted()) return Verdict.CONTINUE;
        if (f.client().connectionsFromAddress() <= config.maxPerClient()) return Verdict.CONTINUE;
        return new Verdict.Disconnect(Code.TOO_MANY_CONNECTIONS, Map.of("limit", config.maxPerClient().toString()));
    }
}
