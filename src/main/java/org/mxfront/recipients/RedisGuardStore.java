// The dictionary-attack guard's counts and blocks in Redis, shared by every MX host: a count is a
// key INCRemented with its expiry set on the first increment (one round trip, a Lua script so the
// two cannot be split), a block is a key with a TTL. Redis expires both itself. Connection setup is
// the greylisting and rate-limit stores' (RedisLink).
package org.mxfront.recipients;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import java.time.Duration;
import org.mxfront.redis.RedisLink;

/** Redis guard store. Thread-safe. Failures are Lettuce's RuntimeExceptions; the guard fails open on them. */
public final class RedisGuardStore implements GuardStore {
    private static final String COUNT = "local n = redis.call('INCR', KEYS[1]) "
            + "if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end return n";

    private final String uri;
    private final boolean cluster;
    private final Duration timeout;
    private final String prefix;
    private RedisLink redis;
    private long nextAttempt;
    private boolean closed;

    /** Connects on first use (Redis down at start is not a configuration error); Lettuce reconnects after that. */
    public RedisGuardStore(String uri, boolean cluster, Duration timeout, String prefix) {
        this.uri = uri;
        this.cluster = cluster;
        this.timeout = timeout;
        this.prefix = prefix;
    }

    /** The connection, made now if there is none (at most one attempt per second while Redis is down). */
    private synchronized RedisLink redis() {
        if (redis != null) return redis;
        if (closed) throw new IllegalStateException("closed");
        long now = System.nanoTime();
        if (now < nextAttempt) throw new IllegalStateException(describe() + ": not connected");
        nextAttempt = now + 1_000_000_000L;
        redis = new RedisLink(uri, cluster, timeout);
        return redis;
    }

    @Override
    public boolean blocked(String key) {
        return redis().commands().exists(prefix + "b:" + key) > 0;
    }

    @Override
    public long addUnknown(String key, Duration window) {
        Long n = redis().commands().eval(COUNT, ScriptOutputType.INTEGER, new String[] {prefix + "n:" + key},
                Long.toString(window.toMillis()));
        return n == null ? 0 : n;
    }

    @Override
    public void block(String key, Duration duration) {
        redis().commands().set(prefix + "b:" + key, "1", SetArgs.Builder.px(duration.toMillis()));
        redis().commands().del(prefix + "n:" + key);
    }

    @Override
    public String describe() { return "redis " + uri.replaceAll("//[^@/]*@", "//***@") + (cluster ? " (cluster)" : ""); }

    @Override
    public synchronized void close() {
        closed = true;
        if (redis != null) redis.close();
    }
}
