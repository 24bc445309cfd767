// A recipient source behind two Caffeine caches' worth of TTLs: an active address is remembered
// for positive-ttl, one that does not exist or whose account is not active (suspended, full) for
// negative-ttl, so that a reactivated account takes mail again soon; "unavailable" is never kept, so
// a directory that comes back is asked again at once. Counts hits, misses, results and latency.
package org.mxfront.recipients;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.Locale;

/** A caching, metered wrapper around a {@link RecipientSource}. Thread-safe. */
public final class CachedSource implements RecipientSource {
    private final RecipientSource inner;
    private final Cache<String, Lookup> cache;
    private final SourceMeters meters;
    private final long positiveNanos;
    private final long negativeNanos;

    /**
     * @param positiveTtl how long a found address is kept (zero: not cached)
     * @param negativeTtl how long an unknown address is kept (zero: not cached)
     * @param maxEntries  the most addresses kept
     */
    public CachedSource(RecipientSource inner, Duration positiveTtl, Duration negativeTtl, long maxEntries,
            SourceMeters meters, Ticker ticker) {
        this.inner = inner;
        this.meters = meters;
        long pos = positiveTtl.toNanos();
        long neg = negativeTtl.toNanos();
        this.positiveNanos = pos;
        this.negativeNanos = neg;
        this.cache = Caffeine.newBuilder().maximumSize(maxEntries).ticker(ticker)
                .expireAfter(Expiry.writing((String key, Lookup value) ->
                        Duration.ofNanos(value instanceof Lookup.Found f && f.state() == AccountState.ACTIVE ? pos : neg)))
                .build();
    }

    @Override
    public String kind() { return inner.kind(); }

    @Override
    public Lookup lookup(String localPart, String domain) {
        String key = localPart.toLowerCase(Locale.ROOT) + "@" + domain;
        Lookup l = cache.getIfPresent(key);
        meters.cache(l != null);
        if (l == null) {
            long t0 = System.nanoTime();
            l = inner.lookup(localPart, domain);
            meters.latency(System.nanoTime() - t0);
            long ttl = switch (l) {
                case Lookup.Found f -> f.state() == AccountState.ACTIVE ? positiveNanos : negativeNanos;
                case Lookup.NotFound n -> negativeNanos;
                case Lookup.Unavailable u -> 0;
            };
            if (ttl > 0) cache.put(key, l);
        }
        meters.lookup(l);
        return l;
    }

    /** Forgets every cached answer (the table changed). */
    public void invalidateAll() {
        cache.invalidateAll();
    }

    @Override
    public void warmUp() {
        inner.warmUp();
    }

    @Override
    public void close() {
        inner.close();
    }
}
