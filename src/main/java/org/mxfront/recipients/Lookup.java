// What a recipient source says about one address. Sealed, so that the check switches over every
// case and "the directory is down" can never be mistaken for "no such user".
package org.mxfront.recipients;

/** The answer of a {@link RecipientSource} for one address. */
public sealed interface Lookup {
    /** The address exists (or a catch-all takes it), in an account state (active unless the source knows better). */
    record Found(String how, AccountState state) implements Lookup {
        public Found {
            if (state == null) state = AccountState.ACTIVE;
        }

        /** An active account. */
        public Found(String how) {
            this(how, AccountState.ACTIVE);
        }
    }

    /** The address does not exist: the source answered and said so. */
    record NotFound(String detail) implements Lookup {}

    /** No answer now (directory down, timeout, a 4xx from the callout target): never a refusal for good. */
    record Unavailable(String why) implements Lookup {}

    /** The metric tag of this answer. */
    default String tag() {
        return switch (this) {
            case Found f -> f.state() == AccountState.ACTIVE ? "found" : f.state().word().replace('-', '_');
            case NotFound n -> "not_found";
            case Unavailable u -> "error";
        };
    }
}
