// What the spf check does with each SPF result (SpfConfig maps every result to one of these).
package org.mxfront.checks.spf;

import com.fasterxml.jackson.annotation.JsonProperty;

/** An action for one SPF result, applied at RCPT. */
public enum SpfAction {
    /** No opinion: the result only goes to DMARC and the Authentication-Results header. */
    @JsonProperty("accept") ACCEPT,
    /** Tag the session ({@code tag}, e.g. for greylisting's risk-signals) and go on. */
    @JsonProperty("tag") TAG,
    /** 550 5.7.23 XM-RJCT16 (XM-RJCT09 for a domain marked {@code relayed}). */
    @JsonProperty("reject") REJECT,
    /** Reject only when the sender domain publishes no DMARC policy or p=none; else DMARC decides at end of DATA. */
    @JsonProperty("reject-unless-dmarc") REJECT_UNLESS_DMARC,
    /** 451 4.4.3 XM-RJCT55: try again later. */
    @JsonProperty("tempfail") TEMPFAIL
}
