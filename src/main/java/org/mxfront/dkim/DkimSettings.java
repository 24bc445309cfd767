// The verifier's limits and RFC 8301 choices, in one record (the DKIM check builds it from its config).
package org.mxfront.dkim;

import java.time.Duration;

/**
 * Verifier settings.
 *
 * @param minRsaBits      RSA keys shorter than this fail (RFC 8301: 1024)
 * @param acceptRsaSha1   false (RFC 8301): rsa-sha1 signatures fail
 * @param maxSignatures   signatures verified per message; later ones get POLICY, unverified
 * @param lookupTimeout   longest wait for a key at {@code finish()}, counted from when the lookup started
 * @param clockSkew       allowance for x= (expiry) and t= (signing time in the future)
 * @param maxHeaderBytes  header section kept for verification; signatures in a longer one get PERMERROR
 */
public record DkimSettings(int minRsaBits, boolean acceptRsaSha1, int maxSignatures, Duration lookupTimeout,
        Duration clockSkew, int maxHeaderBytes) {

    /** RFC 8301's minimums, 5 signatures, 5 s lookups, 5 min skew, 256 KiB of header. */
    public static final DkimSettings DEFAULTS =
            new DkimSettings(1024, false, 5, Duration.ofSeconds(5), Duration.ofMinutes(5), 256 * 1024);

    public DkimSettings {
        if (minRsaBits < 512) throw new IllegalArgumentException("min-rsa-bits must be at least 512");
        if (maxSignatures < 1) throw new IllegalArgumentException("max-signatures must be at least 1");
        if (lookupTimeout == null || lookupTimeout.isNegative() || lookupTimeout.isZero())
            throw new IllegalArgumentException("lookup-timeout must be longer than zero");
        if (clockSkew == null || clockSkew.isNegative()) throw new IllegalArgumentException("clock-skew must not be negative");
        if (maxHeaderBytes < 1024) throw new IllegalArgumentException("max-header-bytes must be at least 1024");
    }
}
