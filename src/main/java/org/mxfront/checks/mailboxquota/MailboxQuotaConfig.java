// Settings of the mailbox-quota check (checks.mailbox-quota in mxfront.yml): where Dovecot's
// quota-status service listens, how long to wait, the reply for a full mailbox, what no answer
// means, and how long answers are kept. Off by default; the service defaults to 127.0.0.1:12340, the
// port of Dovecot's own quota-status example.
package org.mxfront.checks.mailboxquota;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import org.mxfront.checks.recipients.RecipientsConfig.OverQuota;
import org.mxfront.recipients.MxTargets;

/**
 * @param service   {@code host:port} of Dovecot's quota-status inet_listener (default 127.0.0.1:12340)
 * @param timeout   to connect and get the answer (default 2s)
 * @param overQuota {@code temporary} (452 4.2.2 XM-RJCT88, the default) or {@code permanent} (552 5.2.2 XM-RJCT89)
 * @param onFailure {@code accept} (default: the mailbox store enforces its quota at delivery anyway) or
 *                  {@code tempfail} (451 4.4.3 XM-RJCT78) when the service cannot answer; never a 5xx
 * @param cacheTtl  how long an answer for one address and size is kept (default 30s; 0s: not kept)
 * @param maxEntries answers kept at most
 */
public record MailboxQuotaConfig(String service, Duration timeout, OverQuota overQuota, OnFailure onFailure,
        Duration cacheTtl, Long maxEntries) {

    /** What a service that cannot answer means. */
    public enum OnFailure {
        @JsonProperty("accept") ACCEPT,
        @JsonProperty("tempfail") TEMPFAIL
    }

    public MailboxQuotaConfig {
        if (service == null || service.isBlank()) service = "127.0.0.1:12340";
        MxTargets.hostPort(service); // names a bad one
        if (timeout == null) timeout = Duration.ofSeconds(2);
        if (overQuota == null) overQuota = OverQuota.TEMPORARY;
        if (onFailure == null) onFailure = OnFailure.ACCEPT;
        if (cacheTtl == null) cacheTtl = Duration.ofSeconds(30);
        if (maxEntries == null) maxEntries = 100_000L;
        if (timeout.isZero() || timeout.isNegative() || timeout.compareTo(Duration.ofSeconds(30)) > 0) {
            throw new IllegalArgumentException("timeout must be longer than 0s and at most 30s");
        }
        if (cacheTtl.isNegative()) throw new IllegalArgumentException("cache-ttl must not be negative");
        if (maxEntries < 1) throw new IllegalArgumentException("max-entries must be at least 1");
    }
}
