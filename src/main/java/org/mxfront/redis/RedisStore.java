// What the Redis-backed stores (greylisting, rate limits, the dictionary guard's counters) share:
// their RedisLink (plain, Sentinel or Cluster), how they name and describe themselves, and closing
// it. Each store adds its own keys and commands and turns Lettuce's failures into its own exception.
package org.mxfront.redis;

import java.time.Duration;
import java.util.function.Function;

/** A store kept in Redis. */
public abstract class RedisStore implements AutoCloseable {
    protected final RedisLink link;

    /**
     * Connects; a failure becomes the store's own exception.
     *
     * @param failure the store's exception for a message and its cause
     */
    protected RedisStore(String uri, boolean cluster, Duration timeout,
            Function<RuntimeException, ? extends RuntimeException> failure) {
        this.link = connect(uri, cluster, timeout, failure);
    }

    private static RedisLink connect(String uri, boolean cluster, Duration timeout,
            Function<RuntimeException, ? extends RuntimeException> failure) {
        try {
            return new RedisLink(uri, cluster, timeout);
        } catch (RuntimeException e) {
            throw failure.apply(e);
        }
    }

    /** {@code redis}, the store type in meters and logs. */
    public String type() { return "redis"; }

    /** Where the store is (addresses, database), for logs and errors. */
    public String describe() { return link.describe(); }

    @Override
    public void close() {
        link.close();
    }
}
