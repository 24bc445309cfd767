// The engine's connect sequence: checks start their background work first (prefetch), then the
// client is completed (verified host name), then the CONNECT checks see the completed client;
// XCLIENT starts the sequence over for the new client.
package org.mxfront.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mxfront.codes.ReplyCatalogue;
import org.mxfront.mail.ClientEnricher;
import org.mxfront.net.Networks;

class ClientEnrichmentTest {
    final List<String> events = new ArrayList<>();

    final Check recorder = new Check() {
        @Override
        public Set<Stage> stages() { return Set.of(Stage.CONNECT); }

        @Override
        public void prefetch(Facts f) { events.add("prefetch " + f.client().logName()); }

        @Override
        public Verdict evaluate(Stage stage, Facts f) {
            events.add("connect " + f.client().logName());
            return Verdict.CONTINUE;
        }
    };

    PolicyEngine engine() {
        Policy p = new Policy("default", List.of(new ConfiguredCheck("recorder", Mode.ENFORCE, recorder)), List.of());
        ClientEnricher enricher = c -> {
            events.add("enrich " + c.logName());
            return c.withReverseName("host" + c.ip().substring(c.ip().lastIndexOf('.') + 1) + ".example.net");
        };
        return new PolicyEngine(p, Map.of(), Networks.NONE, ReplyCatalogue.defaults(), "mx.test", true, new DecisionLog(),
                new SimpleMeterRegistry(), enricher);
    }

    @Test
    void prefetchThenEnrichThenConnectChecks() throws Exception {
        PolicySession s = engine().newSession(InetAddress.getByName("192.0.2.7"), 40000, 1);
        s.connect();
        assertEquals(List.of("prefetch unknown[192.0.2.7]", "enrich unknown[192.0.2.7]", "connect host7.example.net[192.0.2.7]"),
                events);
        assertEquals("host7.example.net", s.facts().client().reverseName());
        events.clear();
        s.changeClient(InetAddress.getByName("192.0.2.8"), 40001, null, 1);
        assertEquals(List.of("prefetch unknown[192.0.2.8]", "enrich unknown[192.0.2.8]", "connect host8.example.net[192.0.2.8]"),
                events);
    }

    @Test
    void aFailingEnricherLeavesTheClientAsItWas() throws Exception {
        Policy p = new Policy("default", List.of(), List.of());
        PolicyEngine e = new PolicyEngine(p, Map.of(), Networks.NONE, ReplyCatalogue.defaults(), "mx.test", true,
                new DecisionLog(), new SimpleMeterRegistry(), c -> {
                    throw new IllegalStateException("boom");
                });
        PolicySession s = e.newSession(InetAddress.getByName("192.0.2.7"), 40000, 1);
        s.connect();
        assertEquals("unknown[192.0.2.7]", s.facts().client().logName());
    }
}
