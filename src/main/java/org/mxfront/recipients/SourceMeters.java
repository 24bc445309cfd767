// The meters every recipient source has, by source kind: lookups by result, cache hits and misses,
// and the latency of the lookups that reached the source.
package org.mxfront.recipients;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/** Per-source meters: {@code mxfront_recipients_lookups_total{source,result}} and friends. */
public final class SourceMeters {
    /** Lookups by source and result (found, not_found, error), cached or not. */
    public static final String LOOKUPS = "mxfront.recipients.lookups";
    /** Cache answers by source and result (hit, miss). */
    public static final String CACHE = "mxfront.recipients.cache";
    /** Time a lookup took at the source itself (cache misses only). */
    public static final String LATENCY = "mxfront.recipients.lookup.duration";

    private final MeterRegistry registry;
    private final String source;
    private final Counter hit;
    private final Counter miss;
    private final Timer latency;

    public SourceMeters(MeterRegistry registry, String source) {
        this.registry = registry;
        this.source = source;
        this.hit = Counter.builder(CACHE).description("Recipient cache answers by source").tag("source", source)
                .tag("result", "hit").register(registry);
        this.miss = Counter.builder(CACHE).description("Recipient cache answers by source").tag("source", source)
                .tag("result", "miss").register(registry);
        this.latency = Timer.builder(LATENCY).description("Recipient lookups at the source itself")
                .tag("source", source).publishPercentileHistogram().register(registry);
    }

    void cache(boolean wasHit) {
        (wasHit ? hit : miss).increment();
    }

    void latency(long nanos) {
        latency.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Counts one answer given to the check. */
    public void lookup(Lookup l) {
        Counter.builder(LOOKUPS).description("Recipient lookups by source and result").tag("source", source)
                .tag("result", l.tag()).register(registry).increment();
    }
}
