// The background loops that run a task every interval until their owner closes (the embedded
// greylisting store's purge, the policy store's change poller): sleep, stop when closed or
// interrupted, run, again. The task deals with its own failures; one loop body for both.
package org.mxfront.util;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Starts periodic loops. */
public final class Periodic {
    private Periodic() {}

    /**
     * Starts {@code task} on a thread from {@code thread}, every {@code interval} (first after one
     * interval), until {@code closed} is true or the thread is interrupted (which is how to stop it
     * during the sleep).
     */
    public static Thread start(Thread.Builder thread, Duration interval, BooleanSupplier closed, Runnable task) {
        return thread.start(() -> {
            while (!closed.getAsBoolean()) {
                try {
                    Thread.sleep(interval);
                } catch (InterruptedException e) {
                    return;
                }
                task.run();
            }
        });
    }
}
