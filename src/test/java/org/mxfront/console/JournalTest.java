// The decision journal on the embedded store (H2, the policy store's own pool): decisions from the
// feed reach the tables in batches, the trace's searches (sender and its domain, recipient, client
// address and network, session, code, time) with the tenant filter, retention pruning, and a dead
// database that drops and counts journal rows while publishing never waits.
package org.mxfront.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mxfront.policy.DecisionEvent;
import org.mxfront.policy.DecisionFeed;
import org.mxfront.store.PolicyStore;

class JournalTest {
    @TempDir
    Path dir;

    static final Principal OPERATOR = new Principal("op", Role.OPERATOR, Set.of(), null);

    static DecisionEvent event(long at, String session, String ip, String sender, String rcpt, String code) {
        return new DecisionEvent(at, "smtp", code.isEmpty() ? "accept" : "reject", "RCPT", ip, "unknown", "helo.example", sender,
                List.of(rcpt), code, code.isEmpty() ? "" : "relay",
                code.isEmpty() ? List.of("250 2.0.0 Ok") : List.of("550 5.7.1 " + code + ": Unauthorized relay attempt",
                        "550 5.7.1 [" + ip + "] [mx.test]"), session, "", List.of("helo: 550 5.7.1 XM-RJCT25: x"));
    }

    static TraceQuery q(Map<String, String> fields) {
        return TraceQuery.of(fields.entrySet().stream().collect(java.util.stream.Collectors.toMap(Map.Entry::getKey,
                e -> List.of(e.getValue()))));
    }

    static List<String> sessions(List<DecisionEvent> l) {
        return l.stream().map(DecisionEvent::session).sorted().toList();
    }

    @Test
    void decisionsAreWrittenSearchedAndPruned() throws Exception {
        AtomicLong now = new AtomicLong(Instant.parse("2026-12-07T03:00:00Z").toEpochMilli());
        Clock clock = new Clock() {
            public ZoneOffset getZone() { return ZoneOffset.UTC; }
            public Clock withZone(java.time.ZoneId z) { return this; }
            public Instant instant() { return Instant.ofEpochMilli(now.get()); }
        };
        DecisionFeed feed = new DecisionFeed(100);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (PolicyStore store = new PolicyStore(PolicyStore.embeddedUrl(dir), null, null, Duration.ofSeconds(2), 2);
                Journal journal = new Journal(store.dataSource(), feed, Duration.ofDays(14), registry, clock).start()) {
            long t = now.get();
            feed.publish(event(t - 20 * 86_400_000L, "OLD000000001", "192.0.2.1", "old@spam.example", "x@example.com", "XM-RJCT06"));
            feed.publish(event(t - 60_000, "SESSIONA0001", "192.0.2.7", "Alice@Spam.Example", "bob@example.com", "XM-RJCT06"));
            feed.publish(event(t - 30_000, "SESSIONB0001", "198.51.100.9", "carol@ok.example", "dan@example.org", ""));
            feed.publish(event(t, "SESSIONC0001", "192.0.2.200", "eve@spam.example", "Bob@Example.com", "XM-RJCT06"));
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (registry.counter(Journal.ROWS).count() < 4 && System.nanoTime() < deadline) Thread.sleep(50);
            assertEquals(4.0, registry.counter(Journal.ROWS).count());

            assertEquals(List.of("SESSIONA0001"), sessions(journal.search(q(Map.of("sender", "alice@spam.example")), OPERATOR)));
            assertEquals(List.of("OLD000000001", "SESSIONA0001", "SESSIONC0001"),
                    sessions(journal.search(q(Map.of("sender", "@spam.example")), OPERATOR)));
            assertEquals(List.of("SESSIONA0001", "SESSIONC0001"),
                    sessions(journal.search(q(Map.of("recipient", "bob@example.com")), OPERATOR)));
            assertEquals(List.of("SESSIONA0001"), sessions(journal.search(q(Map.of("client", "192.0.2.7")), OPERATOR)));
            assertEquals(List.of("OLD000000001", "SESSIONA0001", "SESSIONC0001"),
                    sessions(journal.search(q(Map.of("client", "192.0.2.0/24")), OPERATOR)));
            assertEquals(List.of("SESSIONB0001"), sessions(journal.search(q(Map.of("session", "sessionb0001")), OPERATOR)));
            assertEquals(List.of("SESSIONA0001", "SESSIONC0001"),
                    sessions(journal.search(q(Map.of("code", "XM-RJCT06", "from", "2026-12-07T02:30")), OPERATOR)));
            DecisionEvent a = journal.search(q(Map.of("session", "SESSIONA0001")), OPERATOR).get(0);
            assertEquals("relay", a.check());
            assertEquals(List.of("550 5.7.1 XM-RJCT06: Unauthorized relay attempt", "550 5.7.1 [192.0.2.7] [mx.test]"), a.reply());
            assertEquals(List.of("helo: 550 5.7.1 XM-RJCT25: x"), a.findings());
            assertEquals("Alice@Spam.Example", a.sender());

            // tenants: a domain admin of example.org sees its message only; a user only mail to them
            Principal orgAdmin = new Principal("d", Role.DOMAIN_ADMIN, Set.of("example.org"), null);
            assertEquals(List.of("SESSIONB0001"), sessions(journal.search(q(Map.of("code", "")), orgAdmin).isEmpty()
                    ? List.of() : journal.search(q(Map.of("outcome", "accepted")), orgAdmin)));
            assertEquals(List.of(), journal.search(q(Map.of("sender", "@spam.example")), orgAdmin));
            assertEquals(List.of(), journal.session("SESSIONA0001", orgAdmin));
            Principal bob = new Principal("bob@example.com", Role.USER, Set.of(), "bob@example.com");
            assertEquals(List.of("SESSIONA0001", "SESSIONC0001"), sessions(journal.search(q(Map.of("code", "XM-RJCT06",
                    "from", "2026-12-07T00:00")), bob)));

            // retention: the 20-day-old decision goes at the next prune; the rest stays
            assertEquals(1, journal.prune());
            assertEquals(List.of("SESSIONA0001", "SESSIONC0001"),
                    sessions(journal.search(q(Map.of("sender", "@spam.example")), OPERATOR)));
        }
    }

    @Test
    void aDeadDatabaseDropsJournalRowsNotMail() throws Exception {
        DecisionFeed feed = new DecisionFeed(100);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        // nothing listens on port 1: every connection attempt fails at once
        try (PolicyStore store = new PolicyStore("jdbc:postgresql://127.0.0.1:1/none", "mx", null, Duration.ofMillis(300), 1);
                Journal journal = new Journal(store.dataSource(), feed, Duration.ofDays(14), registry, Clock.systemUTC()).start()) {
            long t0 = System.nanoTime();
            for (int i = 0; i < Journal.QUEUE + 1000; i++) feed.publish(event(i, "S" + i, "192.0.2.1", "a@b.example", "c@example.com", ""));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms < 5000, "publishing 51,000 decisions took " + ms + " ms");
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (registry.counter(Journal.DROPPED).count() < 1000 && System.nanoTime() < deadline) Thread.sleep(50);
            assertTrue(registry.counter(Journal.DROPPED).count() >= 1000, "dropped " + registry.counter(Journal.DROPPED).count());
            assertEquals(0.0, registry.counter(Journal.ROWS).count());
        }
    }
}
