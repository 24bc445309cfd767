// DictionaryGuard on the stores' skeleton (redis/ManagedStore): it counts and blocks through its
// store, times each operation, and fails open when the store cannot be opened (Redis down at the
// first lookup); the opener is not asked again within the back-off. A store that fails an operation
// is DictionaryGuardCheckTest's aFailingStoreBlocksNoOne.
package org.mxfront.recipients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.mxfront.mail.MeterNames;

class DictionaryGuardTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final AtomicLong nanos = new AtomicLong();

    @Test
    void countsBlocksAndTimesEachOperation() {
        MemoryGuardStore store = new MemoryGuardStore(100, nanos::get);
        try (DictionaryGuard g = new DictionaryGuard("memory", "memory", () -> store, Clock.systemUTC(), registry)) {
            assertEquals(DictionaryGuard.State.CLEAR, g.state("192.0.2.7/32"));
            assertFalse(g.unknownRecipient("192.0.2.7/32", 2, Duration.ofMinutes(1), Duration.ofMinutes(5)));
            assertTrue(g.unknownRecipient("192.0.2.7/32", 2, Duration.ofMinutes(1), Duration.ofMinutes(5)), "the second one blocks");
            assertEquals(DictionaryGuard.State.BLOCKED, g.state("192.0.2.7/32"));
            assertEquals(DictionaryGuard.State.CLEAR, g.state("192.0.2.8/32"));
            assertEquals(3, registry.get(MeterNames.GUARD_STORE_LATENCY).tag("op", "blocked").timer().count());
            assertEquals(2, registry.get(MeterNames.GUARD_STORE_LATENCY).tag("op", "count").timer().count());
            assertEquals(1, registry.get(MeterNames.GUARD_STORE_LATENCY).tag("store", "memory").tag("op", "block").timer().count());
        }
    }

    @Test
    void aStoreThatCannotBeOpenedBlocksNoOneAndIsNotAskedAgainAtOnce() {
        AtomicInteger attempts = new AtomicInteger();
        try (DictionaryGuard g = new DictionaryGuard("redis", "redis://127.0.0.1:1/0", () -> {
            attempts.incrementAndGet();
            throw new GuardStoreException("redis redis://127.0.0.1:1/0: cannot connect", null);
        }, Clock.systemUTC(), registry)) {
            assertEquals(DictionaryGuard.State.STORE_ERROR, g.state("192.0.2.7/32"));
            assertFalse(g.unknownRecipient("192.0.2.7/32", 1, Duration.ofMinutes(1), Duration.ofMinutes(5)));
            assertTrue(attempts.get() >= 1 && attempts.get() <= 2, "one attempt per second at most: " + attempts.get());
        }
    }
}
