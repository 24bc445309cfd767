// Settings of the rate-limit store, under checks.rate-limit.store. Keys and defaults:
// type: embedded | redis (embedded); max-keys: 1000000 (embedded); redis-uri: redis://127.0.0.1:6379/0;
// redis-cluster: false; timeout: 200ms; key-prefix: "mxfront:ratelimit:". The Redis settings mean
// what they mean for greylisting's store (same URI forms, same connection code).
package org.mxfront.ratelimit;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;

/**
 * Where rate limits keep their buckets.
 *
 * @param type         {@code embedded} (memory, one host) or {@code redis} (shared by several MX hosts)
 * @param maxKeys      the embedded store keeps at most this many buckets (least recently used go first)
 * @param redisUri     Lettuce URI: {@code redis://[:password@]host:6379/db}, {@code rediss://...},
 *                     {@code redis-sentinel://[:password@]s1:26379,s2:26379/db#mymaster}
 * @param redisCluster true when {@code redis-uri} names a node of a Redis Cluster
 * @param timeout      connect and command timeout; past it the check fails open
 * @param keyPrefix    prefix of every Redis key
 */
public record RateLimitStoreConfig(Type type, Long maxKeys, String redisUri, Boolean redisCluster, Duration timeout,
        String keyPrefix) {
    /** The kinds of store. */
    public enum Type {
        @JsonProperty("embedded") EMBEDDED,
        @JsonProperty("redis") REDIS
    }

    public RateLimitStoreConfig {
        if (type == null) type = Type.EMBEDDED;
        if (maxKeys == null) maxKeys = 1_000_000L;
        if (redisUri == null || redisUri.isBlank()) redisUri = "redis://127.0.0.1:6379/0";
        if (redisCluster == null) redisCluster = false;
        if (timeout == null) timeout = Duration.ofMillis(200);
        if (keyPrefix == null) keyPrefix = "mxfront:ratelimit:";
        if (maxKeys < 1) throw new IllegalArgumentException("store.max-keys must be at least 1");
        if (timeout.isZero() || timeout.isNegative()) throw new IllegalArgumentException("store.timeout must be longer than zero");
        if (!redisUri.matches("(redis|rediss|redis-sentinel|rediss-sentinel|redis-socket)://.*")) {
            throw new IllegalArgumentException("store.redis-uri must start with redis://, rediss:// or redis-sentinel://");
        }
    }

    public static RateLimitStoreConfig defaults() {
        return new RateLimitStoreConfig(null, null, null, null, null, null);
    }
}
