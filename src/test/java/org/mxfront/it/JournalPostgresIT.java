// The decision journal on a real PostgreSQL 15 shared by two hosts (one console sees the fleet), and
// on the embedded H2: rows per second written, bytes per decision on disk, a trace search's time over
// what was written, and PostgreSQL stopped: journal rows dropped and counted, publishing unaffected,
// writing resumed once it is back. The figures are printed (docs/benchmarks.md has a run's).
package org.mxfront.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mxfront.console.Journal;
import org.mxfront.console.Principal;
import org.mxfront.console.Role;
import org.mxfront.console.TraceQuery;
import org.mxfront.policy.DecisionEvent;
import org.mxfront.policy.DecisionFeed;
import org.mxfront.store.PolicyStore;

class JournalPostgresIT {
    static final int ROWS = 40_000;
    static final Principal OPERATOR = new Principal("op", Role.OPERATOR, Set.of(), null);

    @TempDir
    Path dir;

    static DecisionEvent event(String host, int i) {
        boolean refused = i % 3 == 0;
        String ip = "192.0." + (i % 250) + "." + (i % 200 + 1);
        return new DecisionEvent(System.currentTimeMillis(), "smtp", refused ? "reject" : "accept", refused ? "RCPT" : "END-OF-MESSAGE",
                ip, "unknown", "client" + (i % 500) + ".example", "sender" + i + "@sender" + (i % 1000) + ".example",
                List.of("user" + (i % 5000) + "@example.com"), refused ? "XM-RJCT06" : "", refused ? "relay" : "",
                refused ? List.of("550 5.7.1 XM-RJCT06: Unauthorized relay attempt", "550 5.7.1 [" + ip + "] [mx.test]")
                        : List.of("250 2.0.0 Ok: queued as 4Xg2kq0Hc1z"),
                host + String.format("%010d", i), "", List.of());
    }

