// JMH microbenchmarks of the policy hot path: a full RCPT-stage evaluation with all backbone
// (non-DNS) checks under the default configuration, and rendering a refusal. Run with bench/jmh.sh.
package org.mxfront.bench;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.mxfront.Doors;
import org.mxfront.codes.Code;
import org.mxfront.codes.ReplyCatalogue;
import org.mxfront.config.ConfigLoader;
import org.mxfront.mail.Mailbox;
import org.mxfront.policy.Decision;
import org.mxfront.policy.PolicyEngine;
import org.mxfront.policy.PolicySession;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PolicyBench {
    PolicyEngine engine;
    PolicySession session;
    Mailbox local = new Mailbox("bob", "example.com", false);
    Mailbox remote = new Mailbox("x", "elsewhere.example", false);
    ReplyCatalogue catalogue = ReplyCatalogue.defaults();

    @Setup
    public void setup() throws Exception {
        engine = new ConfigLoader(Doors.ALL).parse("bench.yml", "server: { hostname: mx.bench }\n", new SimpleMeterRegistry()).engine();
        session = engine.newSession(InetAddress.getByName("192.0.2.7"), 40000, 1);
        session.connect();
        session.helo("client.sender.example");
        session.mail(new Mailbox("a", "sender.example", false), 4096);
    }

    /** RCPT for a local recipient: connection, HELO, relay, recipient-limit checks all pass. */
    @Benchmark
    public Decision rcptAccepted() {
        return session.rcpt(local);
    }

    /** RCPT refused as a relay attempt: the engine renders the reply and logs the decision. */
    @Benchmark
    public Decision rcptRelayDenied() {
        return session.rcpt(remote);
    }

    /** Rendering one refusal to its wire form. */
    @Benchmark
    public String renderReply() {
        return catalogue.render(Code.RELAY_DENIED, Map.of("recipient", "x@elsewhere.example"), "192.0.2.7", "mx.bench")
                .wire(true);
    }
}
