// The verdict on one DKIM-Signature header field, as the DKIM check stores it for DMARC and for the
// Authentication-Results header (RFC 8601 "dkim" method: result word, header.d, header.s, header.b).
package org.mxfront.dkim;

import java.util.Locale;

/**
 * One signature's result.
 *
 * @param outcome   the RFC 8601 result
 * @param domain    the signing domain (d=), lower-case; null when the signature had none
 * @param selector  the selector (s=); null when none
 * @param algorithm the a= tag as written (e.g. {@code rsa-sha256}); null when none
 * @param identity  the agent or user identifier (i=, or "@" + d when absent); null when there is no d=
 * @param headerB   the first 8 characters of b= without whitespace (RFC 6008 {@code header.b}); "" when none
 * @param reason    why, in words ("signature verified", "body hash did not verify", ...)
 */
public record DkimResult(Outcome outcome, String domain, String selector, String algorithm, String identity,
        String headerB, String reason) {

    /** RFC 8601 section 2.7.1 results for the dkim method ("none" is an empty result list). */
    public enum Outcome {
        PASS, FAIL, NEUTRAL, POLICY, TEMPERROR, PERMERROR;

        /** The word in an Authentication-Results header: {@code pass}, {@code permerror}, ... */
        public String token() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** True when the signature verified. */
    public boolean passed() {
        return outcome == Outcome.PASS;
    }
}
