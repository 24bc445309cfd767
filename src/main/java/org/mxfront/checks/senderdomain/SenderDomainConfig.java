// Settings of the sender-domain check. Defaults: on-dns-failure tempfail (450 4.1.8, as Postfix's
// reject_unknown_sender_domain answers temporary DNS errors), exempt-relay-networks true.
package org.mxfront.checks.senderdomain;

import org.mxfront.dns.OnDnsFailure;

/**
 * @param onDnsFailure        a lookup that fails or times out: {@code tempfail} (450 4.1.8 XM-RJCT37, default) or
 *                            {@code skip}
 * @param exemptRelayNetworks whether clients in relay-networks are exempt
 */
public record SenderDomainConfig(OnDnsFailure onDnsFailure, Boolean exemptRelayNetworks) {
    public SenderDomainConfig {
        if (onDnsFailure == null) onDnsFailure = OnDnsFailure.TEMPFAIL;
        if (exemptRelayNetworks == null) exemptRelayNetworks = true;
    }
}
