// The SMTP door's TLS settings as the configuration file writes them (smtp.tls); ConfigLoader binds
// them and ServerTls turns them into an SSLContext, so a bad file is a config error with file, line
// and key, at start and at every reload.
package org.mxfront.tls;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * STARTTLS on the SMTP door.
 *
 * @param certificates   certificate chains with their keys; the first is served unless the client
 *                       names (SNI) a host that another one covers. Empty: no STARTTLS.
 * @param protocols      the TLS versions offered
 * @param ciphers        the cipher suites offered (JDK names); empty: the JDK's defaults for those protocols
 * @param securityLevel  may (STARTTLS offered) or encrypt (nothing but EHLO, STARTTLS, NOOP, RSET, QUIT before it)
 */
public record TlsSettings(List<Certificate> certificates, List<String> protocols, List<String> ciphers,
        SecurityLevel securityLevel) {

    /** One chain: PEM files, leaf first in the chain file; the key in PKCS#8, PKCS#1 or SEC1 form. */
    public record Certificate(String chain, String key) {}

    /** Postfix's smtpd_tls_security_level, as far as an MX needs it. */
    public enum SecurityLevel {
        @JsonProperty("may") MAY,
        @JsonProperty("encrypt") ENCRYPT
    }
}
