// Settings of the connection-limit check.
package org.mxfront.checks.connlimit;

/**
 * @param maxPerClient        simultaneous connections allowed from one address (default 5, as the seed's provider)
 * @param exemptRelayNetworks whether clients in relay-networks are exempt (default true)
 */
public record ConnectionLimitConfig(Integer maxPerClient, Boolean exemptRelayNetworks) {
    public ConnectionLimitConfig {
        if (maxPerClient == null) maxPerClient = 5;
        if (exemptRelayNetworks == null) exemptRelayNetworks = true;
        if (maxPerClient < 1) throw new IllegalArgumentException("max-per-client must be at least 1");
    }
}
