// The policy door's meters: requests by protocol_state and action, time per request, protocol
// faults by reason, open connections and messages in the instance table. Names follow Prometheus'
// rules (mxfront_policy_requests_total, mxfront_policy_request_duration_seconds, ...); labels bounded.
package org.mxfront.policyserver;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.mxfront.mail.MeterNames;
import org.mxfront.metrics.MxMeters;
import org.mxfront.policyserver.PolicyAttributes.State;

/** Meters of the policy door. Thread-safe. */
final class PolicyMeters {
    private final MeterRegistry registry;
    private final Map<String, Counter> requests = new ConcurrentHashMap<>();
    private final Map<ProtocolFault.Reason, Counter> faults = new ConcurrentHashMap<>();
    private final Timer duration;

    PolicyMeters(MxMeters meters) {
        this.registry = meters.registry();
        this.duration = Timer.builder(MeterNames.POLICY_REQUEST_DURATION)
                .description("Time from a complete policy request to its answer").register(registry);
        // the series dashboards rate() exist from the start, at zero
        for (String a : new String[] {"dunno", "reject", "defer"}) counter(State.RCPT, a);
        faultCounter(ProtocolFault.Reason.NOT_TEXT);
    }

    /** Registers the gauges (once per door). */
    void gauges(Supplier<Number> connections, Supplier<Number> instances) {
        Gauge.builder(MeterNames.POLICY_CONNECTIONS, connections).description("Policy client connections open now").register(registry);
        Gauge.builder(MeterNames.POLICY_INSTANCES, instances).description("Messages whose policy state is kept now").register(registry);
    }

    /** One request answered with the action (label of {@link PolicyActions#label}) after nanos. */
    void request(State state, String action, long nanos) {
        counter(state, action).increment();
        duration.record(nanos, TimeUnit.NANOSECONDS);
    }

    void fault(ProtocolFault.Reason reason) {
        faultCounter(reason).increment();
    }

    private Counter counter(State state, String action) {
        return requests.computeIfAbsent(state.label() + '|' + action, k -> Counter.builder(MeterNames.POLICY_REQUESTS)
                .description("Policy requests answered, by protocol_state and action")
                .tag("protocol_state", state.label()).tag("action", action).register(registry));
    }

    private Counter faultCounter(ProtocolFault.Reason reason) {
        return faults.computeIfAbsent(reason, r -> Counter.builder(MeterNames.POLICY_FAULTS)
                .description("Policy connections closed without a reply, by reason")
                .tag("reason", r.label()).register(registry));
    }
}
