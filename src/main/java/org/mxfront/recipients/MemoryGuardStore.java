// The dictionary-attack guard's counts and blocks in this process (Caffeine caches whose entries
// expire on their own), for a single MX host.
package org.mxfront.recipients;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** In-memory guard store. Thread-safe. */
public final class MemoryGuardStore implements GuardStore {
    /** A value that lives for its own duration. */
    private record Timed<T>(T value, long nanos) {}

    private final Cache<String, Timed<AtomicLong>> counts;
    private final Cache<String, Timed<Boolean>> blocks;

    public MemoryGuardStore(long maxKeys, Ticker ticker) {
        // each entry expires after its own duration, counted from its creation
        this.counts = Caffeine.newBuilder().maximumSize(maxKeys).ticker(ticker)
                .expireAfter(Expiry.writing((String k, Timed<AtomicLong> v) -> Duration.ofNanos(v.nanos()))).build();
        this.blocks = Caffeine.newBuilder().maximumSize(maxKeys).ticker(ticker)
                .expireAfter(Expiry.writing((String k, Timed<Boolean> v) -> Duration.ofNanos(v.nanos()))).build();
    }

    @Override
    public boolean blocked(String key) {
        return blocks.getIfPresent(key) != null;
    }

    @Override
    public long addUnknown(String key, Duration window) {
        return counts.get(key, k -> new Timed<>(new AtomicLong(), window.toNanos())).value().incrementAndGet();
    }

    @Override
    public void block(String key, Duration duration) {
        blocks.put(key, new Timed<>(Boolean.TRUE, duration.toNanos()));
        counts.invalidate(key);
    }

    @Override
    public String describe() { return "memory"; }
}
