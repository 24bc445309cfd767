// What a DNS check does when its lookup fails (timeout, SERVFAIL, dead resolver). Never a
// permanent refusal: either the check steps aside, or the client is asked to come back later.
package org.mxfront.dns;

import com.fasterxml.jackson.annotation.JsonProperty;

/** {@code skip}: no opinion, the other checks decide. {@code tempfail}: a 4xx reply (the check's own, or 451 4.4.3). */
public enum OnDnsFailure {
    @JsonProperty("skip") SKIP,
    @JsonProperty("tempfail") TEMPFAIL
}
