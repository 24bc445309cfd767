// Who is calling the policy API, and what their role lets them see: the same record whether they
// came with an API token (CLI, scripts) or, later, a console session.
package org.mxfront.api;

import java.util.List;
import java.util.Locale;

/**
 * @param name    the user's name
 * @param role    operator (everything), domain-admin (its domains: their settings and their domain- and
 *                user-level lists) or user (its own address's lists)
 * @param domains a domain-admin's domains (lower-case)
 * @param address a user's address (lower-case)
 */
public record Principal(String name, Role role, List<String> domains, String address) {
    public enum Role {
        OPERATOR, DOMAIN_ADMIN, USER;

        public String key() { return name().toLowerCase(Locale.ROOT).replace('_', '-'); }

        public static Role of(String s) {
            return valueOf(s.toUpperCase(Locale.ROOT).replace('-', '_'));
        }
    }

    /** Whether this principal may see and change a domain's settings and its domain-level list. */
    public boolean ownsDomain(String domain) {
        return role == Role.OPERATOR || role == Role.DOMAIN_ADMIN && domains.contains(domain);
    }

    /** Whether this principal may see and change one address's user-level list. */
    public boolean ownsAddress(String address) {
        return switch (role) {
            case OPERATOR -> true;
            case DOMAIN_ADMIN -> domains.contains(address.substring(address.lastIndexOf('@') + 1));
            case USER -> address.equals(this.address);
        };
    }
}
