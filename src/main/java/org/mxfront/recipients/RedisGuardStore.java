// The dictionary-attack guard's counts and blocks in Redis, shared by every MX host: a count is a
// key INCRemented with its expiry set on the first increment (one round trip, a Lua script so the
// two cannot be split), a block is a key with a TTL. Redis expires both itself. The connection is
// the greylisting and rate-limit stores' (RedisStore, RedisLink); DictionaryGuard opens it on first
// use and again after Redis was down.
package org.mxfront.recipients;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import java.time.Duration;
import org.mxfront.redis.RedisStore;

/** Redis guard store. Thread-safe. Connects in the constructor (GuardStoreException when it cannot). */
public final class RedisGuardStore extends RedisStore implements GuardStore {
    private static final String COUNT = "local n = redis.call('INCR', KEYS[1]) "
            + "if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end return n";

    private final String prefix;

    public RedisGuardStore(String uri, boolean cluster, Duration timeout, String prefix) {
        super(uri, cluster, timeout, e -> new GuardStoreException(e.getMessage(), e));
        this.prefix = prefix;
    }

    @Override
    public boolean blocked(String key) {
        return link.commands().exists(prefix + "b:" + key) > 0;
    }

    @Override
    public long addUnknown(String key, Duration window) {
        Long n = link.commands().eval(COUNT, ScriptOutputType.INTEGER, new String[] {prefix + "n:" + key},
                Long.toString(window.toMillis()));
        return n == null ? 0 : n;
    }

    @Override
    public void block(String key, Duration duration) {
        link.commands().set(prefix + "b:" + key, "1", SetArgs.Builder.px(duration.toMillis()));
        link.commands().del(prefix + "n:" + key);
    }
}
