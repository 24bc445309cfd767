// Settings of the greylist check (checks.greylist in mxfront.yml; all overridable per domain,
// except that a per-domain `store` opens a store of its own). Defaults follow postgrey:
// delay 5m, retry-window 2d, max-age 35d; auto-allow-after 1 (the seed's rule; postgrey: 5),
// counting at most one pass per auto-allow-count-interval (1h); client networks /24 and /64.
package org.mxfront.checks.greylist;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.mxfront.greylist.StoreConfig;
import org.mxfront.net.Networks;

/**
 * @param delay                    how long an unknown tuple is refused (default 5m)
 * @param retryWindow              a first attempt not retried within this is forgotten (default 2d)
 * @param maxAge                   a tuple that passed is kept this long after it was last seen (default 35d)
 * @param autoAllowAfter           passes after which the client is never greylisted again; 0: never (default 1)
 * @param autoAllowMaxAge          an auto-allowed client is kept this long after its last message (default 35d)
 * @param autoAllowCountInterval   at most one pass is counted per client in this interval (default 1h)
 * @param ipv4Prefix               the client's IPv4 network, in bits (default 24)
 * @param ipv6Prefix               the client's IPv6 network, in bits (default 64)
 * @param groupByReverseDomain     group clients by the organisational domain of their forward-confirmed
 *                                 reverse name instead of their network, unless the name looks dynamic (default false)
 * @param dynamicNamePattern       a reverse name matching this (case-insensitive, find) looks dynamic
 * @param onlyWhenRisky            greylist only clients with one of {@code risk-signals} (default false)
 * @param riskSignals              {@code no-reverse-dns}, {@code dynamic-name}, or a tag an earlier check set
 *                                 in the session (default [no-reverse-dns, dynamic-name])
 * @param normalizeSender          sender normalizations
 * @param exemptRelayNetworks      never greylist relay-networks clients (default true)
 * @param exemptLocalParts         these local parts at every local domain are never greylisted (default postmaster, abuse)
 * @param allowClients             client networks never greylisted
 * @param allowClientsFile         a file of networks never greylisted: {@code builtin} (the shipped list of large
 *                                 senders), a path, or empty for none
 * @param allowClientNames         reverse names (a leading dot: any name under it) never greylisted
 * @param allowSenderDomains       sender domains (and their subdomains) never greylisted
 * @param allowRecipients          recipients never greylisted: {@code user@domain}, {@code domain}, or {@code user@}
 * @param store                    where tuples are kept
 */
