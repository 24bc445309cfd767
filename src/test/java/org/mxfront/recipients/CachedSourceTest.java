// Covers CachedSource: found and unknown answers kept for their own TTLs, unavailable never kept,
// and the meters (lookups by result, cache hits and misses).
package org.mxfront.recipients;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CachedSourceTest {
    @Test
    void answersAreKeptForTheirTtlAndFailuresNever() {
        AtomicInteger asked = new AtomicInteger();
        AtomicLong now = new AtomicLong();
        RecipientSource inner = new RecipientSource() {
            @Override
            public String kind() { return "fake"; }

            @Override
            public Lookup lookup(String local, String domain) {
                asked.incrementAndGet();
                return switch (local) {
                    case "bob" -> new Lookup.Found("x");
                    case "susan" -> new Lookup.Found("x", AccountState.SUSPENDED);
                    case "down" -> new Lookup.Unavailable("x");
                    default -> new Lookup.NotFound("x");
                };
            }
        };
        SimpleMeterRegistry r = new SimpleMeterRegistry();
        CachedSource c = new CachedSource(inner, Duration.ofSeconds(60), Duration.ofSeconds(10), 100,
                new SourceMeters(r, "fake"), now::get);
        c.lookup("bob", "x.test");
        c.lookup("BOB", "x.test");
        c.lookup("nobody", "x.test");
        c.lookup("nobody", "x.test");
        c.lookup("down", "x.test");
        c.lookup("down", "x.test");
        assertEquals(4, asked.get());
        now.addAndGet(Duration.ofSeconds(11).toNanos());
        c.lookup("bob", "x.test");
        c.lookup("nobody", "x.test");
        assertEquals(5, asked.get());
        assertEquals(3, r.get(SourceMeters.CACHE).tag("result", "hit").counter().count());
        assertEquals(5, r.get(SourceMeters.CACHE).tag("result", "miss").counter().count());
        assertEquals(3, r.get(SourceMeters.LOOKUPS).tag("result", "found").counter().count());
        assertEquals(3, r.get(SourceMeters.LOOKUPS).tag("result", "not_found").counter().count());
        assertEquals(2, r.get(SourceMeters.LOOKUPS).tag("result", "error").counter().count());
        // a suspended account is kept for the negative TTL only: reactivated, it takes mail again soon
        c.lookup("susan", "x.test");
        c.lookup("susan", "x.test");
        assertEquals(6, asked.get());
        now.addAndGet(Duration.ofSeconds(11).toNanos());
        c.lookup("susan", "x.test");
        assertEquals(7, asked.get());
        assertEquals(3, r.get(SourceMeters.LOOKUPS).tag("result", "suspended").counter().count());
    }
}
