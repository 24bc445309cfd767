// Settings of the `ldap` recipient source (checks.recipients.ldap), a record of the helper so that
// the check's config can hold it and this package needs nothing above it.
package org.mxfront.recipients;

import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPURL;
import java.time.Duration;

/**
 * Where and how to ask the directory.
 *
 * @param url                   {@code ldap://host:port} (plain LDAP; {@code ldaps://} for TLS)
 * @param bindDn                the DN to bind as, empty for an anonymous search
 * @param bindPassword          its password
 * @param baseDn                where searches start
 * @param filter                the search filter; {@code %s} is the address, {@code %u} its local part,
 *                              {@code %d} its domain (escaped as RFC 4515 values)
 * @param poolSize              connections kept open at most
 * @param connectTimeout        to connect and bind
 * @param responseTimeout       the most one search may wait (UnboundID's default is 5 minutes: far too long at RCPT)
 * @param maxConnectionAge      a connection older than this is replaced (load balancers and firewalls drop old ones)
 * @param healthCheckInterval   how often idle connections are checked (a read of the root DSE)
 */
public record LdapSettings(String url, String bindDn, String bindPassword, String baseDn, String filter,
        Integer poolSize, Duration connectTimeout, Duration responseTimeout, Duration maxConnectionAge,
        Duration healthCheckInterval) {
    /** Zimbra's recipient rule: an enabled account's address, alias or the domain's catch-all. */
    public static final String ZIMBRA_FILTER = "(&(|(zimbraMailDeliveryAddress=%s)(zimbraMailAlias=%s)"
            + "(zimbraMailCatchAllAddress=@%d))(zimbraMailStatus=enabled))";

    public LdapSettings {
        if (url == null || url.isBlank()) url = "ldap://127.0.0.1:389";
        if (bindDn == null) bindDn = "";
        if (bindPassword == null) bindPassword = "";
        if (baseDn == null) baseDn = "";
        if (filter == null || filter.isBlank()) filter = ZIMBRA_FILTER;
        if (poolSize == null) poolSize = 8;
        if (connectTimeout == null) connectTimeout = Duration.ofSeconds(1);
        if (responseTimeout == null) responseTimeout = Duration.ofSeconds(2);
        if (maxConnectionAge == null) maxConnectionAge = Duration.ofMinutes(10);
        if (healthCheckInterval == null) healthCheckInterval = Duration.ofSeconds(30);
        try {
            new LDAPURL(url);
        } catch (LDAPException e) {
            throw new IllegalArgumentException("ldap.url: " + e.getMessage());
        }
        if (!url.startsWith("ldap://") && !url.startsWith("ldaps://")) {
            throw new IllegalArgumentException("ldap.url must start with ldap:// or ldaps://");
        }
        if (poolSize < 1) throw new IllegalArgumentException("ldap.pool-size must be at least 1");
        for (Duration d : new Duration[] {connectTimeout, responseTimeout, maxConnectionAge, healthCheckInterval}) {
            if (d.isZero() || d.isNegative()) throw new IllegalArgumentException("ldap timeouts and intervals must be longer than zero");
        }
        if (!filter.contains("%s") && !filter.contains("%u")) {
            throw new IllegalArgumentException("ldap.filter must use %s (the address) or %u (its local part)");
        }
        try {
            Filter.create(expand(filter, "user", "example.com"));
        } catch (LDAPException e) {
            throw new IllegalArgumentException("ldap.filter is not an LDAP filter: " + e.getMessage());
        }
    }

    /** The filter for one address, every value escaped (RFC 4515), so an address can never change the filter. */
    public static String expand(String template, String localPart, String domain) {
        StringBuilder b = new StringBuilder(template.length() + 64);
        for (int i = 0; i < template.length(); i++) {
            char c = template.charAt(i);
            if (c == '%' && i + 1 < template.length()) {
                char n = template.charAt(++i);
                switch (n) {
                    case 's' -> b.append(Filter.encodeValue(localPart + "@" + domain));
                    case 'u' -> b.append(Filter.encodeValue(localPart));
                    case 'd' -> b.append(Filter.encodeValue(domain));
                    case '%' -> b.append('%');
                    default -> b.append('%').append(n);
                }
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
