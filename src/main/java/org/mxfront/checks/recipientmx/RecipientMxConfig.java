// Settings of the recipient-mx check. Default our-mx-hosts and our-mx-addresses: none besides
// server.hostname and the SMTP door's listen address (when it is a specific one).
package org.mxfront.checks.recipientmx;

import java.net.InetAddress;
import java.util.List;
import java.util.Locale;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;

/**
 * @param ourMxHosts     the host names of this site's MX hosts (server.hostname always counts): a
 *                       non-local domain whose lowest MX is one of them has no hosting here
 * @param ourMxAddresses the addresses of this site's MX hosts (the listen address always counts): an
 *                       MX host whose A/AAAA records include one is us too
 */
public record RecipientMxConfig(List<String> ourMxHosts, List<String> ourMxAddresses) {
    public RecipientMxConfig {
        ourMxHosts = ourMxHosts == null ? List.of() : ourMxHosts.stream().map(RecipientMxConfig::normal).toList();
        ourMxAddresses = ourMxAddresses == null ? List.of() : List.copyOf(ourMxAddresses);
        addresses(ourMxAddresses); // names the first bad entry
    }

    /** our-mx-addresses as addresses (literals only: never a DNS lookup). */
    public List<InetAddress> addresses() {
        return addresses(ourMxAddresses);
    }

    private static List<InetAddress> addresses(List<String> texts) {
        return texts.stream().map(t -> {
            IPAddress a = t == null ? null : new IPAddressString(t.strip()).getAddress();
            if (a == null || a.isPrefixed()) throw new IllegalArgumentException("our-mx-addresses: '" + t + "' is not an IP address");
            return a.toInetAddress();
        }).toList();
    }

    /** Host names only (tests). */
    public RecipientMxConfig(List<String> ourMxHosts) {
        this(ourMxHosts, null);
    }

    static String normal(String host) {
        String h = host.trim().toLowerCase(Locale.ROOT);
        return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    }
}
