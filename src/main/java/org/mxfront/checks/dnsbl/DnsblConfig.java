// Settings of the dnsbl check: the zones (each maps answer addresses to a reply code and a weight),
// where the verdict is applied, postscreen-style scoring, allow-lists, and how a zone is watched.
// Defaults: zen.spamhaus.org (SBL 127.0.0.2-3 -> sbl-listed, XBL 127.0.0.4-7 -> xbl-listed,
// PBL 127.0.0.10-11 -> pbl-listed), enforce-at rcpt, threshold 1, on-dns-failure skip,
// exempt-recipients [postmaster, abuse], suspend-after 5 errors, suspend-for 60s, health-check 5m.
package org.mxfront.checks.dnsbl;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.mxfront.codes.Code;
import org.mxfront.dns.OnDnsFailure;
import org.mxfront.net.Networks;

/**
 * @param zones               the DNSBL and DNSWL zones, all asked in parallel when the client connects
 * @param enforceAt           {@code rcpt} (default: postmaster@ and abuse@ of local domains stay reachable)
 *                            or {@code connect} (with server.delay-reject the reply still comes at RCPT)
 * @param threshold           the score (sum of the weights of all matching answers) that refuses the client
 * @param onDnsFailure        a lookup that fails or times out: {@code skip} (default) or {@code tempfail} (451 4.4.3)
 * @param allowClients        client networks never looked up and never refused by this check (always wins)
 * @param exemptRelayNetworks whether clients in relay-networks are exempt (default true)
 * @param exemptRecipients    local parts that stay reachable at local domains when enforcing at RCPT
 * @param suspendAfter        consecutive failed lookups after which a zone is suspended
 * @param suspendFor          how long a suspended zone is left alone before it is probed again
 * @param healthCheck         how often each zone's RFC 5782 test points are checked (0 = never)
 */
