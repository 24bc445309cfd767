// The spam check's meters: mxfront_spam_results_total{backend,action} (actions as rspamd names
// them, plus failed and skipped), mxfront_spam_score{backend} (a histogram of scores) and
// mxfront_spam_backend_latency_seconds{backend} (time for one classification, faults included).
package org.mxfront.checks.spam;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** Meters of the spam check. Thread-safe. */
final class SpamMeters {
    static final String RESULTS = "mxfront.spam.results";
    static final String SCORE = "mxfront.spam.score";
    static final String LATENCY = "mxfront.spam.backend.latency";

    private final MeterRegistry registry;
    private final Map<String, Counter> results = new ConcurrentHashMap<>();
    private final Map<String, DistributionSummary> scores = new ConcurrentHashMap<>();
    private final Map<String, Timer> latencies = new ConcurrentHashMap<>();

    SpamMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    void result(String backend, String action) {
        results.computeIfAbsent(backend + '|' + action, k -> Counter.builder(RESULTS)
                .description("Messages classified by the spam check, by backend and action (failed, skipped included)")
                .tag("backend", backend).tag("action", action).register(registry)).increment();
    }

    void score(String backend, double score) {
        scores.computeIfAbsent(backend, b -> DistributionSummary.builder(SCORE).description("Spam scores of classified messages")
                .tag("backend", b).serviceLevelObjectives(1, 2, 4, 6, 8, 10, 15, 20, 30, 50, 100).register(registry))
                .record(score);
    }

    void latency(String backend, long nanos) {
        latencies.computeIfAbsent(backend, b -> Timer.builder(LATENCY).description("Time for one classification by the backend")
                .tag("backend", b).serviceLevelObjectives(Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofMillis(100),
                        Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(5))
                .register(registry)).record(nanos, TimeUnit.NANOSECONDS);
    }
}
