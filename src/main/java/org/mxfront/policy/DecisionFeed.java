// The in-memory decision feed: every decision the DecisionLog writes is also published here, to a
// bounded ring (the console's dashboard and its trace of recent mail read it) and to subscribers
// (live views, the journal writer). Mail never waits for it: the ring is a lock-free array written
// by sequence number, and each subscriber has a bounded queue that is offered to, never blocked on;
// a full queue drops the event and counts it. One instance per daemon (a shared resource, so a
// reload keeps it).
package org.mxfront.policy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Predicate;

/** A bounded ring of recent decisions and their subscribers. Thread-safe. */
public final class DecisionFeed implements AutoCloseable {
    /** The ring's default size: decisions held in memory. */
    public static final int DEFAULT_CAPACITY = 20_000;

    private final AtomicReferenceArray<DecisionEvent> ring;
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final List<Subscription> subscribers = new CopyOnWriteArrayList<>();

    public DecisionFeed() {
        this(DEFAULT_CAPACITY);
    }

    public DecisionFeed(int capacity) {
        if (capacity < 1) throw new IllegalArgumentException("capacity must be positive");
        ring = new AtomicReferenceArray<>(capacity);
    }

    /** Publishes one decision: into the ring, and offered to each subscriber (dropped when its queue is full). */
    public void publish(DecisionEvent e) {
        long seq = published.getAndIncrement();
        ring.set((int) (seq % ring.length()), e);
        for (Subscription s : subscribers) s.offer(e);
    }

    /** The decisions in the ring that match, oldest first (at most the ring's size). */
    public List<DecisionEvent> recent(Predicate<DecisionEvent> filter) {
        long end = published.get();
        long start = Math.max(0, end - ring.length());
        List<DecisionEvent> out = new ArrayList<>();
        for (long i = start; i < end; i++) {
            DecisionEvent e = ring.get((int) (i % ring.length()));
            if (e != null && filter.test(e)) out.add(e);
        }
        // a writer may have overtaken the start while we read: keep the order by time
        out.sort(Comparator.comparingLong(DecisionEvent::timeMillis));
        return out;
    }

    /** Decisions published since start. */
    public long published() { return published.get(); }

    /** Events dropped by all subscribers' full queues since start. */
    public long dropped() { return dropped.get(); }

    /** The ring's size. */
    public int capacity() { return ring.length(); }

    /** A new subscription with a queue of {@code bound} events; close it when done. */
    public Subscription subscribe(int bound, Predicate<DecisionEvent> filter) {
        Subscription s = new Subscription(bound, filter);
        subscribers.add(s);
        return s;
    }

    /** Subscribers now. */
    public int subscribers() { return subscribers.size(); }

    @Override
    public void close() {
        for (Subscription s : subscribers) s.close();
    }

    /** One subscriber's bounded queue. */
    public final class Subscription implements AutoCloseable {
        private final BlockingQueue<DecisionEvent> queue;
        private final Predicate<DecisionEvent> filter;
        private final AtomicLong lost = new AtomicLong();

        private Subscription(int bound, Predicate<DecisionEvent> filter) {
            this.queue = new ArrayBlockingQueue<>(bound);
            this.filter = filter;
        }

        void offer(DecisionEvent e) {
            boolean match;
            try {
                match = filter.test(e);
            } catch (RuntimeException ex) {
                match = false;
            }
            if (match && !queue.offer(e)) {
                lost.incrementAndGet();
                dropped.incrementAndGet();
            }
        }

        /** The next event, or null after the timeout. */
        public DecisionEvent poll(long timeout, TimeUnit unit) throws InterruptedException {
            return queue.poll(timeout, unit);
        }

        /** Moves up to {@code max} waiting events into {@code into}; returns how many. */
        public int drainTo(List<DecisionEvent> into, int max) {
            return queue.drainTo(into, max);
        }

        /** Events this subscriber lost to its full queue. */
        public long dropped() { return lost.get(); }

        @Override
        public void close() {
            subscribers.remove(this);
        }
    }
}
