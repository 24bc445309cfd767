// Settings of the rdns check. Defaults: require ptr (any PTR record will do, as Postfix's
// reject_unknown_reverse_client_hostname), on-dns-failure skip, exempt-relay-networks true,
// exempt-recipients [postmaster, abuse].
package org.mxfront.checks.rdns;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Locale;
import org.mxfront.dns.OnDnsFailure;

/**
 * @param require             {@code ptr}: the address must have a PTR record; {@code forward-confirmed}: one
 *                            of its PTR names must resolve back to it (FCrDNS, as reject_unknown_client_hostname)
 * @param onDnsFailure        a lookup that fails or times out: {@code skip} (default) or {@code tempfail} (451 4.4.3)
 * @param exemptRelayNetworks whether clients in relay-networks are exempt
 * @param exemptRecipients    local parts that stay reachable at local domains
 */
public record RdnsConfig(Require require, OnDnsFailure onDnsFailure, Boolean exemptRelayNetworks,
        List<String> exemptRecipients) {

    /** How much reverse DNS a client needs. */
    public enum Require {
        @JsonProperty("ptr") PTR,
        @JsonProperty("forward-confirmed") FORWARD_CONFIRMED
    }

    public RdnsConfig {
        if (require == null) require = Require.PTR;
        if (onDnsFailure == null) onDnsFailure = OnDnsFailure.SKIP;
        if (exemptRelayNetworks == null) exemptRelayNetworks = true;
        exemptRecipients = exemptRecipients == null ? List.of("postmaster", "abuse")
                : exemptRecipients.stream().map(s -> s.toLowerCase(Locale.ROOT)).toList();
    }
}
