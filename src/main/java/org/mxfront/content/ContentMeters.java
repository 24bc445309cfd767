// The meters every content check keeps (names in MxMeters): messages scanned by result, bytes
// scanned, scan time. Rejections by reason are the engine's mxfront_rejections_total{code=...}.
package org.mxfront.content;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.mxfront.mail.MeterNames;
import org.mxfront.metrics.MxMeters;

/** One content check's meters. Thread-safe. */
public final class ContentMeters {
    private final MeterRegistry registry;
    private final String check;
    private final Counter bytes;
    private final Timer duration;
    private final Map<String, Counter> results = new ConcurrentHashMap<>();

    public ContentMeters(MeterRegistry registry, String check) {
        this.registry = registry;
        this.check = check;
        this.bytes = Counter.builder(MeterNames.CONTENT_BYTES).baseUnit("bytes").description("Message bytes read by content checks")
                .tag("check", check).register(registry);
        this.duration = Timer.builder(MeterNames.CONTENT_SCAN_DURATION).description("Time content checks spent scanning")
                .tag("check", check).register(registry);
    }

    /**
     * One message scanned.
     *
     * @param result clean, rejected, deferred, fail-open or skipped
     */
    public void scanned(String result, long byteCount, long nanos) {
        results.computeIfAbsent(result, r -> Counter.builder(MeterNames.CONTENT_MESSAGES)
                .description("Messages read by content checks, by result").tag("check", check).tag("result", r)
                .register(registry)).increment();
        bytes.increment(byteCount);
        if (nanos >= 0) duration.record(nanos, TimeUnit.NANOSECONDS);
    }
}