    /** Publishes n decisions in slices the writer keeps up with; returns rows per second. */
    static double fill(DecisionFeed feed, SimpleMeterRegistry r, String host, int n) throws Exception {
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            feed.publish(event(host, i));
            if (i % 5000 == 4999) await(r, i + 1, 60);
        }
        await(r, n, 60);
        return n / ((System.nanoTime() - t0) / 1e9);
    }

    static void await(SimpleMeterRegistry r, double rows, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (r.counter(Journal.ROWS).count() < rows && System.nanoTime() < deadline) Thread.sleep(20);
        assertEquals(rows, r.counter(Journal.ROWS).count(), "rows written");
    }

    static TraceQuery q(String k, String v) {
        return TraceQuery.of(Map.of(k, List.of(v)));
    }

    static long searchMillis(Journal j, TraceQuery q, int expectAtLeast) throws Exception {
        long t0 = System.nanoTime();
        List<DecisionEvent> hits = j.search(q, OPERATOR);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(hits.size() >= expectAtLeast, q + ": " + hits.size());
        return ms;
    }

    @Test
    void twoHostsOnePostgresAndAnOutage() throws Exception {
        assumeTrue(PostgresServer.available(), "PostgreSQL 15 is not installed");
        SimpleMeterRegistry ra = new SimpleMeterRegistry();
        SimpleMeterRegistry rb = new SimpleMeterRegistry();
        DecisionFeed fa = new DecisionFeed(1000);
        DecisionFeed fb = new DecisionFeed(1000);
        try (PostgresServer pg = PostgresServer.start(dir);
                PolicyStore sa = new PolicyStore(pg.jdbcUrl(), "mx", null, Duration.ofSeconds(1), 2);
                PolicyStore sb = new PolicyStore(pg.jdbcUrl(), "mx", null, Duration.ofSeconds(1), 2);
                Journal a = new Journal(sa.dataSource(), fa, Duration.ofDays(14), ra, Clock.systemUTC()).start();
                Journal b = new Journal(sb.dataSource(), fb, Duration.ofDays(14), rb, Clock.systemUTC()).start()) {
            double rate = fill(fa, ra, "A", ROWS);
            fill(fb, rb, "B", 100);
            // host A's console sees host B's decisions: one journal for the fleet
            assertEquals(1, a.search(q("session", "B0000000042"), OPERATOR).size());
            long bytes;
            try (Connection c = sa.dataSource().getConnection(); ResultSet rs = c.createStatement().executeQuery(
                    "SELECT pg_total_relation_size('decision_journal') + pg_total_relation_size('decision_rcpt')")) {
                rs.next();
                bytes = rs.getLong(1);
            }
            long bySender = searchMillis(a, q("sender", "sender31337@sender337.example"), 1);
            long bySession = searchMillis(a, q("session", "A0000031337"), 1);
            long byRecipient = searchMillis(a, q("recipient", "user1337@example.com"), 5);
            long byCode = searchMillis(a, q("code", "XM-RJCT06"), 500);
            System.out.printf("journal on PostgreSQL: %.0f rows/s written (batches of up to 500), %d bytes per decision "
                    + "(tables and indexes, %d rows); searches over them: sender %d ms, session %d ms, recipient %d ms, "
                    + "code %d ms%n", rate, bytes / (ROWS + 100), ROWS + 100, bySender, bySession, byRecipient, byCode);

            // PostgreSQL stopped: rows are dropped and counted, publishing never waits
            pg.stop();
            long t0 = System.nanoTime();
            for (int i = 0; i < Journal.QUEUE + 2000; i++) fa.publish(event("X", i));
            long publishMs = (System.nanoTime() - t0) / 1_000_000;
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (ra.counter(Journal.DROPPED).count() < 2000 && System.nanoTime() < deadline) Thread.sleep(50);
            assertTrue(ra.counter(Journal.DROPPED).count() >= 2000, "dropped " + ra.counter(Journal.DROPPED).count());
            assertTrue(publishMs < 5000, "publishing during the outage took " + publishMs + " ms");
            pg.startAgain();
            // the decisions queued during the outage are written first; then a new one goes through
            double rows = -1;
            deadline = System.nanoTime() + 90_000_000_000L;
            while (ra.counter(Journal.ROWS).count() != rows && System.nanoTime() < deadline) {
                rows = ra.counter(Journal.ROWS).count();
                Thread.sleep(1500);
            }
            double before = ra.counter(Journal.ROWS).count();
            fa.publish(event("Y", 1));
            deadline = System.nanoTime() + 60_000_000_000L;
            while (a.search(q("session", "Y0000000001"), OPERATOR).isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertEquals(1, a.search(q("session", "Y0000000001"), OPERATOR).size(), "writing resumed");
            assertTrue(ra.counter(Journal.ROWS).count() > before);
            System.out.printf("journal outage: %d decisions published in %d ms while PostgreSQL was down, %.0f dropped%n",
                    Journal.QUEUE + 2000, publishMs, ra.counter(Journal.DROPPED).count());
        }
    }

    @Test
    void embeddedFigures() throws Exception {
        SimpleMeterRegistry r = new SimpleMeterRegistry();
        DecisionFeed feed = new DecisionFeed(1000);
        Path state = dir.resolve("state");
        try (PolicyStore s = new PolicyStore(PolicyStore.embeddedUrl(state), null, null, Duration.ofSeconds(2), 2);
                Journal j = new Journal(s.dataSource(), feed, Duration.ofDays(14), r, Clock.systemUTC()).start()) {
            double rate = fill(feed, r, "H", ROWS);
            long bySender = searchMillis(j, q("sender", "sender31337@sender337.example"), 1);
            long bySession = searchMillis(j, q("session", "H0000031337"), 1);
            long byRecipient = searchMillis(j, q("recipient", "user1337@example.com"), 5);
            s.close();
            long bytes = Files.size(state.resolve("policy-store.mv.db"));
            System.out.printf("journal on embedded H2: %.0f rows/s written, %d bytes per decision (whole database file, "
                    + "%d rows); searches: sender %d ms, session %d ms, recipient %d ms%n", rate, bytes / ROWS, ROWS, bySender,
                    bySession, byRecipient);
        }
    }
}
