// The greylisting store for several MX hosts: Redis through Lettuce (Netty-based), one shared
// connection for all sessions. Entries are string keys with TTLs (Redis expires them itself).
// Keys: PREFIX + "c:{CLIENT}" and PREFIX + "t:{CLIENT}|sender|recipient": the hash tag keeps a
// client's records in one Redis Cluster slot, so one MGET reads both in one round trip.
// While Redis is unreachable commands fail at once (the check fails open) and Lettuce reconnects
// in the background, retrying every 100 ms to 2 s (the connection is redis/RedisLink, shared with rate limits).
package org.mxfront.greylist;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.KeyValue;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.mxfront.redis.RedisStore;

/** The Redis store (plain, Sentinel or Cluster). Thread-safe: Lettuce connections are. */
public final class RedisGreylistStore extends RedisStore implements GreylistStore {
    private final String prefix;
    private final RedisClusterCommands<String, String> redis;

    /**
     * Connects.
     *
     * @param uri     {@code redis://[:password@]host:port/db}, {@code redis-sentinel://host:26379,host2:26379/db#master},
     *                or with {@code cluster} a seed node of a Redis Cluster
     * @param cluster whether the URI names a Redis Cluster node
     * @param timeout the timeout of every command and of connecting
     * @param prefix  the prefix of every key
     * @throws GreylistStoreException when Redis cannot be reached now
     */
    public RedisGreylistStore(String uri, boolean cluster, Duration timeout, String prefix) {
        super(uri, cluster, timeout, e -> new GreylistStoreException(e.getMessage(), e));
        this.prefix = prefix;
        this.redis = link.commands();
    }

    private String clientKey(String client) {
        return prefix + "c:{" + client + "}";
    }

    private String tupleKey(String tuple) {
        int bar = tuple.indexOf('|');
        if (bar < 0) return prefix + "t:{" + tuple + "}";
        return prefix + "t:{" + tuple.substring(0, bar) + "}" + tuple.substring(bar);
    }

    private String redisKey(Kind kind, String key) {
        return kind == Kind.TUPLE ? tupleKey(key) : clientKey(key);
    }

    /** The logical key of a Redis key of this store. */
    private String logical(Kind kind, String redisKey) {
        String head = prefix + (kind == Kind.TUPLE ? "t:{" : "c:{");
        String rest = redisKey.substring(head.length());
        int close = rest.indexOf('}');
        return close < 0 ? rest : rest.substring(0, close) + rest.substring(close + 1);
    }

    @Override
    public Lookup lookup(String clientKey, String tupleKey, long now) {
        try {
            if (tupleKey == null) return new Lookup(GreylistEntry.live(redis.get(clientKey(clientKey)), now), null);
            List<KeyValue<String, String>> v = redis.mget(clientKey(clientKey), tupleKey(tupleKey));
            return new Lookup(GreylistEntry.live(value(v.get(0)), now), GreylistEntry.live(value(v.get(1)), now));
        } catch (RuntimeException e) {
            throw failure("read", e);
        }
    }

    private static String value(KeyValue<String, String> kv) {
        return kv.hasValue() ? kv.getValue() : null;
    }

    @Override
    public void put(Kind kind, String key, GreylistEntry entry, long now) {
        try {
            long ttl = entry.expiresAt() - now;
            if (ttl <= 0) redis.del(redisKey(kind, key));
            else redis.set(redisKey(kind, key), entry.encode(), SetArgs.Builder.px(ttl));
        } catch (RuntimeException e) {
            throw failure("write", e);
        }
    }

    @Override
    public boolean delete(Kind kind, String key) {
        try {
            return redis.del(redisKey(kind, key)) > 0;
        } catch (RuntimeException e) {
            throw failure("write", e);
        }
    }

    @Override
    public List<Listed> list(Kind kind, String contains, int limit, long now) {
        List<Listed> out = new ArrayList<>();
        String pattern = glob(prefix + (kind == Kind.TUPLE ? "t:" : "c:")) + "*";
        try {
            ScanCursor cursor = ScanCursor.INITIAL;
            do {
                KeyScanCursor<String> page = redis.scan(cursor, ScanArgs.Builder.matches(pattern).limit(1000));
                List<String> keys = page.getKeys().stream().filter(k -> contains.isEmpty() || logical(kind, k).contains(contains))
                        .toList();
                if (!keys.isEmpty()) {
                    for (KeyValue<String, String> kv : redis.mget(keys.toArray(String[]::new))) {
                        GreylistEntry e = GreylistEntry.live(value(kv), now);
                        if (e != null && out.size() < limit) out.add(new Listed(kind, logical(kind, kv.getKey()), e));
                    }
                }
                cursor = page;
            } while (!cursor.isFinished() && out.size() < limit);
        } catch (RuntimeException e) {
            throw failure("read", e);
        }
        return out;
    }

    private static String glob(String s) {
        return s.replaceAll("([*?\\[\\]\\\\])", "\\\\$1");
    }

    @Override
    public long size() {
        try {
            return redis.dbsize();
        } catch (RuntimeException e) {
            throw failure("read", e);
        }
    }

    private GreylistStoreException failure(String what, RuntimeException e) {
        return new GreylistStoreException(link.describe() + ": " + what + " failed: " + e.getMessage(), e);
    }
}
