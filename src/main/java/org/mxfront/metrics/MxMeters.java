// Every meter of mxfront's own, named in one place. Prometheus names follow from Micrometer's
// conventions: mxfront.connections -> mxfront_connections_total, timers in seconds, sizes in bytes.
// Labels are bounded: outcomes, stages, reply ids, check names, downstream commands; never an
// address or a sender.
package org.mxfront.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.mxfront.policy.PolicyEngine;

/** The daemon's meters. Thread-safe; one per daemon. */
public final class MxMeters {
    public static final String CONNECTIONS = "mxfront.connections";
    public static final String CONNECTIONS_ACTIVE = "mxfront.connections.active";
    public static final String TRANSACTIONS = "mxfront.transactions";
    /** Registered by the engine, which sits below this package: the names live there. */
    public static final String REJECTIONS = PolicyEngine.REJECTIONS;
    public static final String CHECK_DURATION = PolicyEngine.CHECK_DURATION;
    public static final String MESSAGE_SIZE = "mxfront.message.size";
    public static final String DOWNSTREAM_REPLIES = "mxfront.downstream.replies";
    public static final String DOWNSTREAM_LATENCY = "mxfront.downstream.latency";
    public static final String CONFIG_RELOADS = "mxfront.config.reloads";
    public static final String TLS_HANDSHAKES = "mxfront.tls.handshakes";
    /** Greylisting decisions by outcome: new, too_early, passed, auto_allowed, exempt, store_error. */
    public static final String GREYLIST_DECISIONS = "mxfront.greylist.decisions";
    /** Greylisting store operations (seconds), by store type and operation. */
    public static final String GREYLIST_STORE_LATENCY = "mxfront.greylist.store.latency";
    /** Entries in the greylisting store, by store type. */
    public static final String GREYLIST_STORE_ENTRIES = "mxfront.greylist.store.entries";
    /** Rate-limit decisions by rule and outcome: allowed, limited, delayed, exempt, store_error. */
    public static final String RATELIMIT_DECISIONS = "mxfront.ratelimit.decisions";
    /** Rate-limit store operations (seconds), by store type and operation. */
    public static final String RATELIMIT_STORE_LATENCY = "mxfront.ratelimit.store.latency";
    /** Messages read by a content check, by check and result (clean, rejected, deferred, fail-open, skipped). */
    public static final String CONTENT_MESSAGES = "mxfront.content.messages";
    /** Message bytes read by a content check. */
    public static final String CONTENT_BYTES = "mxfront.content.bytes";
    /** Time a content check spent scanning (parsing, unpacking, the virus scanner's round trip), by check. */
    public static final String CONTENT_SCAN_DURATION = "mxfront.content.scan.duration";
    /** Policy-delegation requests answered, by protocol_state and action (dunno, reject, defer, disconnect). */
    public static final String POLICY_REQUESTS = "mxfront.policy.requests";
    /** Time from a complete policy request to its answer (seconds). */
    public static final String POLICY_REQUEST_DURATION = "mxfront.policy.request.duration";
    /** Policy connections closed without a reply, by reason. */
    public static final String POLICY_FAULTS = "mxfront.policy.faults";
    /** Policy client connections open now. */
    public static final String POLICY_CONNECTIONS = "mxfront.policy.connections.active";
    /** Messages whose policy state the policy door keeps now. */
    public static final String POLICY_INSTANCES = "mxfront.policy.instances";

    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();
    private final DistributionSummary messageSize;

    public MxMeters(MeterRegistry registry) {
        this.registry = registry;
        this.messageSize = DistributionSummary.builder(MESSAGE_SIZE).baseUnit("bytes")
                .description("Size of messages accepted downstream")
                .serviceLevelObjectives(4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 52428800)
                .register(registry);
        // Series that dashboards and alerts rate() exist from the start, at zero.
        for (String o : new String[] {"accepted", "refused"}) counter(CONNECTIONS, CONNECTIONS_HELP, "outcome", o);
        for (String o : new String[] {"accepted", "deferred", "rejected"}) counter(TRANSACTIONS, TRANSACTIONS_HELP, "outcome", o);
        for (String r : new String[] {"success", "failure"}) counter(CONFIG_RELOADS, RELOADS_HELP, "result", r);
    }

    private static final String CONNECTIONS_HELP = "Connections by outcome";
    private static final String TRANSACTIONS_HELP = "Mail transactions ended at the final dot, by outcome";
    private static final String RELOADS_HELP = "Configuration reloads by result";

    public MeterRegistry registry() { return registry; }

    /** A connection was accepted (greeted) or refused at connect. */
    public void connection(boolean accepted) {
        counter(CONNECTIONS, CONNECTIONS_HELP, "outcome", accepted ? "accepted" : "refused").increment();
    }

    /** A mail transaction ended at the final dot: accepted, rejected (5xx) or deferred (4xx). */
    public void transaction(int replyCode, long bytes) {
        String outcome = replyCode < 300 ? "accepted" : replyCode < 500 ? "deferred" : "rejected";
        counter(TRANSACTIONS, TRANSACTIONS_HELP, "outcome", outcome).increment();
        if (replyCode < 300) messageSize.record(bytes);
    }

    /** A downstream reply (or failure: code 0) to one command, and how long it took. */
    public void downstream(String command, int code, long nanos) {
        String cls = code == 0 ? "error" : (code / 100) + "xx";
        counter(DOWNSTREAM_REPLIES, "Downstream replies by command and class", "command", command, "class", cls).increment();
        timers.computeIfAbsent(command, c -> Timer.builder(DOWNSTREAM_LATENCY)
                .description("Time the downstream took to answer, by command").tag("command", c)
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(60)).register(registry)).record(nanos, TimeUnit.NANOSECONDS);
    }

    /**
     * A STARTTLS handshake: its protocol and cipher when it succeeded (null, null when it failed).
     * Bounded labels: the protocols and ciphers are the configured ones.
     */
    public void tlsHandshake(String protocol, String cipher, boolean ok) {
        counter(TLS_HANDSHAKES, "STARTTLS handshakes by outcome, protocol and cipher", "outcome", ok ? "success" : "failure",
                "protocol", protocol == null ? "none" : protocol, "cipher", cipher == null ? "none" : cipher).increment();
    }

    /** A configuration reload, successful or refused. */
    public void reload(boolean ok) {
        counter(CONFIG_RELOADS, RELOADS_HELP, "result", ok ? "success" : "failure").increment();
    }

    /** Registers a gauge on a value the caller owns. */
    public void gauge(String name, String description, Supplier<Number> value) {
        io.micrometer.core.instrument.Gauge.builder(name, value).description(description).register(registry);
    }

    private Counter counter(String name, String description, String... tags) {
        String key = name + String.join("|", tags);
        return counters.computeIfAbsent(key, k -> Counter.builder(name).description(description).tags(tags).register(registry));
    }
}
