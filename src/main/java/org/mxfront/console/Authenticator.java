// Where logins are checked: the local accounts file today, the policy store's user table once it
// is merged (one class implementing this), and the recipients check's LDAP directory (bind as the
// entry the address finds). A source that cannot answer throws Unavailable: the login is refused,
// never let through.
package org.mxfront.console;

import java.util.Optional;

/** Checks a name and password. */
public interface Authenticator {
    /**
     * The principal for a name and password, or empty when either is wrong (or the name is not this source's).
     *
     * @throws Unavailable when the source cannot answer now (the login is refused)
     */
    Optional<Principal> authenticate(String name, char[] password) throws Unavailable;

    /** The source is down or misconfigured. */
    final class Unavailable extends Exception {
        private static final long serialVersionUID = 1L;

        public Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Asks each source in turn; the first principal wins. An unavailable source refuses the login. */
    static Authenticator chain(java.util.List<Authenticator> sources) {
        return (name, password) -> {
            for (Authenticator a : sources) {
                Optional<Principal> p = a.authenticate(name, password);
                if (p.isPresent()) return p;
            }
            return Optional.empty();
        };
    }
}
