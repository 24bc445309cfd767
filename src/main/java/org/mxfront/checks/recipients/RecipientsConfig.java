// Settings of the recipients check (checks.recipients in mxfront.yml), normally set per local
// domain under domains: NAME: checks: recipients: {source: ...}. Defaults: source downstream
// (Postfix decides, as before this check), table re-checked every 1s, ldap with Zimbra's filter,
// callout on-failure tempfail, cache 10m for found and 2m for unknown addresses, postmaster@ and abuse@
// of every local domain accepted without a lookup.
package org.mxfront.checks.recipients;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mxfront.recipients.LdapSettings;

/**
 * @param source   where addresses are looked up: {@code downstream} (the downstream MTA's own answer,
 *                 translated), {@code table}, {@code ldap} or {@code callout}
 * @param virtual  the domain is a virtual-mail domain: an unknown address gets XM-RJCT02 instead of 01 ({@code table})
 * @param table    the table source's settings
 * @param ldap     the ldap source's settings
 * @param callout  the callout source's settings
 * @param cache    answers kept (ldap and callout; the table is in memory already)
 * @param exemptLocalParts these local parts at every local domain are accepted without a lookup
 *                 (default postmaster and abuse, as the dictionary guard and greylisting: RFC 5321
 *                 4.5.1 requires postmaster, case-insensitively); an empty list looks them up too
 * @param overQuota the reply for a full mailbox: {@code temporary} (452 4.2.2 XM-RJCT88, the default) or
 *                  {@code permanent} (552 5.2.2 XM-RJCT89)
 * @param unlistedSender senders in a local domain that the source does not know, refused at MAIL with 550
 *                  5.1.0 XM-RJCT92 (Postfix's reject_unlisted_sender): {@code authenticated} (default: only
 *                  clients that did SMTP AUTH), {@code all}, or {@code off}
 */
