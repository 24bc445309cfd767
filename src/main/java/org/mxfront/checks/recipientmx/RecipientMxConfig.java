// Settings of the recipient-mx check. Default our-mx-hosts: none besides server.hostname.
package org.mxfront.checks.recipientmx;

import java.util.List;
import java.util.Locale;

/**
 * @param ourMxHosts the host names of this site's MX hosts (server.hostname always counts): a
 *                   non-local domain whose MX points at one of them has no hosting here
 */
public record RecipientMxConfig(List<String> ourMxHosts) {
    public RecipientMxConfig {
        ourMxHosts = ourMxHosts == null ? List.of() : ourMxHosts.stream().map(RecipientMxConfig::normal).toList();
    }

    static String normal(String host) {
        String h = host.trim().toLowerCase(Locale.ROOT);
        return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    }
}
