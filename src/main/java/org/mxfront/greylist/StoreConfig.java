// Settings of the greylisting store, under checks.greylist.store. Keys and defaults:
// type: embedded | redis (embedded); file: greylist.mv.db (relative to state-directory);
// redis-uri: redis://127.0.0.1:6379/0; redis-cluster: false; timeout: 500ms;
// key-prefix: "mxfront:greylist:"; purge-interval: 1h (embedded: how often expired entries go).
package org.mxfront.greylist;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Where greylisting keeps its state.
 *
 * @param type          {@code embedded} (one host, a file) or {@code redis} (shared by several MX hosts)
 * @param file          the embedded store's file; a relative path is under {@code state-directory}
 * @param redisUri      Lettuce URI: {@code redis://[:password@]host:6379/db}, {@code rediss://...} (TLS),
 *                      {@code redis-sentinel://[:password@]s1:26379,s2:26379/db#mymaster} (Sentinel)
 * @param redisCluster  true when {@code redis-uri} names a node of a Redis Cluster
 * @param timeout       connect and command timeout; past it the check fails open
 * @param keyPrefix     prefix of every Redis key
 * @param purgeInterval how often the embedded store removes expired entries
 */
public record StoreConfig(Type type, String file, String redisUri, Boolean redisCluster, Duration timeout,
        String keyPrefix, Duration purgeInterval) {
    /** The kinds of store. */
    public enum Type {
        @JsonProperty("embedded") EMBEDDED,
        @JsonProperty("redis") REDIS
    }

    public StoreConfig {
        if (type == null) type = Type.EMBEDDED;
        if (file == null || file.isBlank()) file = "greylist.mv.db";
        if (redisUri == null || redisUri.isBlank()) redisUri = "redis://127.0.0.1:6379/0";
        if (redisCluster == null) redisCluster = false;
        if (timeout == null) timeout = Duration.ofMillis(500);
        if (keyPrefix == null) keyPrefix = "mxfront:greylist:";
        if (purgeInterval == null) purgeInterval = Duration.ofHours(1);
        if (timeout.isZero() || timeout.isNegative()) throw new IllegalArgumentException("store.timeout must be longer than zero");
        if (purgeInterval.toMillis() < 1000) throw new IllegalArgumentException("store.purge-interval must be at least 1s");
        if (!redisUri.matches("(redis|rediss|redis-sentinel|rediss-sentinel|redis-socket)://.*")) {
            throw new IllegalArgumentException("store.redis-uri must start with redis://, rediss:// or redis-sentinel://");
        }
    }

    public static StoreConfig defaults() {
        return new StoreConfig(null, null, null, null, null, null, null);
    }

    /** The embedded store's file, resolved against the state directory. */
    public Path resolvedFile(Path stateDirectory) {
        Path f = Path.of(file);
        return (f.isAbsolute() ? f : stateDirectory.resolve(f)).toAbsolutePath().normalize();
    }
}
