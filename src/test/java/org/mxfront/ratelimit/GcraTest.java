// The GCRA maths with a clock the test moves (microseconds): a burst passes at once and the next is
// refused with the exact wait; the bucket refills one event per interval; a refused event counts
// nothing; costs (bytes) are weighted and capped at the burst; the embedded store's keys expire by
// themselves when the bucket is full again, and a step over several buckets is all-or-nothing.
package org.mxfront.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.mxfront.ratelimit.RateLimitStore.Bucket;

class GcraTest {
    static final long SECOND = 1_000_000L;
    static final long T0 = 1_764_000_000L * SECOND;

    /** 10 per minute, burst 3: interval 6 s, tolerance 18 s. */
    static final Gcra.Limit TEN_PER_MINUTE_BURST_3 = Gcra.Limit.of(10, 60 * SECOND, 3);

    @Test
    void theBurstPassesAtOnceThenTheNextWaitsOneInterval() {
        double tat = Double.NaN;
        for (int i = 0; i < 3; i++) {
            Gcra.Step s = Gcra.step(tat, T0, TEN_PER_MINUTE_BURST_3, 1);
            assertTrue(s.allowed(), "event " + (i + 1));
            assertEquals(2 - i, s.remaining());
            tat = s.tat();
        }
        assertEquals(T0 + 18 * SECOND, tat, 0.5);
        Gcra.Step refused = Gcra.step(tat, T0, TEN_PER_MINUTE_BURST_3, 1);
        assertFalse(refused.allowed());
        assertEquals(6 * SECOND, refused.retryAfterMicros(), "one interval");
        assertEquals(tat, refused.tat(), "a refused event changes nothing");

        assertFalse(Gcra.step(tat, T0 + 6 * SECOND - 1, TEN_PER_MINUTE_BURST_3, 1).allowed(), "1 us early");
        assertEquals(1, Gcra.step(tat, T0 + 6 * SECOND - 1, TEN_PER_MINUTE_BURST_3, 1).retryAfterMicros());
        Gcra.Step later = Gcra.step(tat, T0 + 6 * SECOND, TEN_PER_MINUTE_BURST_3, 1);
        assertTrue(later.allowed(), "exactly one interval later");
        assertEquals(0, later.remaining());
    }

    @Test
    void afterTheWholeToleranceTheBucketIsFullAgainAndTheKeyCanBeForgotten() {
        double tat = Double.NaN;
        for (int i = 0; i < 3; i++) tat = Gcra.step(tat, T0, TEN_PER_MINUTE_BURST_3, 1).tat();
        assertEquals(18 * SECOND, Gcra.ttlMicros(tat, T0));
        assertEquals(0, Gcra.ttlMicros(tat, T0 + 18 * SECOND));
        assertEquals(3, Gcra.available(tat, T0 + 18 * SECOND, TEN_PER_MINUTE_BURST_3));
        assertEquals(1, Gcra.available(tat, T0 + 6 * SECOND, TEN_PER_MINUTE_BURST_3));
        // a stale TAT (in the past) is a full bucket
        Gcra.Step s = Gcra.step(T0 - 100 * SECOND, T0, TEN_PER_MINUTE_BURST_3, 1);
        assertTrue(s.allowed());
        assertEquals(2, s.remaining());
    }

    @Test
    void aSteadyRateAtTheLimitPassesForever() {
        double tat = Double.NaN;
        long now = T0;
        for (int i = 0; i < 1000; i++) {
            Gcra.Step s = Gcra.step(tat, now, TEN_PER_MINUTE_BURST_3, 1);
            assertTrue(s.allowed(), "event " + i);
            tat = s.tat();
            now += 6 * SECOND;
        }
        // twice as fast: after the burst is used up, every other one is refused
        int allowed = 0;
        for (int i = 0; i < 100; i++) {
            Gcra.Step s = Gcra.step(tat, now, TEN_PER_MINUTE_BURST_3, 1);
            if (s.allowed()) {
                allowed++;
                tat = s.tat();
            }
            now += 3 * SECOND;
        }
        assertEquals(52, allowed, "50 at the rate plus the 2 the burst had left");
    }

    @Test
    void costsAreWeightedAndCappedAtTheBurst() {
        Gcra.Limit mibPerHour = Gcra.Limit.of(1024 * 1024, 3600 * SECOND, 1024 * 1024);
        Gcra.Step a = Gcra.step(Double.NaN, T0, mibPerHour, 700 * 1024);
        assertTrue(a.allowed());
        assertEquals(324 * 1024, a.remaining());
        Gcra.Step b = Gcra.step(a.tat(), T0, mibPerHour, 400 * 1024);
        assertFalse(b.allowed());
        assertEquals((long) Math.ceil(3600.0 * SECOND * 76 / 1024), b.retryAfterMicros(), "until 76 KiB more have drained");
        // a message larger than the burst passes into a full bucket (and empties it), never forever refused
        Gcra.Step huge = Gcra.step(Double.NaN, T0, mibPerHour, 5 * 1024 * 1024);
        assertTrue(huge.allowed());
        assertEquals(0, huge.remaining());
        assertFalse(Gcra.step(huge.tat(), T0, mibPerHour, 1).allowed());
    }

    @Test
    void aLimitNeedsARateAndABurstOfOne() {
        assertThrows(IllegalArgumentException.class, () -> Gcra.Limit.of(10, 60 * SECOND, 0.5));
        assertThrows(IllegalArgumentException.class, () -> new Gcra.Limit(0, 10));
        assertEquals(3, TEN_PER_MINUTE_BURST_3.burst(), 1e-9);
    }

    @Test
    void theEmbeddedStoreCountsAllOrNothingAndForgetsFullBuckets() {
        AtomicLong now = new AtomicLong(T0);
        try (EmbeddedRateLimitStore store = new EmbeddedRateLimitStore(now::get, 1000)) {
            Gcra.Limit two = Gcra.Limit.of(2, 60 * SECOND, 2);
            Gcra.Limit ten = Gcra.Limit.of(10, 60 * SECOND, 10);
            List<Bucket> both = List.of(new Bucket("big:x", ten, 1), new Bucket("small:x", two, 1));
            assertTrue(store.acquire(both, false).allowed());
            RateLimitStore.Outcome second = store.acquire(both, false);
            assertTrue(second.allowed());
            assertEquals(0, second.remaining(), "the least of the buckets");
            RateLimitStore.Outcome third = store.acquire(both, false);
            assertFalse(third.allowed());
            assertEquals(1, third.limited(), "the small bucket is the one over its limit");
            assertEquals(30 * SECOND, third.retryAfterMicros());
            // the refused step counted nothing in the big bucket: it has 8 left
            assertEquals(List.of("big:x", "small:x"), store.list("", 10).stream().map(RateLimitStore.Listed::key).toList());
            assertEquals(T0 + 12 * SECOND, store.list("big", 10).get(0).tatMicros(), 0.5);
            // a dry run reads and writes nothing
            assertTrue(store.acquire(List.of(new Bucket("dry:x", ten, 1)), true).allowed());
            assertTrue(store.list("dry", 10).isEmpty());

            now.addAndGet(60 * SECOND);
            assertTrue(store.list("", 10).isEmpty(), "both buckets full again: forgotten");
            assertTrue(store.acquire(both, false).allowed());
            assertTrue(store.reset("small:x"));
            assertFalse(store.reset("small:x"));
        }
    }
}
