// The rate-limit store for one MX host: buckets in memory (Caffeine), each forgotten when its bucket
// is full again (a per-entry expiry of TAT - now) and at most max-keys of them (least recently used
// go first; a forgotten bucket is a full one, so the bound errs towards letting mail through).
// A restart forgets every bucket. One lock makes a step over several buckets all-or-nothing; a step
// is a few hash lookups, so two cores do not wait on it (bench/ratelimit.sh).
package org.mxfront.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/** In-memory buckets. Thread-safe. */
public final class EmbeddedRateLimitStore implements RateLimitStore {
    private final LongSupplier micros;
    private final Cache<String, Double> tats;
    private final ReentrantLock lock = new ReentrantLock();

    /**
     * @param micros  the clock, epoch microseconds (tests inject one)
     * @param maxKeys how many buckets are kept at most
     */
    public EmbeddedRateLimitStore(LongSupplier micros, long maxKeys) {
        this.micros = micros;
        this.tats = Caffeine.newBuilder().maximumSize(maxKeys).ticker(() -> micros.getAsLong() * 1000)
                // a bucket lives until its TAT has drifted back to now, counted again at every write
                .expireAfter(Expiry.writing((String key, Double tat) ->
                        Duration.ofNanos(Math.max(1, Gcra.ttlMicros(tat, micros.getAsLong())) * 1000)))
                .build();
    }

    @Override
    public Outcome acquire(List<Bucket> buckets, boolean dryRun) {
        long now = micros.getAsLong();
        lock.lock();
        try {
            double[] next = new double[buckets.size()];
            long remaining = Long.MAX_VALUE;
            for (int i = 0; i < buckets.size(); i++) {
                Bucket b = buckets.get(i);
                Double stored = tats.getIfPresent(b.key());
                Gcra.Step s = Gcra.step(stored == null ? Double.NaN : stored, now, b.limit(), b.cost());
                if (!s.allowed()) return new Outcome(false, i, s.retryAfterMicros(), 0);
                next[i] = s.tat();
                remaining = Math.min(remaining, s.remaining());
            }
            if (!dryRun) {
                for (int i = 0; i < buckets.size(); i++) {
                    if (next[i] > now) tats.put(buckets.get(i).key(), next[i]);
                }
            }
            return new Outcome(true, -1, 0, buckets.isEmpty() ? 0 : remaining);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<Listed> list(String contains, int limit) {
        long now = micros.getAsLong();
        List<Listed> out = new ArrayList<>();
        for (Map.Entry<String, Double> e : tats.asMap().entrySet()) {
            if (out.size() >= limit) break;
            if (!contains.isEmpty() && !e.getKey().contains(contains)) continue;
            long ttl = Gcra.ttlMicros(e.getValue(), now);
            if (ttl > 0) out.add(new Listed(e.getKey(), e.getValue(), (ttl + 999) / 1000));
        }
        out.sort(Comparator.comparing(Listed::key));
        return out;
    }

    @Override
    public boolean reset(String key) {
        return tats.asMap().remove(key) != null;
    }

    @Override
    public long nowMicros() { return micros.getAsLong(); }

    @Override
    public String type() { return "embedded"; }

    @Override
    public String describe() { return "embedded (memory)"; }

    @Override
    public void close() {
        tats.invalidateAll();
    }
}
