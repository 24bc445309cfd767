// SharedResources: one object per key, warm-up at start and for later arrivals, closing newest
// first and only once, and no new resources after closing.
package org.mxfront.checks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class SharedResourcesTest {
    final List<String> events = new CopyOnWriteArrayList<>();

    final class Res implements AutoCloseable, SharedResources.Warm {
        final String name;

        Res(String name) {
            this.name = name;
            events.add("create " + name);
        }

        @Override
        public void warmUp() { events.add("warm " + name); }

        @Override
        public void close() { events.add("close " + name); }
    }

    @Test
    void oneObjectPerKeyWarmedAndClosedOnce() throws Exception {
        SharedResources r = new SharedResources();
        Res a = r.get(List.of("store", "a"), () -> new Res("a"));
        assertSame(a, r.get(List.of("store", "a"), () -> new Res("a2")));
        r.start();
        Res b = r.get(List.of("store", "b"), () -> new Res("b"));
        long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!events.contains("warm b") && System.nanoTime() < end) Thread.sleep(10);
        r.close();
        r.close();
        assertEquals(List.of("create a", "warm a", "create b", "warm b", "close b", "close a"), events);
        assertThrows(IllegalStateException.class, () -> r.get("x", () -> new Res("x")));
    }

    @Test
    void aResourceFromBelowChecksIsWarmedByTheActionPassedIn() {
        // e.g. the greylist store: greylist/ does not know SharedResources.Warm
        AutoCloseable plain = () -> events.add("close plain");
        try (SharedResources r = new SharedResources()) {
            assertSame(plain, r.get("plain", () -> plain, p -> events.add("warm plain")));
            assertSame(plain, r.get("plain", () -> null, p -> events.add("warm twice")));
            r.start();
        }
        assertEquals(List.of("warm plain", "close plain"), events);
    }
}
