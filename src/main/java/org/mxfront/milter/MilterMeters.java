// The milter door's meters: replies by event and action, messages by outcome, time per answered
// command, connections closed for a fault by reason, open connections. Names follow Prometheus'
// rules (mxfront_milter_replies_total, mxfront_milter_event_duration_seconds ...); labels bounded.
package org.mxfront.milter;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.mxfront.metrics.MxMeters;

/** Meters of the milter door. Thread-safe. */
final class MilterMeters {
    /** Replies sent to the MTA, by event (connect, helo, mail, rcpt, data, eoh, eom) and action. */
    static final String REPLIES = "mxfront.milter.replies";
    /** Messages that reached end of message, by outcome (accepted, rejected, deferred, discarded). */
    static final String MESSAGES = "mxfront.milter.messages";
    /** Size of the messages accepted at this door. */
    static final String MESSAGE_SIZE = "mxfront.milter.message.size";
    /** Time from a complete command to its reply. */
    static final String EVENT_DURATION = "mxfront.milter.event.duration";
    /** Connections closed for a fault, by reason. */
    static final String FAULTS = "mxfront.milter.faults";
    /** Milter connections open now. */
    static final String CONNECTIONS = "mxfront.milter.connections.active";

    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Timer duration;
    private final DistributionSummary size;

    MilterMeters(MxMeters meters) {
        this.registry = meters.registry();
        this.duration = Timer.builder(EVENT_DURATION).description("Time from a complete milter command to its reply")
                .register(registry);
        this.size = DistributionSummary.builder(MESSAGE_SIZE).baseUnit("bytes")
                .description("Size of the messages accepted at the milter door").register(registry);
        // the series dashboards rate() exist from the start, at zero
        for (String a : new String[] {"continue", "reject", "defer"}) reply("rcpt", a);
        for (String o : new String[] {"accepted", "rejected", "deferred"}) counter(MESSAGES, "outcome", o);
        fault(MilterFault.Reason.MALFORMED, 0);
    }

    void gauge(Supplier<Number> connections) {
        Gauge.builder(CONNECTIONS, connections).description("Milter connections open now").register(registry);
    }

    /** One reply to an event. */
    void reply(String event, String action) {
        counter(REPLIES, "event", event, "action", action).increment();
    }

    void timed(long nanos) {
        duration.record(nanos, TimeUnit.NANOSECONDS);
    }

    void message(MilterSession.Outcome o, boolean discarded) {
        String outcome = discarded ? "discarded" : o.code() < 300 ? "accepted" : o.code() < 500 ? "deferred" : "rejected";
        counter(MESSAGES, "outcome", outcome).increment();
        if (o.code() < 300) size.record(o.bytes());
    }

    void fault(MilterFault.Reason reason) {
        fault(reason, 1);
    }

    private void fault(MilterFault.Reason reason, int n) {
        counter(FAULTS, "reason", reason.label()).increment(n);
    }

    private Counter counter(String name, String... tags) {
        return counters.computeIfAbsent(name + '|' + String.join("|", tags), k -> Counter.builder(name)
                .description(switch (name) {
                    case REPLIES -> "Milter replies by event and action";
                    case MESSAGES -> "Messages at the milter door by outcome";
                    default -> "Milter connections closed for a fault, by reason";
                }).tags(tags).register(registry));
    }

    /** The action label of a reply. */
    static String action(MilterResponse r) {
        return switch (r) {
            case MilterResponse.Continue c -> "continue";
            case MilterResponse.Tempfail t -> "defer";
            case MilterResponse.Discard d -> "discard";
            case MilterResponse.ReplyCode y -> y.text().charAt(0) == '5' ? "reject" : "defer";
            case MilterResponse.InsertHeader i -> "insheader";
            case MilterResponse.AddHeader a -> "addheader";
            case MilterResponse.ChangeHeader c -> "chgheader";
            case MilterResponse.Negotiated n -> "negotiated";
        };
    }
}
