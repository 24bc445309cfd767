// The console's three roles, the same as the policy API's: an operator sees and changes everything,
// a domain admin only their domains, a user only their own address's mail.
package org.mxfront.console;

import java.util.Locale;

/** Who may see what. */
public enum Role {
    OPERATOR("operator"), DOMAIN_ADMIN("domain-admin"), USER("user");

    private final String key;

    Role(String key) {
        this.key = key;
    }

    /** As written in files and shown: operator, domain-admin, user. */
    public String key() { return key; }

    /** The role for a key; throws IllegalArgumentException for an unknown one. */
    public static Role of(String key) {
        for (Role r : values()) if (r.key.equals(key.toLowerCase(Locale.ROOT))) return r;
        throw new IllegalArgumentException("unknown role '" + key + "' (operator, domain-admin, user)");
    }
}