public record GreylistConfig(Duration delay, Duration retryWindow, Duration maxAge, Integer autoAllowAfter,
        Duration autoAllowMaxAge, Duration autoAllowCountInterval, Integer ipv4Prefix, Integer ipv6Prefix,
        Boolean groupByReverseDomain, String dynamicNamePattern, Boolean onlyWhenRisky, List<String> riskSignals,
        SenderNormalization normalizeSender, Boolean exemptRelayNetworks, List<String> exemptLocalParts,
        List<String> allowClients, String allowClientsFile, List<String> allowClientNames,
        List<String> allowSenderDomains, List<String> allowRecipients, StoreConfig store) {

    /** Names that look assigned to dial-up, DSL, cable or cloud pools, or that embed the address. */
    public static final String DEFAULT_DYNAMIC_PATTERN =
            "(^|[.-])(dyn|dynamic|dhcp|dsl|adsl|xdsl|pool|ppp|pppoe|cable|dial|dialup|client|cpe|broadband|host|ip)"
                    + "[0-9.-]|\\d{1,3}[.-]\\d{1,3}[.-]\\d{1,3}[.-]\\d{1,3}|^(ec2|ip)-\\d";

    /**
     * Postgrey's sender normalizations, each on its own switch (all on by default). The address is
     * always lower-cased.
     *
     * @param unwrapBatv     {@code prvs=TAG=user@dom} becomes {@code user@dom}
     * @param unwrapSrs      {@code SRS0=H=TT=orig.dom=user@fwd} (and SRS1) becomes {@code user@orig.dom}
     * @param stripExtension {@code user+ext@dom} becomes {@code user@dom}
     * @param foldDigits     a number standing alone in the local part ({@code bounce-123-45}) becomes {@code #}
     */
    public record SenderNormalization(Boolean unwrapBatv, Boolean unwrapSrs, Boolean stripExtension, Boolean foldDigits) {
        public SenderNormalization {
            if (unwrapBatv == null) unwrapBatv = true;
            if (unwrapSrs == null) unwrapSrs = true;
            if (stripExtension == null) stripExtension = true;
            if (foldDigits == null) foldDigits = true;
        }
    }

    public GreylistConfig {
        if (delay == null) delay = Duration.ofMinutes(5);
        if (retryWindow == null) retryWindow = Duration.ofDays(2);
        if (maxAge == null) maxAge = Duration.ofDays(35);
        if (autoAllowAfter == null) autoAllowAfter = 1;
        if (autoAllowMaxAge == null) autoAllowMaxAge = Duration.ofDays(35);
        if (autoAllowCountInterval == null) autoAllowCountInterval = Duration.ofHours(1);
        if (ipv4Prefix == null) ipv4Prefix = 24;
        if (ipv6Prefix == null) ipv6Prefix = 64;
        if (groupByReverseDomain == null) groupByReverseDomain = false;
        if (dynamicNamePattern == null) dynamicNamePattern = DEFAULT_DYNAMIC_PATTERN;
        if (onlyWhenRisky == null) onlyWhenRisky = false;
        if (riskSignals == null) riskSignals = List.of("no-reverse-dns", "dynamic-name");
        if (normalizeSender == null) normalizeSender = new SenderNormalization(null, null, null, null);
        if (exemptRelayNetworks == null) exemptRelayNetworks = true;
        if (exemptLocalParts == null) exemptLocalParts = List.of("postmaster", "abuse");
        if (allowClients == null) allowClients = List.of();
        if (allowClientsFile == null) allowClientsFile = "builtin";
        if (allowClientNames == null) allowClientNames = List.of();
        if (allowSenderDomains == null) allowSenderDomains = List.of();
        if (allowRecipients == null) allowRecipients = List.of();
        if (store == null) store = StoreConfig.defaults();

        if (delay.isNegative() || delay.toMillis() < 1000) throw new IllegalArgumentException("delay must be at least 1s");
        if (retryWindow.compareTo(delay) <= 0) throw new IllegalArgumentException("retry-window must be longer than delay");
        if (maxAge.compareTo(Duration.ofSeconds(1)) < 0) throw new IllegalArgumentException("max-age must be at least 1s");
        if (autoAllowAfter < 0) throw new IllegalArgumentException("auto-allow-after must be 0 (off) or more");
        if (autoAllowMaxAge.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("auto-allow-max-age must be at least 1s");
        }
        if (autoAllowCountInterval.isNegative()) throw new IllegalArgumentException("auto-allow-count-interval must not be negative");
        if (ipv4Prefix < 8 || ipv4Prefix > 32) throw new IllegalArgumentException("ipv4-prefix must be 8..32");
        if (ipv6Prefix < 16 || ipv6Prefix > 128) throw new IllegalArgumentException("ipv6-prefix must be 16..128");
        try {
            Pattern.compile(dynamicNamePattern);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("dynamic-name-pattern is not a regular expression: " + e.getDescription());
        }
        for (String r : riskSignals) {
            if (r == null || !r.matches("[a-z0-9][a-z0-9-]*")) {
                throw new IllegalArgumentException("risk-signals: '" + r + "' is not a signal name (lower-case letters, digits, '-')");
            }
        }
        Networks.parse(allowClients); // names the first bad entry
        exemptLocalParts = exemptLocalParts.stream().map(s -> s.toLowerCase(Locale.ROOT)).toList();
        allowClientNames = lower(allowClientNames);
        allowSenderDomains = lower(allowSenderDomains);
        allowRecipients = lower(allowRecipients);
    }

    private static List<String> lower(List<String> l) {
        return l.stream().map(s -> s.trim().toLowerCase(Locale.ROOT)).toList();
    }
}
