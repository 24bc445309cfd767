// The managed store's outage handling: a store that cannot be opened or fails is reported by an
// exception (the check then fails open), logged once per outage (one WARN when it starts failing,
// one INFO when it works again, nothing per request), reopened after a back-off, and timed.
package org.mxfront.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class ManagedRateLimitStoreTest {
    static final List<RateLimitStore.Bucket> ONE = List.of(new RateLimitStore.Bucket("r:x", Gcra.Limit.of(10, 60_000_000L, 10), 1));

    @Test
    void anOutageIsLoggedOnceAndTheRecoveryOnce() throws Exception {
        AtomicBoolean down = new AtomicBoolean(true);
        AtomicInteger opens = new AtomicInteger();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ManagedRateLimitStore store = new ManagedRateLimitStore("redis", "redis://127.0.0.1:1/0", () -> {
            opens.incrementAndGet();
            if (down.get()) throw new RateLimitStoreException("redis 127.0.0.1:1: cannot connect: Connection refused", null);
            EmbeddedRateLimitStore inner = new EmbeddedRateLimitStore(() -> 1_000_000L, 100);
            return new StubRateLimitStore("redis", "redis test") {
                @Override
                public Outcome acquire(List<Bucket> buckets, boolean dryRun) {
                    if (down.get()) throw new RateLimitStoreException("redis: command timed out", null);
                    return inner.acquire(buckets, dryRun);
                }

                @Override
                public List<Listed> list(String contains, int limit) { return inner.list(contains, limit); }

                @Override
                public boolean reset(String key) { return inner.reset(key); }

                @Override
                public long nowMicros() { return 1_000_000L; }
            };
        }, () -> 0, registry);
        Logger log = (Logger) LoggerFactory.getLogger(ManagedRateLimitStore.class);
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        log.addAppender(lines);
        try {
            for (int i = 0; i < 20; i++) assertThrows(RateLimitStoreException.class, () -> store.acquire(ONE, false));
            assertTrue(store.failing());
            assertEquals(1, opens.get(), "not reopened before the back-off");
            down.set(false);
            Thread.sleep(250); // the first back-off is 200 ms
            assertTrue(store.acquire(ONE, false).allowed());
            assertFalse(store.failing());
            down.set(true);
            for (int i = 0; i < 5; i++) assertThrows(RateLimitStoreException.class, () -> store.acquire(ONE, false));
            down.set(false);
            assertTrue(store.acquire(ONE, false).allowed());
            List<String> seen = lines.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
            assertEquals(List.of(
                    "WARN rate-limit store redis://127.0.0.1:1/0 failing (rate limits fail open: mail is accepted until it works"
                            + " again): redis 127.0.0.1:1: cannot connect: Connection refused",
                    "INFO rate-limit store redis test opened",
                    "INFO rate-limit store redis://127.0.0.1:1/0 works again after 20 failed operations; rate limits are enforced",
                    "WARN rate-limit store redis://127.0.0.1:1/0 failing (rate limits fail open: mail is accepted until it works"
                            + " again): redis: command timed out",
                    "INFO rate-limit store redis://127.0.0.1:1/0 works again after 5 failed operations; rate limits are enforced"),
                    seen);
            assertEquals(Level.WARN, lines.list.get(0).getLevel());
            assertEquals(27, registry.find(ManagedRateLimitStore.STORE_LATENCY).tag("op", "acquire").timer().count());
        } finally {
            log.detachAppender(lines);
            store.close();
        }
    }
}
