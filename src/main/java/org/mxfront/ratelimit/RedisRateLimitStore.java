// Rate-limit buckets in Redis, shared by several MX hosts and exact across them: every step is one
// Lua script (EVALSHA) that reads the server's own clock (TIME, so the hosts' clocks never matter),
// runs GCRA over the check's buckets and writes them only when all pass, each key with a PX expiry of
// TAT - now (Redis forgets a full bucket by itself). On a Redis Cluster a script may only touch keys
// of one slot: the buckets of one step are grouped by slot, one script per group (a step whose rules
// land on different slots is then all-or-nothing per slot, not across slots). No hash tags are
// needed: a rule's key is one key. Connection handling (Sentinel, Cluster, reconnects) is RedisLink's.
package org.mxfront.ratelimit;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mxfront.redis.RedisStore;

/** The Redis store (plain, Sentinel or Cluster). Thread-safe. */
public final class RedisRateLimitStore extends RedisStore implements RateLimitStore {
    /**
     * KEYS: the buckets; ARGV[1]: 1 for a dry run; then per bucket: interval T, tolerance tau (both
     * microseconds), cost. Returns {allowed, index of the first limited bucket (1-based, 0 if none),
     * microseconds until it would pass, least remaining}.
     */
    static final String SCRIPT = """
            if redis.replicate_commands then pcall(redis.replicate_commands) end
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
            local dry = ARGV[1] == '1'
            local nexts = {}
            local least = -1
            for i = 1, #KEYS do
              local interval = tonumber(ARGV[i * 3 - 1])
              local tolerance = tonumber(ARGV[i * 3])
              local cost = tonumber(ARGV[i * 3 + 1])
              if cost < 0 then cost = 0 end
              if cost * interval > tolerance then cost = tolerance / interval end
              local tat = tonumber(redis.call('GET', KEYS[i]) or '0') or 0
              if tat < now then tat = now end
              local nxt = tat + cost * interval
              local allow_at = nxt - tolerance
              if allow_at > now then
                return {0, i, math.ceil(allow_at - now), 0}
              end
              nexts[i] = nxt
              local rem = math.floor((tolerance - (nxt - now)) / interval)
              if rem < 0 then rem = 0 end
              if least < 0 or rem < least then least = rem end
            end
            if not dry then
              for i = 1, #KEYS do
                if nexts[i] > now then
                  redis.call('SET', KEYS[i], string.format('%.0f', math.ceil(nexts[i])),
                    'PX', math.max(1, math.ceil((nexts[i] - now) / 1000)))
                end
              end
            end
            if least < 0 then least = 0 end
            return {1, 0, 0, least}
            """;

    private final String prefix;
    private final RedisClusterCommands<String, String> redis;
    private final String sha;

    /**
     * Connects.
     *
     * @throws RateLimitStoreException when Redis cannot be reached now
     */
    public RedisRateLimitStore(String uri, boolean cluster, Duration timeout, String prefix) {
        super(uri, cluster, timeout, e -> new RateLimitStoreException(e.getMessage(), e));
        this.prefix = prefix;
        this.redis = link.commands();
        this.sha = redis.digest(SCRIPT);
    }

    @Override
    public Outcome acquire(List<Bucket> buckets, boolean dryRun) {
        if (buckets.isEmpty()) return new Outcome(true, -1, 0, 0);
        try {
            if (!link.cluster()) return run(buckets, dryRun);
            Map<Integer, List<Integer>> bySlot = new LinkedHashMap<>();
            for (int i = 0; i < buckets.size(); i++) {
                bySlot.computeIfAbsent(SlotHash.getSlot(prefix + buckets.get(i).key()), s -> new ArrayList<>()).add(i);
            }
            if (bySlot.size() == 1) return run(buckets, dryRun);
            long least = Long.MAX_VALUE;
            for (List<Integer> group : bySlot.values()) {
                List<Bucket> g = group.stream().map(buckets::get).toList();
                Outcome o = run(g, dryRun);
                if (!o.allowed()) return new Outcome(false, group.get(o.limited()), o.retryAfterMicros(), 0);
                least = Math.min(least, o.remaining());
            }
            return new Outcome(true, -1, 0, least);
        } catch (RuntimeException e) {
            throw new RateLimitStoreException(link.describe() + ": rate-limit step failed: " + e.getMessage(), e);
        }
    }

    private Outcome run(List<Bucket> buckets, boolean dryRun) {
        String[] keys = new String[buckets.size()];
        String[] args = new String[1 + 3 * buckets.size()];
        args[0] = dryRun ? "1" : "0";
        for (int i = 0; i < buckets.size(); i++) {
            Bucket b = buckets.get(i);
            keys[i] = prefix + b.key();
            args[1 + 3 * i] = num(b.limit().intervalMicros());
            args[2 + 3 * i] = num(b.limit().toleranceMicros());
            args[3 + 3 * i] = num(b.cost());
        }
        List<Object> r;
        try {
            r = redis.evalsha(sha, ScriptOutputType.MULTI, keys, args);
        } catch (RedisNoScriptException e) {
            r = redis.eval(SCRIPT, ScriptOutputType.MULTI, keys, args); // loads it on that server
        }
        boolean allowed = ((Long) r.get(0)) == 1L;
        return new Outcome(allowed, allowed ? -1 : (int) (((Long) r.get(1)) - 1), (Long) r.get(2), (Long) r.get(3));
    }

    private static String num(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }

    @Override
    public List<Listed> list(String contains, int limit) {
        List<Listed> out = new ArrayList<>();
        String pattern = prefix.replaceAll("([*?\\[\\]\\\\])", "\\\\$1") + "*";
        try {
            ScanCursor cursor = ScanCursor.INITIAL;
            do {
                KeyScanCursor<String> page = redis.scan(cursor, ScanArgs.Builder.matches(pattern).limit(1000));
                for (String k : page.getKeys()) {
                    String logical = k.substring(prefix.length());
                    if (out.size() >= limit || !contains.isEmpty() && !logical.contains(contains)) continue;
                    String v = redis.get(k);
                    Long ttl = redis.pttl(k);
                    if (v != null && ttl != null && ttl > 0) out.add(new Listed(logical, Double.parseDouble(v), ttl));
                }
                cursor = page;
            } while (!cursor.isFinished() && out.size() < limit);
        } catch (RuntimeException e) {
            throw new RateLimitStoreException(link.describe() + ": list failed: " + e.getMessage(), e);
        }
        out.sort(Comparator.comparing(Listed::key));
        return out;
    }

    @Override
    public boolean reset(String key) {
        try {
            return redis.del(prefix + key) > 0;
        } catch (RuntimeException e) {
            throw new RateLimitStoreException(link.describe() + ": reset failed: " + e.getMessage(), e);
        }
    }

    @Override
    public long nowMicros() {
        try {
            List<String> t = redis.time();
            return Long.parseLong(t.get(0)) * 1_000_000L + Long.parseLong(t.get(1));
        } catch (RuntimeException e) {
            throw new RateLimitStoreException(link.describe() + ": TIME failed: " + e.getMessage(), e);
        }
    }
}
