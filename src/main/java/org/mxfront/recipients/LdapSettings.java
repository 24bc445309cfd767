// Settings of the `ldap` recipient source (checks.recipients.ldap), a record of the helper so that
// the check's config can hold it and this package needs nothing above it.
package org.mxfront.recipients;

import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPURL;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

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
 * @param statusAttribute       the account-status attribute read in the same search (Zimbra's
 *                              {@code zimbraAccountStatus}); empty: no status, every entry found is active
 * @param statusValues          its values (lower-case) and the state each means; a value not listed is active
 */
public record LdapSettings(String url, String bindDn, String bindPassword, String baseDn, String filter,
        Integer poolSize, Duration connectTimeout, Duration responseTimeout, Duration maxConnectionAge,
        Duration healthCheckInterval, String statusAttribute, Map<String, AccountState> statusValues) {
    /**
     * Zimbra's account states: {@code closed} and {@code pending} accounts bounce mail in Zimbra, so they
     * are suspended here; {@code maintenance} queues it (a 4xx here); {@code locked} and {@code lockout}
     * only stop logins (Zimbra delivers), so they stay active.
     */
    public static final Map<String, AccountState> ZIMBRA_STATUS_VALUES = Map.of(
            "active", AccountState.ACTIVE, "locked", AccountState.ACTIVE, "lockout", AccountState.ACTIVE,
            "closed", AccountState.SUSPENDED, "pending", AccountState.SUSPENDED,
            "maintenance", AccountState.MAINTENANCE);

    /** The settings before account states (the status attribute and values take Zimbra's defaults). */
    public LdapSettings(String url, String bindDn, String bindPassword, String baseDn, String filter,
            Integer poolSize, Duration connectTimeout, Duration responseTimeout, Duration maxConnectionAge,
            Duration healthCheckInterval) {
        this(url, bindDn, bindPassword, baseDn, filter, poolSize, connectTimeout, responseTimeout, maxConnectionAge,
                healthCheckInterval, null, null);
    }

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
        if (statusAttribute == null) statusAttribute = "zimbraAccountStatus";
        statusAttribute = statusAttribute.strip();
        if (statusValues == null) statusValues = ZIMBRA_STATUS_VALUES;
        Map<String, AccountState> values = new HashMap<>();
        for (Map.Entry<String, AccountState> e : statusValues.entrySet()) {
            if (e.getKey() == null || e.getKey().isBlank() || e.getValue() == null) {
                throw new IllegalArgumentException("ldap.status-values: each entry is VALUE: active|suspended|maintenance|over-quota");
            }
            values.put(e.getKey().strip().toLowerCase(Locale.ROOT), e.getValue());
        }
        statusValues = Map.copyOf(values);
        if (!statusAttribute.isEmpty() && !statusAttribute.matches("[A-Za-z][A-Za-z0-9-]*|[0-9]+(\\.[0-9]+)+")) {
            throw new IllegalArgumentException("ldap.status-attribute: '" + statusAttribute + "' is not an attribute name");
        }
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
