// Settings of the helo check: one switch per rule, all on by default.
package org.mxfront.checks.helo;

import java.util.List;

/**
 * @param requireHelo           refuse a transaction without HELO/EHLO (XM-RJCT24)
 * @param rejectInvalid         refuse a name that is not a host name or address literal (XM-RJCT25)
 * @param rejectNonFqdn         refuse a name without a dot (XM-RJCT26)
 * @param rejectLocalhost       refuse localhost, localhost.localdomain and the like (XM-RJCT27)
 * @param rejectBareIp          refuse an address written without brackets (XM-RJCT28)
 * @param rejectLiteralMismatch refuse an address literal that is not the client's address (XM-RJCT29)
 * @param rejectClaimsUs        refuse our host name, our addresses, our local domains (XM-RJCT30)
 * @param exemptRelayNetworks   skip all rules for clients in relay-networks
 * @param ourNames              further names that are ours (other MX names of this site)
 */
public record HeloConfig(Boolean requireHelo, Boolean rejectInvalid, Boolean rejectNonFqdn, Boolean rejectLocalhost,
        Boolean rejectBareIp, Boolean rejectLiteralMismatch, Boolean rejectClaimsUs, Boolean exemptRelayNetworks,
        List<String> ourNames) {
    public HeloConfig {
        requireHelo = requireHelo == null || requireHelo;
        rejectInvalid = rejectInvalid == null || rejectInvalid;
        rejectNonFqdn = rejectNonFqdn == null || rejectNonFqdn;
        rejectLocalhost = rejectLocalhost == null || rejectLocalhost;
        rejectBareIp = rejectBareIp == null || rejectBareIp;
        rejectLiteralMismatch = rejectLiteralMismatch == null || rejectLiteralMismatch;
        rejectClaimsUs = rejectClaimsUs == null || rejectClaimsUs;
        exemptRelayNetworks = exemptRelayNetworks == null || exemptRelayNetworks;
        ourNames = ourNames == null ? List.of() : List.copyOf(ourNames);
    }
}