public record RecipientsConfig(Source source, Boolean virtual, TableSettings table, LdapSettings ldap,
        CalloutSettings callout, CacheSettings cache, List<String> exemptLocalParts, OverQuota overQuota,
        UnlistedSender unlistedSender) {

    /** Which senders in a local domain must exist in the domain's recipient source. */
    public enum UnlistedSender {
        @JsonProperty("authenticated") AUTHENTICATED,
        @JsonProperty("all") ALL,
        @JsonProperty("off") OFF
    }

    /** The reply for a mailbox over its quota. */
    public enum OverQuota {
        /** 452 4.2.2 XM-RJCT88: the sender's queue retries (RFC 3463: X.2.2 is temporary). */
        @JsonProperty("temporary") TEMPORARY,
        /** 552 5.2.2 XM-RJCT89: bounced at once. */
        @JsonProperty("permanent") PERMANENT
    }

    /** Without the account-state settings (their defaults). */
    public RecipientsConfig(Source source, Boolean virtual, TableSettings table, LdapSettings ldap,
            CalloutSettings callout, CacheSettings cache) {
        this(source, virtual, table, ldap, callout, cache, null, null, null);
    }

    /** With exempt local parts, without the account-state settings (their defaults). */
    public RecipientsConfig(Source source, Boolean virtual, TableSettings table, LdapSettings ldap,
            CalloutSettings callout, CacheSettings cache, List<String> exemptLocalParts) {
        this(source, virtual, table, ldap, callout, cache, exemptLocalParts, null, null);
    }

    /** Where recipients are looked up. */
    public enum Source {
        @JsonProperty("downstream") DOWNSTREAM,
        @JsonProperty("table") TABLE,
        @JsonProperty("ldap") LDAP,
        @JsonProperty("callout") CALLOUT
    }

    /** What a callout that got no answer means. */
    public enum OnFailure {
        /** 451 4.4.1 XM-RJCT79: the client retries later (the default). */
        @JsonProperty("tempfail") TEMPFAIL,
        /** Accept the recipient; the downstream decides (mail to a non-existent address then bounces later). */
        @JsonProperty("accept") ACCEPT
    }

    /**
     * @param file               one address or {@code @domain} per line; a relative path is under the state directory
     * @param recipientDelimiter {@code +}: {@code user+ext@dom} is also looked up as {@code user@dom}; empty: not
     * @param checkInterval      a lookup re-reads the file when it changed, checking at most this often
     */
    public record TableSettings(String file, String recipientDelimiter, Duration checkInterval) {
        public TableSettings {
            if (recipientDelimiter == null) recipientDelimiter = "+";
            if (checkInterval == null) checkInterval = Duration.ofSeconds(1);
            if (recipientDelimiter.length() > 1) throw new IllegalArgumentException("table.recipient-delimiter must be one character or empty");
            if (checkInterval.isNegative()) throw new IllegalArgumentException("table.check-interval must not be negative");
        }
    }

    /**
     * @param targets        host:port to ask per domain; a domain not listed is asked at its MX on {@code port}
     * @param port           the port of MX hosts (25)
     * @param connectTimeout to connect and be greeted
     * @param commandTimeout for each reply
     * @param maxIdle        idle connections kept per target
     * @param onFailure      {@code tempfail} (451 4.4.1 XM-RJCT79) or {@code accept} on a 4xx, a timeout or no connection
     */
    public record CalloutSettings(Map<String, String> targets, Integer port, Duration connectTimeout,
            Duration commandTimeout, Integer maxIdle, OnFailure onFailure) {
        public CalloutSettings {
            if (targets == null) targets = Map.of();
            if (port == null) port = 25;
            if (connectTimeout == null) connectTimeout = Duration.ofSeconds(5);
            if (commandTimeout == null) commandTimeout = Duration.ofSeconds(10);
            if (maxIdle == null) maxIdle = 4;
            if (onFailure == null) onFailure = OnFailure.TEMPFAIL;
            if (port < 1 || port > 65535) throw new IllegalArgumentException("callout.port must be 1-65535");
            if (connectTimeout.isZero() || connectTimeout.isNegative() || commandTimeout.isZero() || commandTimeout.isNegative()) {
                throw new IllegalArgumentException("callout timeouts must be longer than zero");
            }
            if (maxIdle < 0) throw new IllegalArgumentException("callout.max-idle must not be negative");
        }
    }

    /**
     * @param positiveTtl how long an address found is remembered
     * @param negativeTtl how long an unknown address is remembered
     * @param maxEntries  addresses remembered at most
     */
    public record CacheSettings(Duration positiveTtl, Duration negativeTtl, Long maxEntries) {
        public CacheSettings {
            if (positiveTtl == null) positiveTtl = Duration.ofMinutes(10);
            if (negativeTtl == null) negativeTtl = Duration.ofMinutes(2);
            if (maxEntries == null) maxEntries = 100_000L;
            if (positiveTtl.isNegative() || negativeTtl.isNegative()) throw new IllegalArgumentException("cache TTLs must not be negative");
            if (maxEntries < 1) throw new IllegalArgumentException("cache.max-entries must be at least 1");
        }
    }

    public RecipientsConfig {
        if (source == null) source = Source.DOWNSTREAM;
        if (virtual == null) virtual = false;
        if (table == null) table = new TableSettings(null, null, null);
        if (ldap == null) ldap = new LdapSettings(null, null, null, null, null, null, null, null, null, null);
        if (callout == null) callout = new CalloutSettings(null, null, null, null, null, null);
        if (cache == null) cache = new CacheSettings(null, null, null);
        exemptLocalParts = exemptLocalParts == null ? List.of("postmaster", "abuse")
                : exemptLocalParts.stream().map(p -> p.toLowerCase(Locale.ROOT)).toList();
        if (overQuota == null) overQuota = OverQuota.TEMPORARY;
        if (unlistedSender == null) unlistedSender = UnlistedSender.AUTHENTICATED;
        if (source == Source.TABLE && (table.file() == null || table.file().isBlank())) {
            throw new IllegalArgumentException("source table needs table.file");
        }
    }
}
