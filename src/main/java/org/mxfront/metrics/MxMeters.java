// Every meter of mxfront's own, named in one place. Prometheus names follow from Micrometer's
// conventions: mxfront.connections -> mxfront_connections_total, timers in seconds, sizes in bytes.
// Labels are bounded: outcomes, stages, reply ids, check names, downstream commands; never an
// address or a sender.
package org.mxfront.metrics;


import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import static org.mxfront.mail.MeterNames.CONFIG_RELOADS;
import static org.mxfront.mail.MeterNames.CONNECTIONS;
import static org.mxfront.mail.MeterNames.DOWNSTREAM_LATENCY;
import static org.mxfront.mail.MeterNames.DOWNSTREAM_REPLIES;
import static org.mxfront.mail.MeterNames.MESSAGE_SIZE;
import static org.mxfront.mail.MeterNames.TLS_HANDSHAKES;
import static org.mxfront.mail.MeterNames.TRANSACTIONS;

/** The daemon's meters. Thread-safe; one per daemon. */
public final class MxMeters {
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
        Gauge.builder(name, value).description(description).register(registry);
    }

    private Counter counter(String name, String description, String... tags) {
        String key = name + String.join("|", tags);
        return counters.computeIfAbsent(key, k -> Counter.builder(name).description(description).tags(tags).register(registry));
    }
}
