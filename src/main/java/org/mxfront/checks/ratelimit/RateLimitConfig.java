// Settings of the rate-limit check (checks.rate-limit in mxfront.yml): named rules, each a key
// (client network, HELO, sender, sender domain, recipient, recipient domain, or a combination), what
// it counts (connections, messages, recipients, bytes), a rate and a burst, the stage it acts at, the
// reply and an optional tarpit delay; relay networks and allow-clients exempt; the store. Rules are a
// map so that a domain's override can change one rule by name (`domains: D: checks: rate-limit:
// rules: NAME: {rate: ...}`), and a rule can be switched off with `enabled: false`.
package org.mxfront.checks.ratelimit;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mxfront.codes.Code;
import org.mxfront.net.Networks;
import org.mxfront.ratelimit.RateLimitStoreConfig;

/**
 * @param exemptRelayNetworks relay-networks clients are never limited (default true)
 * @param allowClients        client networks never limited
 * @param rules               the rules by name, in order
 * @param store               where the buckets live
 */
public record RateLimitConfig(Boolean exemptRelayNetworks, List<String> allowClients, Map<String, Rule> rules,
        RateLimitStoreConfig store) {

    /** What a rule's key is made of; several parts make one combined key. */
    public enum KeyPart {
        @JsonProperty("client-ip") CLIENT_IP,
        @JsonProperty("helo") HELO,
        @JsonProperty("sender") SENDER,
        @JsonProperty("sender-domain") SENDER_DOMAIN,
        @JsonProperty("recipient") RECIPIENT,
        @JsonProperty("recipient-domain") RECIPIENT_DOMAIN,
        /** The SMTP AUTH login (policy door: sasl_username; milter door: {auth_authen}); not known at the SMTP door. */
        @JsonProperty("sasl-user") SASL_USER,
        /** The domain of the SMTP AUTH login ({@code bob@example.com}: example.com). */
        @JsonProperty("sasl-domain") SASL_DOMAIN;

        boolean recipientPart() { return this == RECIPIENT || this == RECIPIENT_DOMAIN; }

        boolean senderPart() { return this == SENDER || this == SENDER_DOMAIN; }

        /** Known only when the client authenticated: at the policy and milter doors, from MAIL on. */
        public boolean saslPart() { return this == SASL_USER || this == SASL_DOMAIN; }
    }

    /** What a rule counts. */
    public enum Count {
        @JsonProperty("connections") CONNECTIONS,
        @JsonProperty("messages") MESSAGES,
        @JsonProperty("recipients") RECIPIENTS,
        @JsonProperty("bytes") BYTES
    }

    /** The stage a rule counts and refuses at. */
    public enum RuleStage {
        @JsonProperty("connect") CONNECT,
        @JsonProperty("mail") MAIL,
        @JsonProperty("rcpt") RCPT,
        @JsonProperty("end-of-data") END_OF_DATA
    }

    /** What happens over the limit: the reply (after the tarpit delay, if any), or only the delay. */
    public enum Action {
        @JsonProperty("refuse") REFUSE,
        @JsonProperty("delay") DELAY
    }

    /**
     * One rule.
     *
     * @param enabled    false switches the rule off (default true)
     * @param key        what the rule counts per (default [client-ip])
     * @param count      connections, messages, recipients or bytes (default messages)
     * @param rate       {@code N/PERIOD}: {@code 100/1h}, {@code 30/m}, {@code 50M/1d} (K, M, G: 1024-based)
     * @param burst      how many may come at once (default N)
     * @param stage      connect (connections), mail, rcpt, end-of-data; default by what is counted: connections
     *                   at connect, recipients at rcpt, bytes at end-of-data, messages at mail (at rcpt when
     *                   the key names the recipient)
     * @param reply      the catalogue entry (config key) of the refusal: default {@code rate-exceeded}
     *                   (450 4.7.1 XM-RJCT40), {@code connection-rate-exceeded} (421) for connections; the
     *                   seed's hourly sending quotas: {@code hourly-sending-quota-exceeded}
     *                   ({@code Code.HOURLY_SENDING_QUOTA_EXCEEDED}, 550 5.4.6) per user and
     *                   {@code hourly-domain-sending-quota-exceeded} ({@code Code.HOURLY_DOMAIN_SENDING_QUOTA_EXCEEDED},
     *                   550 5.4.5) per domain
     * @param tarpit     a delay before the reply when over the limit (default 0s, at most 60s)
     * @param action     {@code refuse} (default) or {@code delay}: only the tarpit delay, then carry on
     * @param ipv4Prefix the client-ip part as an IPv4 network of this many bits (default 32)
     * @param ipv6Prefix the client-ip part as an IPv6 network of this many bits (default 64)
     * @param temporary  true: a 5xx reply entry is sent in its temporary form (550 5.4.6 as 450 4.4.6), kinder
     *                   to the sender's queue (default false)
     */
    public record Rule(Boolean enabled, List<KeyPart> key, Count count, String rate, Long burst, RuleStage stage,
            String reply, Duration tarpit, Action action, Integer ipv4Prefix, Integer ipv6Prefix, Boolean temporary) {
        private static final Pattern RATE = Pattern.compile("\\s*(\\d+)\\s*([kKmMgG]?)\\s*/\\s*(\\d*)\\s*(s|m|h|d)\\s*");

        public Rule {
            if (enabled == null) enabled = true;
            if (key == null || key.isEmpty()) key = List.of(KeyPart.CLIENT_IP);
            if (count == null) count = Count.MESSAGES;
            if (rate == null) throw new IllegalArgumentException("rate is required (e.g. 100/1h)");
            long n = amount(rate);
            if (burst == null) burst = n;
            if (stage == null) stage = defaultStage(count, key);
            if (reply == null) reply = count == Count.CONNECTIONS ? Code.CONNECTION_RATE_EXCEEDED.key() : Code.RATE_EXCEEDED.key();
            if (tarpit == null) tarpit = Duration.ZERO;
            if (action == null) action = Action.REFUSE;
            if (ipv4Prefix == null) ipv4Prefix = 32;
            if (ipv6Prefix == null) ipv6Prefix = 64;
            if (temporary == null) temporary = false;

            if (burst < 1) throw new IllegalArgumentException("burst must be at least 1");
            if (key.stream().distinct().count() != key.size()) throw new IllegalArgumentException("key names a part twice");
            Code c = Code.byKey(reply);
            if (c == null || c.status() != Code.Status.ACTIVE || c.smtpCode() < 400) {
                throw new IllegalArgumentException("reply: '" + reply + "' is not a 4xx or 5xx entry of the code table"
                        + " (e.g. rate-exceeded, connection-rate-exceeded)");
            }
            if (tarpit.isNegative() || tarpit.compareTo(Duration.ofSeconds(60)) > 0) {
                throw new IllegalArgumentException("tarpit must be 0s..60s");
            }
            if (action == Action.DELAY && tarpit.isZero()) throw new IllegalArgumentException("action: delay needs a tarpit longer than 0s");
            if (ipv4Prefix < 8 || ipv4Prefix > 32) throw new IllegalArgumentException("ipv4-prefix must be 8..32");
            if (ipv6Prefix < 16 || ipv6Prefix > 128) throw new IllegalArgumentException("ipv6-prefix must be 16..128");
            switch (count) {
                case CONNECTIONS -> {
                    if (stage != RuleStage.CONNECT) throw new IllegalArgumentException("connections are counted at stage connect");
                    if (!key.equals(List.of(KeyPart.CLIENT_IP))) throw new IllegalArgumentException("connections are counted per client-ip only");
                }
                case RECIPIENTS -> {
                    if (stage != RuleStage.RCPT) throw new IllegalArgumentException("recipients are counted at stage rcpt");
                }
                case BYTES -> {
                    if (stage != RuleStage.MAIL && stage != RuleStage.END_OF_DATA) {
                        throw new IllegalArgumentException("bytes are counted at stage mail (SIZE=) or end-of-data");
                    }
                }
                case MESSAGES -> {
                    if (stage == RuleStage.CONNECT) throw new IllegalArgumentException("messages are counted at mail, rcpt or end-of-data");
                }
            }
            for (KeyPart p : key) {
                if (p.recipientPart() && stage != RuleStage.RCPT) {
                    throw new IllegalArgumentException("key " + p.name().toLowerCase(Locale.ROOT).replace('_', '-')
                            + " is known at stage rcpt only");
                }
                if ((p.senderPart() || p.saslPart() || p == KeyPart.HELO) && stage == RuleStage.CONNECT) {
                    throw new IllegalArgumentException("key " + p.name().toLowerCase(Locale.ROOT).replace('_', '-')
                            + " is not known at stage connect");
                }
            }
        }

        /** The rule before {@code temporary} existed (tests, benchmarks). */
        public Rule(Boolean enabled, List<KeyPart> key, Count count, String rate, Long burst, RuleStage stage,
                String reply, Duration tarpit, Action action, Integer ipv4Prefix, Integer ipv6Prefix) {
            this(enabled, key, count, rate, burst, stage, reply, tarpit, action, ipv4Prefix, ipv6Prefix, null);
        }

        /** Whether the rule counts per authenticated user or domain (such rules ignore exempt-relay-networks). */
        public boolean saslKey() {
            return key.stream().anyMatch(KeyPart::saslPart);
        }

        private static RuleStage defaultStage(Count count, List<KeyPart> key) {
            return switch (count) {
                case CONNECTIONS -> RuleStage.CONNECT;
                case RECIPIENTS -> RuleStage.RCPT;
                case BYTES -> RuleStage.END_OF_DATA;
                case MESSAGES -> key.stream().anyMatch(KeyPart::recipientPart) ? RuleStage.RCPT : RuleStage.MAIL;
            };
        }

        private static Matcher parse(String rate) {
            Matcher m = RATE.matcher(rate);
            if (!m.matches()) throw new IllegalArgumentException("rate: '" + rate + "' is not N/PERIOD (e.g. 100/1h, 30/m, 50M/1d)");
            return m;
        }

        /** N of {@code N/PERIOD}, with its K/M/G factor. */
        static long amount(String rate) {
            Matcher m = parse(rate);
            long n = Long.parseLong(m.group(1));
            long factor = switch (m.group(2).toLowerCase(Locale.ROOT)) {
                case "k" -> 1024L;
                case "m" -> 1024L * 1024;
                case "g" -> 1024L * 1024 * 1024;
                default -> 1L;
            };
            if (n < 1) throw new IllegalArgumentException("rate: the count must be at least 1");
            return Math.multiplyExact(n, factor);
        }

        /** The rate's period. */
        public Duration period() {
            Matcher m = parse(rate);
            long k = m.group(3).isEmpty() ? 1 : Long.parseLong(m.group(3));
            if (k < 1) throw new IllegalArgumentException("rate: the period must be at least 1s");
            return switch (m.group(4)) {
                case "s" -> Duration.ofSeconds(k);
                case "m" -> Duration.ofMinutes(k);
                case "h" -> Duration.ofHours(k);
                default -> Duration.ofDays(k);
            };
        }

        /** N of the rate. */
        public long amount() { return amount(rate); }
    }

    public RateLimitConfig {
        if (exemptRelayNetworks == null) exemptRelayNetworks = true;
        if (allowClients == null) allowClients = List.of();
        if (rules == null) rules = Map.of();
        if (store == null) store = RateLimitStoreConfig.defaults();
        Networks.parse(allowClients); // names the first bad entry
        for (Map.Entry<String, Rule> e : rules.entrySet()) {
            if (!e.getKey().matches("[a-z0-9][a-z0-9_.-]{0,62}")) {
                throw new IllegalArgumentException("rules: '" + e.getKey() + "' is not a rule name (lower-case letters, digits, '-', '_', '.')");
            }
            if (e.getValue() == null) throw new IllegalArgumentException("rules: " + e.getKey() + " has no settings");
            e.getValue().period();
        }
        rules = Collections.unmodifiableMap(new LinkedHashMap<>(rules));
    }
}
