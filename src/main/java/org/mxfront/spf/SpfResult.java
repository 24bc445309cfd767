// The outcome of one SPF evaluation (RFC 7208 2.6): what DMARC, the Authentication-Results header and
// the spf check's action map read. A value, so that it can sit in the session state and in tests.
package org.mxfront.spf;

import java.util.Locale;

/**
 * An SPF result.
 *
 * @param result      the RFC 7208 result
 * @param identity    which identity was checked: {@code mailfrom} or {@code helo}
 * @param domain      the domain checked (the MAIL FROM domain, or the HELO name)
 * @param sender      the sender checked ({@code postmaster@helo} for the HELO identity)
 * @param explanation for {@code fail}: the domain's {@code exp=} text or a default; otherwise null
 * @param reason      what decided it (the matching mechanism, or the error), for logs and headers
 */
public record SpfResult(Result result, String identity, String domain, String sender, String explanation,
        String reason) {
    /** RFC 7208 2.6 results. */
    public enum Result {
        NONE, NEUTRAL, PASS, FAIL, SOFTFAIL, TEMPERROR, PERMERROR;

        /** The lower-case name used in headers and logs ({@code softfail}). */
        public String token() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public String token() {
        return result.token();
    }
}
