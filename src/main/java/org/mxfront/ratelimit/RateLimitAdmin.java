// The operator's view of the rate-limit buckets: list and reset, as text. It answers the daemon's
// loopback /ratelimit endpoint, which `mxfront ratelimit list|reset` calls: the embedded store lives
// in the daemon's memory, so the daemon is always the one asked (for Redis too, so that the command
// needs nothing but the daemon's address).
package org.mxfront.ratelimit;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Admin operations on a store. Stateless. */
public final class RateLimitAdmin {
    private RateLimitAdmin() {}

    /**
     * Runs one action from named parameters (the HTTP endpoint's query).
     *
     * @param p      action=list|reset; list: match, limit; reset: key (as listed, {@code RULE:VALUE})
     * @param limits each rule's limit by name, to show how many events a bucket still lets through
     * @throws IllegalArgumentException on bad parameters
     */
    public static String run(RateLimitStore store, Map<String, List<String>> p, Map<String, Gcra.Limit> limits) {
        String action = one(p, "action", "list");
        return switch (action) {
            case "list" -> list(store, one(p, "match", ""), Integer.parseInt(one(p, "limit", "1000")), limits);
            case "reset" -> reset(store, required(p, "key"));
            default -> throw new IllegalArgumentException("unknown action " + action + " (list, reset)");
        };
    }

    /** Lists buckets, tab-separated, one per line after a header: key, events available now, when full again. */
    public static String list(RateLimitStore store, String match, int limit, Map<String, Gcra.Limit> limits) {
        long now = store.nowMicros();
        List<RateLimitStore.Listed> all = store.list(match, limit);
        StringBuilder b = new StringBuilder("key\tavailable\tfull-at\n");
        for (RateLimitStore.Listed l : all) {
            int colon = l.key().indexOf(':');
            Gcra.Limit lim = colon < 0 ? null : limits.get(l.key().substring(0, colon));
            b.append(l.key()).append('\t')
                    .append(lim == null ? "?" : Long.toString(Gcra.available(l.tatMicros(), now, lim))).append('\t')
                    .append(Instant.ofEpochMilli((long) (l.tatMicros() / 1000))).append('\n');
        }
        b.append(all.size()).append(" buckets (").append(store.describe()).append(")\n");
        return b.toString();
    }

    /** Forgets one bucket: its limit starts over at the full burst. */
    public static String reset(RateLimitStore store, String key) {
        return (store.reset(key.trim()) ? "reset " : "no bucket ") + key.trim() + "\n";
    }

    private static String one(Map<String, List<String>> p, String k, String def) {
        List<String> v = p.get(k);
        return v == null || v.isEmpty() || v.get(0).isEmpty() ? def : v.get(0);
    }

    private static String required(Map<String, List<String>> p, String k) {
        String v = one(p, k, null);
        if (v == null) throw new IllegalArgumentException(k + " is required");
        return v;
    }
}