public record DnsblConfig(List<Zone> zones, EnforceAt enforceAt, Integer threshold, OnDnsFailure onDnsFailure,
        List<String> allowClients, Boolean exemptRelayNetworks, List<String> exemptRecipients, Integer suspendAfter,
        Duration suspendFor, Duration healthCheck) {

    /** Where the verdict is applied. */
    public enum EnforceAt {
        @JsonProperty("connect") CONNECT,
        @JsonProperty("rcpt") RCPT
    }

    public DnsblConfig {
        if (zones == null) zones = defaultZones();
        zones = List.copyOf(zones);
        if (enforceAt == null) enforceAt = EnforceAt.RCPT;
        if (threshold == null) threshold = 1;
        if (onDnsFailure == null) onDnsFailure = OnDnsFailure.SKIP;
        allowClients = allowClients == null ? List.of() : List.copyOf(allowClients);
        if (exemptRelayNetworks == null) exemptRelayNetworks = true;
        exemptRecipients = exemptRecipients == null ? List.of("postmaster", "abuse")
                : exemptRecipients.stream().map(s -> s.toLowerCase(Locale.ROOT)).toList();
        if (suspendAfter == null) suspendAfter = 5;
        if (suspendFor == null) suspendFor = Duration.ofSeconds(60);
        if (healthCheck == null) healthCheck = Duration.ofMinutes(5);
        if (threshold < 1) throw new IllegalArgumentException("threshold must be at least 1");
        if (suspendAfter < 1) throw new IllegalArgumentException("suspend-after must be at least 1");
        if (suspendFor.isNegative() || suspendFor.isZero()) throw new IllegalArgumentException("suspend-for must be longer than zero");
        if (healthCheck.isNegative()) throw new IllegalArgumentException("health-check must not be negative");
        Networks.parse(allowClients);
        if (zones.stream().map(Zone::zone).distinct().count() != zones.size()) {
            throw new IllegalArgumentException("a zone is listed twice");
        }
    }

    /** Spamhaus ZEN: SBL, XBL and PBL in one zone, each with its own XM-RJCT reply. */
    static List<Zone> defaultZones() {
        return List.of(new Zone("zen.spamhaus.org", null, null, null, List.of(
                new Answer(List.of("127.0.0.2-127.0.0.3"), "sbl-listed", null),
                new Answer(List.of("127.0.0.4-127.0.0.7"), "xbl-listed", null),
                new Answer(List.of("127.0.0.10-127.0.0.11"), "pbl-listed", null, true))));
    }

    /**
     * One DNSBL (or DNSWL) zone.
     *
     * @param zone        the zone queried ({@code zen.spamhaus.org})
     * @param name        the name replies print for {zone} (default: the zone)
     * @param timeout     this zone's lookup timeout (default: dns.timeout, which also caps it)
     * @param healthCheck whether the zone's RFC 5782 test points are checked (default true)
     * @param answers     answer addresses and what they mean; default: any 127.0.0.0/8 answer is
     *                    {@code rbl-listed} with weight 1
     * @param preset      a shipped list whose zone, name and answers are the defaults of the fields
     *                    left out: {@code spamcop} (bl.spamcop.net, 127.0.0.2: 550 5.7.1 XM-RJCT86 with
     *                    the seed's wording and Spamcop's lookup page)
     */
    public record Zone(String zone, String name, Duration timeout, Boolean healthCheck, List<Answer> answers, String preset) {
        public Zone(String zone, String name, Duration timeout, Boolean healthCheck, List<Answer> answers) {
            this(zone, name, timeout, healthCheck, answers, null);
        }

        public Zone {
            if (preset != null) {
                switch (preset.trim().toLowerCase(Locale.ROOT)) {
                    case "spamcop" -> {
                        if (zone == null) zone = "bl.spamcop.net";
                        if (name == null) name = "Spamcop";
                        if (answers == null) answers = List.of(new Answer(List.of("127.0.0.2"), "spamcop-listed", null));
                    }
                    default -> throw new IllegalArgumentException("preset: unknown list '" + preset + "' (known: spamcop)");
                }
            }
            if (zone == null || zone.isBlank()) throw new IllegalArgumentException("zone: missing value");
            zone = zone.trim().toLowerCase(Locale.ROOT);
            if (zone.endsWith(".")) zone = zone.substring(0, zone.length() - 1);
            if (!zone.matches("[a-z0-9_]([a-z0-9_.-]*[a-z0-9])?")) {
                throw new IllegalArgumentException("zone '" + zone + "' is not a domain name");
            }
            if (name == null || name.isBlank()) name = zone;
            if (healthCheck == null) healthCheck = true;
            if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
                throw new IllegalArgumentException("timeout must be longer than zero");
            }
            if (answers == null) answers = List.of(new Answer(List.of("127.0.0.0/8"), "rbl-listed", null));
            answers = List.copyOf(answers);
            if (answers.isEmpty()) throw new IllegalArgumentException("answers: at least one is needed");
        }
    }

    /**
     * What an answer means.
     *
     * @param addresses answer addresses: {@code 127.0.0.2}, {@code 127.0.0.4-127.0.0.7}, {@code 127.0.0.4-7},
     *                  {@code 127.0.0.0/24}
     * @param code      the reply code key when this answer refuses the client ({@code sbl-listed},
     *                  {@code own-rbl-listed}, ...); not needed for negative weights (allow-lists)
     * @param weight    added to the client's score (default 1; negative for DNSWL allow-lists)
     * @param safelistExempt true when a recipient's safe entry (policy store lists) does not lift a
     *                  refusal for this answer (Spamhaus PBL: "safelisting the sender will not allow
     *                  an exception"); default false
     */
    public record Answer(List<String> addresses, String code, Integer weight, Boolean safelistExempt) {
        public Answer(List<String> addresses, String code, Integer weight) {
            this(addresses, code, weight, null);
        }

        public Answer {
            if (safelistExempt == null) safelistExempt = false;
            if (addresses == null || addresses.isEmpty()) throw new IllegalArgumentException("addresses: missing value");
            addresses = List.copyOf(addresses);
            for (String a : addresses) AddressRange.parse(a);
            if (weight == null) weight = 1;
            if (weight > 0 && code == null) throw new IllegalArgumentException("code: needed for a positive weight");
            if (code != null) {
                Code c = Code.byKey(code);
                if (c == null) throw new IllegalArgumentException("code '" + code + "' is not a reply code key (see `mxfront codes`)");
                if (c.smtpCode() < 500 || c.status() != Code.Status.ACTIVE) {
                    throw new IllegalArgumentException("code '" + code + "' is not a permanent refusal in use");
                }
            }
        }

        /** The catalogue entry, null for allow-list answers without one. */
        public Code replyCode() {
            return code == null ? null : Code.byKey(code);
        }
    }
}
