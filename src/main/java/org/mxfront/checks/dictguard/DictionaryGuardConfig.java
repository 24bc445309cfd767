// Settings of the dictionary-attack guard (checks.dictionary-guard in mxfront.yml). Defaults: 20
// unknown recipients within 10m block the client's address (IPv4 /32, IPv6 /64) for 1h; relay
// networks and postmaster@/abuse@ exempt; counts kept in memory unless store.type is redis.
package org.mxfront.checks.dictguard;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * @param threshold         unknown recipients (XM-RJCT01, 02, 08, 20, from any check or the downstream) that block a client
 * @param window            a count is forgotten this long after its first unknown recipient
 * @param blockFor          how long a client is refused (421 4.7.0 XM-RJCT77) once blocked
 * @param ipv4Prefix        the client key's IPv4 network, in bits (32: the address; 24: its /24)
 * @param ipv6Prefix        the client key's IPv6 network, in bits (default 64)
 * @param exemptLocalParts  these local parts (at any domain) are never refused by the guard
 * @param store             where counts and blocks live
 */
public record DictionaryGuardConfig(Integer threshold, Duration window, Duration blockFor, Integer ipv4Prefix,
        Integer ipv6Prefix, List<String> exemptLocalParts, Store store) {

    /** The kinds of store. */
    public enum StoreType {
        @JsonProperty("memory") MEMORY,
        @JsonProperty("redis") REDIS
    }

    /**
     * @param type         {@code memory} (this host) or {@code redis} (shared by every MX host)
     * @param redisUri     as the greylisting store's {@code redis-uri}
     * @param redisCluster true when the URI names a Redis Cluster node
     * @param timeout      connect and command timeout; past it the guard blocks no one
     * @param keyPrefix    prefix of every Redis key
     * @param maxKeys      client keys remembered at most (memory)
     */
    public record Store(StoreType type, String redisUri, Boolean redisCluster, Duration timeout, String keyPrefix,
            Long maxKeys) {
        public Store {
            if (type == null) type = StoreType.MEMORY;
            if (redisUri == null || redisUri.isBlank()) redisUri = "redis://127.0.0.1:6379/0";
            if (redisCluster == null) redisCluster = false;
            if (timeout == null) timeout = Duration.ofMillis(500);
            if (keyPrefix == null) keyPrefix = "mxfront:guard:";
            if (maxKeys == null) maxKeys = 100_000L;
            if (timeout.isZero() || timeout.isNegative()) throw new IllegalArgumentException("store.timeout must be longer than zero");
            if (!redisUri.matches("(redis|rediss|redis-sentinel|rediss-sentinel|redis-socket)://.*")) {
                throw new IllegalArgumentException("store.redis-uri must start with redis://, rediss:// or redis-sentinel://");
            }
            if (maxKeys < 1) throw new IllegalArgumentException("store.max-keys must be at least 1");
        }
    }

    public DictionaryGuardConfig {
        if (threshold == null) threshold = 20;
        if (window == null) window = Duration.ofMinutes(10);
        if (blockFor == null) blockFor = Duration.ofHours(1);
        if (ipv4Prefix == null) ipv4Prefix = 32;
        if (ipv6Prefix == null) ipv6Prefix = 64;
        if (exemptLocalParts == null) exemptLocalParts = List.of("postmaster", "abuse");
        if (store == null) store = new Store(null, null, null, null, null, null);
        if (threshold < 1) throw new IllegalArgumentException("threshold must be at least 1");
        if (window.toMillis() < 1000) throw new IllegalArgumentException("window must be at least 1s");
        if (blockFor.toMillis() < 1000) throw new IllegalArgumentException("block-for must be at least 1s");
        if (ipv4Prefix < 8 || ipv4Prefix > 32) throw new IllegalArgumentException("ipv4-prefix must be 8..32");
        if (ipv6Prefix < 16 || ipv6Prefix > 128) throw new IllegalArgumentException("ipv6-prefix must be 16..128");
        exemptLocalParts = exemptLocalParts.stream().map(s -> s.toLowerCase(Locale.ROOT)).toList();
    }
}
