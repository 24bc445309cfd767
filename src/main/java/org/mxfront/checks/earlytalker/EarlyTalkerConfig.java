// Settings of the early-talker check: how long the greeting waits for a client that talks first,
// and whether relay-networks clients are spared that wait.
package org.mxfront.checks.earlytalker;

import java.time.Duration;

/**
 * @param pause               how long the greeting is held back; a client that sends anything in that
 *                            time talked first (default 1s; Postfix's postscreen waits up to 6 s)
 * @param exemptRelayNetworks whether clients in relay-networks are greeted at once and never refused (default true)
 */
public record EarlyTalkerConfig(Duration pause, Boolean exemptRelayNetworks) {
    public EarlyTalkerConfig {
        if (pause == null) pause = Duration.ofSeconds(1);
        if (exemptRelayNetworks == null) exemptRelayNetworks = true;
        if (pause.isNegative() || pause.isZero()) throw new IllegalArgumentException("pause must be positive");
        if (pause.compareTo(Duration.ofSeconds(30)) > 0) {
            throw new IllegalArgumentException("pause must be at most 30s (clients give up on a silent server)");
        }
    }
}
