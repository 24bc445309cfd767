// Settings of the dkim check (keys under checks.dkim, all overridable per domain): must-be-signed
// (author domains, From: header, whose mail needs a passing signature of their own), on-dns-failure
// (tempfail|skip), min-rsa-bits (1024), accept-rsa-sha1 (false), max-signatures (5),
// lookup-timeout (5s), clock-skew (5m), max-header-bytes (262144).
package org.mxfront.checks.dkim;

import java.time.Duration;
import java.util.List;
import org.mxfront.checks.DomainList;
import org.mxfront.dkim.DkimSettings;
import org.mxfront.dns.OnDnsFailure;

/**
 * DKIM verification and the "must be signed" refusal.
 *
 * @param mustBeSigned   author domains (the From: header's; a domain covers its subdomains) whose mail is
 *                       refused with XM-RJCT17 unless a signature of that domain (d= the From: domain or a
 *                       parent of it within the listed domain) passes
 * @param onDnsFailure   for such a domain, when no signature passed and a key lookup failed: tempfail
 *                       (451 4.4.3 XM-RJCT55) or skip (accept, logged)
 * @param minRsaBits     RSA keys shorter than this fail (RFC 8301: at least 1024)
 * @param acceptRsaSha1  false (RFC 8301): rsa-sha1 signatures fail
 * @param maxSignatures  signatures verified per message (more are reported as policy, unverified)
 * @param lookupTimeout  longest wait for keys at the final dot, counted from the end of the header section
 * @param clockSkew      allowance for x= (expiry) and t= (signing time)
 * @param maxHeaderBytes header section kept for verification
 */
public record DkimConfig(List<String> mustBeSigned, OnDnsFailure onDnsFailure, Integer minRsaBits,
        Boolean acceptRsaSha1, Integer maxSignatures, Duration lookupTimeout, Duration clockSkew,
        Integer maxHeaderBytes) {

    public DkimConfig {
        mustBeSigned = DomainList.of("must-be-signed", mustBeSigned);
        if (onDnsFailure == null) onDnsFailure = OnDnsFailure.TEMPFAIL;
        if (minRsaBits == null) minRsaBits = 1024;
        if (acceptRsaSha1 == null) acceptRsaSha1 = false;
        if (maxSignatures == null) maxSignatures = 5;
        if (lookupTimeout == null) lookupTimeout = Duration.ofSeconds(5);
        if (clockSkew == null) clockSkew = Duration.ofMinutes(5);
        if (maxHeaderBytes == null) maxHeaderBytes = 256 * 1024;
        if (minRsaBits < 1024) throw new IllegalArgumentException("min-rsa-bits must be at least 1024 (RFC 8301)");
        settings(minRsaBits, acceptRsaSha1, maxSignatures, lookupTimeout, clockSkew, maxHeaderBytes); // validates the rest
    }

    /** The verifier's settings. */
    public DkimSettings settings() {
        return settings(minRsaBits, acceptRsaSha1, maxSignatures, lookupTimeout, clockSkew, maxHeaderBytes);
    }

    private static DkimSettings settings(int minRsaBits, boolean sha1, int max, Duration timeout, Duration skew, int header) {
        return new DkimSettings(minRsaBits, sha1, max, timeout, skew, header);
    }
}
