// Settings of the tls-required check.
package org.mxfront.checks.tlsrequired;

import java.util.List;
import java.util.Locale;

/**
 * @param senderDomains sender domains (a domain covers its subdomains) whose mail must arrive over TLS
 * @param recipients    true: every recipient of the domain this is set for must arrive over TLS
 *                      (meant for a local domain's override under {@code domains:})
 */
public record TlsRequiredConfig(List<String> senderDomains, Boolean recipients) {
    public TlsRequiredConfig {
        senderDomains = senderDomains == null ? List.of()
                : senderDomains.stream().map(d -> {
                    String l = String.valueOf(d).trim().toLowerCase(Locale.ROOT);
                    if (l.startsWith(".")) l = l.substring(1);
                    if (!l.matches("[a-z0-9]([a-z0-9.-]*[a-z0-9])?")) {
                        throw new IllegalArgumentException("sender-domains: '" + d + "' is not a domain name");
                    }
                    return l;
                }).toList();
        if (recipients == null) recipients = false;
    }
}
