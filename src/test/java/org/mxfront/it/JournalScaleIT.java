// The decision journal's trace searches over a large journal on a real PostgreSQL 15: rows made in
// bulk by SQL (generate_series; writing them through the journal would take hours), then each search
// the console offers, timed, with its indexes. Runs only when asked, it needs minutes and gigabytes:
//   mvn verify -Dit.test=JournalScaleIT -Dmxfront.journal.rows=10000000
package org.mxfront.it;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mxfront.console.Journal;
import org.mxfront.console.Principal;
import org.mxfront.console.Role;
import org.mxfront.console.TraceQuery;
import org.mxfront.policy.DecisionFeed;
import org.mxfront.store.PolicyStore;

class JournalScaleIT {
    @TempDir
    Path dir;

    static TraceQuery q(Map<String, String> f) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        f.forEach((k, v) -> m.put(k, List.of(v)));
        return TraceQuery.of(m);
    }

    @Test
    void searchesOverAManyMillionRowJournal() throws Exception {
        long rows = Long.getLong("mxfront.journal.rows", 0);
        assumeTrue(rows > 0, "set -Dmxfront.journal.rows=N to run");
        assumeTrue(PostgresServer.available(), "PostgreSQL 15 is not installed");
        try (PostgresServer pg = PostgresServer.start(dir);
                PolicyStore store = new PolicyStore(pg.jdbcUrl(), "mx", null, Duration.ofSeconds(30), 2);
                Journal journal = new Journal(store.dataSource(), new DecisionFeed(10), Duration.ofDays(14),
                        new SimpleMeterRegistry(), Clock.systemUTC()).start()) {
            while (!journal.ready()) Thread.sleep(100);
            long base = System.currentTimeMillis() - rows * 50;
            long t0 = System.nanoTime();
            try (Connection c = store.dataSource().getConnection(); Statement s = c.createStatement()) {
                s.execute("SET statement_timeout = 0");
                s.execute("""
                        INSERT INTO decision_journal (id, at, door, action, outcome, stage, client_ip, client_name, helo, sender,
                            sender_key, sender_domain, recipients, code, check_name, reply, session_id, queue_id, findings)
                        SELECT g, %d + g * 50, 'smtp',
                            CASE WHEN g %% 3 = 0 THEN 'reject' ELSE 'accept' END,
                            CASE WHEN g %% 3 = 0 THEN 'refused' ELSE 'accepted' END,
                            CASE WHEN g %% 3 = 0 THEN 'RCPT' ELSE 'END-OF-MESSAGE' END,
                            '10.' || (g %% 250) || '.' || ((g / 250) %% 250) || '.' || (g %% 200 + 1), 'unknown',
                            'client' || (g %% 50000) || '.example',
                            'sender' || g || '@sender' || (g %% 100000) || '.example',
                            'sender' || g || '@sender' || (g %% 100000) || '.example',
                            'sender' || (g %% 100000) || '.example',
                            'user' || (g %% 500000) || '@d' || (g %% 5000) || '.example',
                            CASE WHEN g %% 3 = 0 THEN 'XM-RJCT06' ELSE '' END,
                            CASE WHEN g %% 3 = 0 THEN 'relay' ELSE '' END,
                            CASE WHEN g %% 3 = 0 THEN '550 5.7.1 XM-RJCT06: Unauthorized relay attempt' ELSE '250 2.0.0 Ok' END,
                            'S' || lpad(g::text, 11, '0'), '', ''
                        FROM generate_series(1, %d) g""".formatted(base, rows));
                s.execute("""
                        INSERT INTO decision_rcpt (journal_id, address, domain)
                        SELECT g, 'user' || (g %% 500000) || '@d' || (g %% 5000) || '.example', 'd' || (g %% 5000) || '.example'
                        FROM generate_series(1, %d) g""".formatted(rows));
                s.execute("ANALYZE decision_journal");
                s.execute("ANALYZE decision_rcpt");
            }
            long loadS = (System.nanoTime() - t0) / 1_000_000_000L;
            Principal op = new Principal("op", Role.OPERATOR, Set.of(), null);
            Principal admin = new Principal("a", Role.DOMAIN_ADMIN, Set.of("d42.example"), null);
            long mid = rows / 2 / 3 * 3;
            Map<String, TraceQuery> searches = new LinkedHashMap<>();
            searches.put("sender", q(Map.of("sender", "sender" + mid + "@sender" + (mid % 100000) + ".example")));
            searches.put("sender domain", q(Map.of("sender", "@sender4242.example")));
            searches.put("recipient", q(Map.of("recipient", "user4242@d4242.example")));
            searches.put("client IP", q(Map.of("client", "10.42.16.43")));
            searches.put("HELO", q(Map.of("helo", "client4242.example")));
            searches.put("session", q(Map.of("session", String.format("S%011d", mid))));
            searches.put("code (newest 500)", q(Map.of("code", "XM-RJCT06")));
            searches.put("code and sender domain", q(Map.of("code", "XM-RJCT06", "sender", "@sender4242.example")));
            StringBuilder out = new StringBuilder();
            for (var e : searches.entrySet()) {
                journal.search(e.getValue(), op); // warm the cache once, as a second search by the same admin would be
                long s0 = System.nanoTime();
                int hits = journal.search(e.getValue(), op).size();
                long ms = (System.nanoTime() - s0) / 1_000_000;
                out.append(String.format("%s %d ms (%d hits); ", e.getKey(), ms, hits));
                assertTrue(hits > 0, e.getKey());
                assertTrue(ms < 1000, e.getKey() + " took " + ms + " ms");
            }
            long s0 = System.nanoTime();
            int hits = journal.search(q(Map.of("code", "XM-RJCT06")), admin).size();
            long adminMs = (System.nanoTime() - s0) / 1_000_000;
            out.append(String.format("a domain admin's refusals %d ms (%d hits)", adminMs, hits));
            System.out.printf("journal scale: %d rows loaded by SQL in %d s; searches: %s%n", rows, loadS, out);
        }
    }
}
