// The policy door's load in two numbers: connections open (bounded by max-connections; the newest
// over the bound is closed) and requests being answered (drain waits for them to reach zero).
package org.mxfront.policyserver;

import java.util.concurrent.atomic.AtomicInteger;

/** Connection and request counts of one door. Thread-safe. */
final class Traffic {
    private final int maxConnections;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();

    Traffic(int maxConnections) {
        this.maxConnections = maxConnections;
    }

    /** Counts a new connection; false (and not counted) when it would exceed the bound. */
    boolean admit() {
        if (connections.incrementAndGet() <= maxConnections) return true;
        connections.decrementAndGet();
        return false;
    }

    void released() { connections.decrementAndGet(); }

    void started() { inFlight.incrementAndGet(); }

    void finished() { inFlight.decrementAndGet(); }

    int connections() { return connections.get(); }

    int inFlight() { return inFlight.get(); }
}
