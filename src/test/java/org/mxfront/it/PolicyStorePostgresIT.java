// The policy store on a real PostgreSQL 15 shared by two hosts: both migrate at once (Flyway's
// lock), a change made through one is in force on the other within 2 s, PostgreSQL stopped keeps
// the last snapshot (outage counted once, lookups go on) and the next change after it comes back is
// applied, and a host started while PostgreSQL is down serves from its local snapshot file.
package org.mxfront.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mxfront.store.EntryValues;
import org.mxfront.store.ListEntry;
import org.mxfront.store.PolicyStore;
import org.mxfront.store.PolicyStoreService;
import org.mxfront.store.SnapshotFile;

class PolicyStorePostgresIT {
    @TempDir Path dir;

    PolicyStoreService host(PostgresServer pg, String name, SimpleMeterRegistry registry) {
        return new PolicyStoreService(new PolicyStore(pg.jdbcUrl(), "mx", null, Duration.ofSeconds(1), 2),
                new SnapshotFile(dir.resolve(name + ".snapshot.json.gz")), Duration.ofSeconds(1), registry);
    }

    static ListEntry block(String recipient, String sender) {
        return new ListEntry(0, ListEntry.Scope.USER, recipient, ListEntry.Action.BLOCK, ListEntry.Kind.SENDER,
                EntryValues.address("value", sender), null, null, null, null);
    }

    static ListEntry decide(PolicyStoreService s, String sender, String rcpt) throws Exception {
        return s.current().decide(InetAddress.getByName("198.51.100.7"), sender, rcpt, rcpt.substring(rcpt.indexOf('@') + 1),
                Instant.now());
    }

    /** Milliseconds until {@code host} has an entry deciding for sender/rcpt (fails after 5 s). */
    static long awaitApplied(PolicyStoreService host, String sender, String rcpt, long t0) throws Exception {
        while (System.nanoTime() - t0 < 5_000_000_000L) {
            if (decide(host, sender, rcpt) != null) return (System.nanoTime() - t0) / 1_000_000;
            Thread.sleep(20);
        }
        throw new AssertionError("not applied within 5 s");
    }

    @Test
    void twoHostsOnePostgres() throws Exception {
        assumeTrue(PostgresServer.available(), "PostgreSQL 15 is not installed");
        SimpleMeterRegistry ra = new SimpleMeterRegistry();
        SimpleMeterRegistry rb = new SimpleMeterRegistry();
        try (PostgresServer pg = PostgresServer.start(dir); PolicyStoreService a = host(pg, "a", ra);
                PolicyStoreService b = host(pg, "b", rb)) {
            // both start (and migrate) at once: Flyway's lock on PostgreSQL lets one do it
            CompletableFuture.allOf(CompletableFuture.runAsync(a::start), CompletableFuture.runAsync(b::start)).join();
            assertTrue(a.up() && b.up());

            long t0 = System.nanoTime();
            a.store().addEntry("alice", block("bob@example.com", "spam@example.net"));
            long ms = awaitApplied(b, "spam@example.net", "bob@example.com", t0);
            assertTrue(ms < 2000, "applied on the second host after " + ms + " ms");
            assertEquals(ListEntry.Action.BLOCK, decide(b, "spam@example.net", "bob@example.com").action());

            a.store().putDomain("alice", "hosted.example", "{}");
            t0 = System.nanoTime();
            while (b.current().domain("hosted.example") == null && System.nanoTime() - t0 < 3_000_000_000L) Thread.sleep(20);
            assertNotNull(b.current().domain("hosted.example"));

            // PostgreSQL stops: the last snapshot stays in force, the outage is counted once
            pg.stop();
            Thread.sleep(3500);
            assertEquals(1.0, rb.get(PolicyStoreService.OUTAGES).counter().count());
            assertEquals(0.0, rb.get(PolicyStoreService.UP).gauge().value());
            assertNotNull(decide(b, "spam@example.net", "bob@example.com"));

            // a host that starts now serves from its local snapshot file
            try (PolicyStoreService c = new PolicyStoreService(new PolicyStore(pg.jdbcUrl(), "mx", null, Duration.ofSeconds(1), 2),
                    new SnapshotFile(dir.resolve("b.snapshot.json.gz")), Duration.ofSeconds(1), new SimpleMeterRegistry())) {
                c.start();
                assertTrue(!c.up());
                assertNotNull(decide(c, "spam@example.net", "bob@example.com"));
                assertNotNull(c.current().domain("hosted.example"));
            }

            // back: the next change is applied
            pg.startAgain();
            long t1 = System.nanoTime();
            while (!a.up() && System.nanoTime() - t1 < 10_000_000_000L) Thread.sleep(50);
            assertTrue(a.up(), "host a reconnected");
            a.store().addEntry("alice", block("carol@example.com", "x@example.org"));
            t0 = System.nanoTime();
            ms = awaitApplied(b, "x@example.org", "carol@example.com", t0);
            assertTrue(ms < 3000, "applied after the outage in " + ms + " ms");
            assertEquals(1.0, rb.get(PolicyStoreService.UP).gauge().value());
            assertEquals(1.0, rb.get(PolicyStoreService.OUTAGES).counter().count());

            // a removal reaches the other host too
            long id = decide(b, "spam@example.net", "bob@example.com").id();
            assertTrue(a.store().removeEntry("bob", id));
            t0 = System.nanoTime();
            while (decide(b, "spam@example.net", "bob@example.com") != null && System.nanoTime() - t0 < 3_000_000_000L) Thread.sleep(20);
            assertNull(decide(b, "spam@example.net", "bob@example.com"));
            assertTrue(a.store().audit(0, 10).size() >= 4);
        }
    }
}
