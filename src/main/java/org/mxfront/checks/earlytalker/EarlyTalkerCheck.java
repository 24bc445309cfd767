// The pregreet test of Postfix's postscreen and Haraka's early_talker: the greeting is held back for
// a moment, and a client that sends commands before it has been greeted is not waiting for replies,
// as a real MTA must (RFC 5321 4.3.1) — the mark of a spam bot. Refused with 554 5.5.1 XM-RJCT73;
// with delay-reject (the default) at RCPT, so the log shows whom it was sending to, as postscreen's
// "enforce" does. The waiting and the looking are the front door's; this check only names the pause
// and judges the "pregreet" tag the session then carries (greylisting's risk-signals can use it too).
package org.mxfront.checks.earlytalker;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.mxfront.checks.CheckContext;
import org.mxfront.checks.MemoryCheck;
import org.mxfront.codes.Code;
import org.mxfront.policy.Fact;
import org.mxfront.policy.Facts;
import org.mxfront.policy.SessionState;
import org.mxfront.policy.Stage;
import org.mxfront.policy.Verdict;

/** Refuses clients that talk before the greeting, at CONNECT. */
public final class EarlyTalkerCheck extends MemoryCheck<EarlyTalkerConfig> {
    public EarlyTalkerCheck(EarlyTalkerConfig config, CheckContext ctx) {
        super(config, ctx, Stage.CONNECT);
    }

    /** Only a door that greets the client itself can hold the greeting back. */
    @Override
    public Set<Fact> needs() { return Set.of(Fact.CONNECTION); }

    @Override
    public Duration greetingPause(Facts facts) {
        return exempt(facts) ? Duration.ZERO : config.pause();
    }

    @Override
    public Verdict evaluate(Stage stage, Facts f) {
        if (exempt(f) || !f.state().hasTag(SessionState.PREGREET)) return Verdict.CONTINUE;
        return Verdict.reject(Code.EARLY_TALKER, Map.of());
    }

    private boolean exempt(Facts f) {
        return config.exemptRelayNetworks() && f.client().relayPermitted();
    }
}
