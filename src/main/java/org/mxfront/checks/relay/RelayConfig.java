// Settings of the relay check. The local domains are the keys of the config's domains: section and
// the relay clients its relay-networks list; this record only holds what is particular to the check.
package org.mxfront.checks.relay;

/** @param allowRelayTricksFromRelayNetworks let relay clients use %-hack, bang paths and source routes (default false) */
public record RelayConfig(Boolean allowRelayTricksFromRelayNetworks) {
    public RelayConfig {
        if (allowRelayTricksFromRelayNetworks == null) allowRelayTricksFromRelayNetworks = false;
    }
}
