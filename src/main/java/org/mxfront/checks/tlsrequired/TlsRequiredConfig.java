// Settings of the tls-required check.
package org.mxfront.checks.tlsrequired;

import java.util.List;
import org.mxfront.checks.DomainList;

/**
 * @param senderDomains sender domains (a domain covers its subdomains) whose mail must arrive over TLS
 * @param recipients    true: every recipient of the domain this is set for must arrive over TLS
 *                      (meant for a local domain's override under {@code domains:})
 */
public record TlsRequiredConfig(List<String> senderDomains, Boolean recipients) {
    public TlsRequiredConfig {
        senderDomains = DomainList.of("sender-domains", senderDomains);
        if (recipients == null) recipients = false;
    }
}
