// Settings of the ip-blocklist check: the operators' network list files (one address or CIDR block
// a line, IPv4 and IPv6) and networks written inline.
package org.mxfront.checks.ipblocklist;

import java.util.List;

/**
 * @param files    list files of addresses and CIDR blocks
 * @param networks more blocks, inline
 */
public record IpBlocklistConfig(List<String> files, List<String> networks) {
    public IpBlocklistConfig {
        files = files == null ? List.of() : List.copyOf(files);
        networks = networks == null ? List.of() : List.copyOf(networks);
    }
}
