// The DMARC verdict on one message (RFC 7489 4.2, RFC 8601's dmarc= values): what the dmarc check
// decides on and the Authentication-Results header says.
package org.mxfront.dmarc;

import java.util.Locale;

/**
 * One DMARC evaluation.
 *
 * @param result     pass, fail, none (no policy), temperror, permerror
 * @param fromDomain the RFC5322.From domain
 * @param policy     the policy that applies to it (null when none was found)
 * @param applied    the policy applied after pct= sampling (null when none applies: pass, none, errors)
 * @param reason     for logs and the header comment
 */
public record DmarcResult(Result result, String fromDomain, DmarcRecord.Policy policy, DmarcRecord.Policy applied,
        String reason) {
    /** RFC 8601 dmarc= results. */
    public enum Result {
        PASS, FAIL, NONE, TEMPERROR, PERMERROR;

        public String token() { return name().toLowerCase(Locale.ROOT); }
    }

    public String token() { return result.token(); }
}
