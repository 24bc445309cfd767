// The store wrapper: opens nothing until used, turns an opener failure into a store error and
// retries after a back-off, recovers, times operations, and reopens an embedded store that broke.
package org.mxfront.greylist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mxfront.checks.SharedResources;

class ManagedGreylistStoreTest {
    @TempDir
    Path tmp;

    final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @Test
    void nothingIsOpenedUntilFirstUse() {
        AtomicInteger opens = new AtomicInteger();
        try (ManagedGreylistStore m = new ManagedGreylistStore("memory", "test", () -> {
            opens.incrementAndGet();
            return new MemoryGreylistStore();
        }, Clock.systemUTC(), Duration.ofHours(1), registry)) {
            assertEquals(0, opens.get());
            m.lookup("c", "t", 0);
            m.lookup("c", "t", 0);
            assertEquals(1, opens.get());
            assertEquals(2, registry.get("mxfront.greylist.store.latency").tag("op", "lookup").timer().count());
        }
    }

    @Test
    void anOpenFailureIsAStoreErrorAndIsRetriedAfterABackOff() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        MemoryGreylistStore inner = new MemoryGreylistStore();
        try (ManagedGreylistStore m = new ManagedGreylistStore("memory", "test", () -> {
            if (attempts.incrementAndGet() == 1) throw new GreylistStoreException("not yet");
            return inner;
        }, Clock.systemUTC(), Duration.ofHours(1), registry)) {
            assertThrows(GreylistStoreException.class, () -> m.lookup("c", "t", 0));
            assertTrue(m.failing());
            GreylistStoreException e = assertThrows(GreylistStoreException.class, () -> m.lookup("c", "t", 0));
            assertTrue(e.getMessage().contains("next attempt"), e.getMessage());
            assertEquals(1, attempts.get(), "no new attempt within the back-off");
            long end = System.nanoTime() + 5_000_000_000L;
            while (System.nanoTime() < end) {
                try {
                    m.lookup("c", "t", 0);
                    break;
                } catch (GreylistStoreException again) {
                    Thread.sleep(50);
                }
            }
            assertEquals(2, attempts.get());
            assertFalse(m.failing(), "recovered");
        }
    }

    @Test
    void operationFailuresPassThroughAndRecover() {
        MemoryGreylistStore inner = new MemoryGreylistStore();
        try (ManagedGreylistStore m = new ManagedGreylistStore("memory", "test", () -> inner, Clock.systemUTC(),
                Duration.ofHours(1), registry)) {
            inner.down = true;
            assertThrows(GreylistStoreException.class, () -> m.lookup("c", "t", 0));
            assertTrue(m.failing());
            inner.down = false;
            m.lookup("c", "t", 0);
            assertFalse(m.failing());
        }
    }

    @Test
    void sharedResourcesOpenOneStorePerFile() {
        StoreConfig cfg = StoreConfig.defaults();
        try (SharedResources r = new SharedResources()) {
            ManagedGreylistStore a = r.get(ManagedGreylistStore.key(cfg, tmp), () -> ManagedGreylistStore.of(cfg, tmp, Clock.systemUTC(), registry));
            ManagedGreylistStore b = r.get(ManagedGreylistStore.key(cfg, tmp.resolve(".")),
                    () -> ManagedGreylistStore.of(cfg, tmp, Clock.systemUTC(), registry));
            assertTrue(a == b, "the same file is the same store");
            a.put(GreylistStore.Kind.CLIENT, "c", new GreylistEntry(0, 0, 1, 0, Long.MAX_VALUE), 0);
            assertEquals(1.0, registry.get("mxfront.greylist.store.entries").tag("store", "embedded").gauge().value());
        }
        // closed with the resources: the file can be opened again
        try (EmbeddedGreylistStore again = new EmbeddedGreylistStore(tmp.resolve("greylist.mv.db"))) {
            assertEquals(1, again.size());
        }
    }
}
