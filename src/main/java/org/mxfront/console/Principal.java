// Who is logged in: a name, a role, and what the role is limited to (a domain admin's domains, a
// user's address). Every page, search and graph asks sees(...) server-side before showing a thing.
package org.mxfront.console;

import java.util.Locale;
import java.util.Set;
import org.mxfront.policy.DecisionEvent;

/**
 * A logged-in user.
 *
 * @param name    the login name
 * @param role    the role
 * @param domains a domain admin's domains (lower case); empty for the other roles
 * @param address a user's own address (lower case); null for the other roles
 */
public record Principal(String name, Role role, Set<String> domains, String address) {
    public Principal {
        domains = domains.stream().map(d -> d.toLowerCase(Locale.ROOT)).collect(java.util.stream.Collectors.toUnmodifiableSet());
        address = address == null ? null : address.toLowerCase(Locale.ROOT);
    }

    public boolean operator() { return role == Role.OPERATOR; }

    /** May this principal see a domain's pages, lists and mail? */
    public boolean seesDomain(String domain) {
        String d = domain.toLowerCase(Locale.ROOT);
        return switch (role) {
            case OPERATOR -> true;
            case DOMAIN_ADMIN -> domains.contains(d);
            case USER -> false;
        };
    }

    /** May this principal see a decision? A domain admin: one of its recipients is in their domains; a user: addressed to them. */
    public boolean sees(DecisionEvent e) {
        return switch (role) {
            case OPERATOR -> true;
            case DOMAIN_ADMIN -> e.recipientDomains().stream().anyMatch(domains::contains);
            case USER -> e.recipients().stream().anyMatch(r -> r.equalsIgnoreCase(address));
        };
    }
}
