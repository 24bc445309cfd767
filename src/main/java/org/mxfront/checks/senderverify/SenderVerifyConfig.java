// Settings of sender verification (checks.sender-verify in mxfront.yml), off by default: see the
// README for why (backscatter-like load on other people's servers, and their greylisting/tarpits
// answering 4xx). Defaults: MX port 25, 5s to connect, 10s per reply, failures accepted, answers
// cached 1d (exists) and 1h (does not).
package org.mxfront.checks.senderverify;

import java.time.Duration;
import java.util.Map;
import org.mxfront.checks.recipients.RecipientsConfig.OnFailure;

/**
 * @param targets        host:port to ask per sender domain instead of its MX (split setups, tests)
 * @param port           the port of MX hosts
 * @param connectTimeout to connect and be greeted
 * @param commandTimeout for each reply
 * @param maxIdle        idle connections kept per target
 * @param onFailure      {@code accept} (the default) or {@code tempfail} (450 4.1.7 XM-RJCT81) when the
 *                       sender's server gives no answer (4xx, timeout, no connection, DNS failure)
 * @param positiveTtl    how long a verified sender is remembered
 * @param negativeTtl    how long a refused sender is remembered
 * @param maxEntries     senders remembered at most
 */
public record SenderVerifyConfig(Map<String, String> targets, Integer port, Duration connectTimeout,
        Duration commandTimeout, Integer maxIdle, OnFailure onFailure, Duration positiveTtl, Duration negativeTtl,
        Long maxEntries) {
    public SenderVerifyConfig {
        if (targets == null) targets = Map.of();
        if (port == null) port = 25;
        if (connectTimeout == null) connectTimeout = Duration.ofSeconds(5);
        if (commandTimeout == null) commandTimeout = Duration.ofSeconds(10);
        if (maxIdle == null) maxIdle = 4;
        if (onFailure == null) onFailure = OnFailure.ACCEPT;
        if (positiveTtl == null) positiveTtl = Duration.ofDays(1);
        if (negativeTtl == null) negativeTtl = Duration.ofHours(1);
        if (maxEntries == null) maxEntries = 100_000L;
        if (port < 1 || port > 65535) throw new IllegalArgumentException("port must be 1-65535");
        if (connectTimeout.isZero() || connectTimeout.isNegative() || commandTimeout.isZero() || commandTimeout.isNegative()) {
            throw new IllegalArgumentException("timeouts must be longer than zero");
        }
        if (positiveTtl.isNegative() || negativeTtl.isNegative()) throw new IllegalArgumentException("TTLs must not be negative");
        if (maxEntries < 1) throw new IllegalArgumentException("max-entries must be at least 1");
    }
}
