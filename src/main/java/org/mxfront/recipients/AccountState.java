// The state of an existing account, as a directory, a table or Dovecot's quota service tells it
// (issue 24, seed 003: "USER IS SUSPENDED", "exceeded storage allocation"). Only an account that
// exists has a state; an unknown address is Lookup.NotFound.
package org.mxfront.recipients;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;

/** What an existing account may receive. */
public enum AccountState {
    /** Takes mail. */
    @JsonProperty("active") ACTIVE,
    /** Suspended by its owner or the provider: refused for good (554 5.7.1 XM-RJCT87). */
    @JsonProperty("suspended") SUSPENDED,
    /** Closed for a while (Zimbra's maintenance): 450 4.2.1 XM-RJCT93, the sender retries. */
    @JsonProperty("maintenance") MAINTENANCE,
    /** The mailbox is full: 452 4.2.2 XM-RJCT88, or 552 5.2.2 XM-RJCT89 where the operator says so. */
    @JsonProperty("over-quota") OVER_QUOTA;

    /** The configuration word: {@code active}, {@code suspended}, {@code maintenance}, {@code over-quota}. */
    public String word() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The state for a configuration word, null if there is none. */
    public static AccountState byWord(String w) {
        for (AccountState s : values()) if (s.word().equals(w)) return s;
        return null;
    }
}
