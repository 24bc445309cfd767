// Where rate-limit buckets live: the embedded store (memory, one host) or Redis (several MX hosts,
// exact across them: one Lua script per check, timed by the Redis server's own clock). A store runs
// every bucket of one check at one stage in one step: all pass and are counted, or the first one over
// its limit is reported and nothing is counted.
package org.mxfront.ratelimit;

import java.util.List;

/**
 * A rate-limit store. Keys are logical ({@code RULE:VALUE}, e.g. {@code per-client:192.0.2.7}); each
 * holds one GCRA TAT and expires by itself when its bucket is full again.
 *
 * <p>Threading: called concurrently by all sessions; implementations are thread-safe and may block
 * within their own timeouts. Every failure is a {@link RateLimitStoreException}.
 */
public interface RateLimitStore extends AutoCloseable {
    /**
     * One bucket to draw from.
     *
     * @param key   the logical key
     * @param limit the rule's rate and burst
     * @param cost  the event's weight (1, or bytes)
     */
    record Bucket(String key, Gcra.Limit limit, double cost) {}

    /**
     * What a step decided.
     *
     * @param allowed          true when every bucket passed (and was counted, unless a dry run)
     * @param limited          the index of the first bucket over its limit, -1 when allowed
     * @param retryAfterMicros how long until that bucket would let the event pass
     * @param remaining        the least number of cost-1 events the buckets still allow now (after this one)
     */
    record Outcome(boolean allowed, int limited, long retryAfterMicros, long remaining) {}

    /**
     * A bucket as listed.
     *
     * @param key        the logical key
     * @param tatMicros  its TAT (epoch microseconds)
     * @param ttlMillis  how long until it is forgotten (full again)
     */
    record Listed(String key, double tatMicros, long ttlMillis) {}

    /** Draws from every bucket, or from none. With {@code dryRun} nothing is written (explain). */
    Outcome acquire(List<Bucket> buckets, boolean dryRun);

    /** Buckets whose key contains {@code contains} (all when empty), at most {@code limit}. */
    List<Listed> list(String contains, int limit);

    /** Forgets a bucket (its limit starts over); true when there was one. */
    boolean reset(String key);

    /** The store's clock, epoch microseconds (Redis: the server's TIME). */
    long nowMicros();

    /** {@code embedded} or {@code redis}: the metrics label. */
    String type();

    /** Where it is, for logs, without a password. */
    String describe();

    @Override
    void close();
}
