// The operator's view of the rate-limit buckets: list and reset, as text. It answers the daemon's
// loopback /ratelimit endpoint, which `mxfront ratelimit list|reset` calls: the embedded store lives
// in the daemon's memory, so the daemon is always the one asked (for Redis too, so that the command
// needs nothing but the daemon's address).
package org.mxfront.ratelimit;

import static org.mxfront.admin.AdminParams.one;
import static org.mxfront.admin.AdminParams.required;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Admin operations on a store. Stateless. */
public final class RateLimitAdmin {
    private RateLimitAdmin() {}

    /**
     * Runs one action from named parameters (the HTTP endpoint's query).
     *
     * @param p      action=list|reset; list: match, limit; reset: key (as listed, {@code RULE/N/SECONDSs/BURST:VALUE})
     * @throws IllegalArgumentException on bad parameters
     * @throws java.util.NoSuchElementException when the bucket to reset does not exist
     */
    public static String run(RateLimitStore store, Map<String, List<String>> p) {
        String action = one(p, "action", "list");
        return switch (action) {
            case "list" -> list(store, one(p, "match", ""), Integer.parseInt(one(p, "limit", "1000")));
            case "reset" -> reset(store, required(p, "key"));
            default -> throw new IllegalArgumentException("unknown action " + action + " (list, reset)");
        };
    }

    /** Lists buckets, tab-separated, one per line after a header: key, events available now, when full again. */
    public static String list(RateLimitStore store, String match, int limit) {
        long now = store.nowMicros();
        List<RateLimitStore.Listed> all = store.list(match, limit);
        StringBuilder b = new StringBuilder("key\tavailable\tfull-at\n");
        for (RateLimitStore.Listed l : all) {
            Gcra.Limit lim = limitOf(l.key());
            b.append(l.key()).append('\t')
                    .append(lim == null ? "?" : Long.toString(Gcra.available(l.tatMicros(), now, lim))).append('\t')
                    .append(Instant.ofEpochMilli((long) (l.tatMicros() / 1000))).append('\n');
        }
        b.append(all.size()).append(" buckets (").append(store.describe()).append(")\n");
        return b.toString();
    }

    /** How a rule's buckets are named before {@code :VALUE}: the rule and its limit ({@code per-client/100/3600s/100}). */
    public static String bucketPrefix(String rule, long amount, long periodSeconds, long burst) {
        return rule + "/" + amount + "/" + periodSeconds + "s/" + burst;
    }

    private static final Pattern PREFIX = Pattern.compile("[^/:]+/(\\d+)/(\\d+)s/(\\d+):.*");

    /** The limit a bucket's name carries, or null when it is not one of ours. */
    static Gcra.Limit limitOf(String key) {
        Matcher m = PREFIX.matcher(key);
        if (!m.matches()) return null;
        try {
            return Gcra.Limit.of(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)) * 1_000_000L, Long.parseLong(m.group(3)));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * Forgets one bucket: its limit starts over at the full burst.
     *
     * @throws java.util.NoSuchElementException when there is no such bucket (the command exits non-zero)
     */
    public static String reset(RateLimitStore store, String key) {
        if (!store.reset(key.trim())) throw new NoSuchElementException("no bucket " + key.trim());
        return "reset " + key.trim() + "\n";
    }
}
