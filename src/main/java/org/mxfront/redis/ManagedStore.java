// The skeleton the greylisting and rate-limit stores share, embedded or in Redis: opened on first use
// (so `check-config` opens nothing), reopened with a doubling back-off after it could not be (a disk
// error, Redis down at start), each operation timed and its failures turned into the store's own
// exception and reported once per transition (the store says how it logs them). A store adds its
// operations, each one line through call().
package org.mxfront.redis;

import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

/** A lazily opened, self-healing, metered store of type {@code S}. Thread-safe. */
public abstract class ManagedStore<S extends AutoCloseable> {
    protected final String type;
    protected final String where;
    private final String label;
    private final Supplier<S> opener;
    private final Class<? extends RuntimeException> failureType;
    private final BiFunction<String, Throwable, ? extends RuntimeException> failure;
    private final long firstBackoff;
    private final long maxBackoff;
    protected final Object lock = new Object();
    protected volatile S store;
    protected volatile boolean closed;
    private long retryAt;
    private long backoff;

    /**
     * @param label  how logs and errors name it ({@code greylist store})
     * @param type   {@code embedded} or {@code redis}
     * @param where  its file or (password hidden) URI
     * @param opener opens the real store; throws when it cannot
     * @param failureType the store's own exception
     * @param failure makes one, from a message and a cause (null for none)
     */
    protected <E extends RuntimeException> ManagedStore(String label, String type, String where, Supplier<S> opener,
            Duration firstBackoff, Duration maxBackoff, Class<E> failureType, BiFunction<String, Throwable, E> failure) {
        this.label = label;
        this.type = type;
        this.where = where;
        this.opener = opener;
        this.failureType = failureType;
        this.failure = failure;
        this.firstBackoff = firstBackoff.toNanos();
        this.maxBackoff = maxBackoff.toNanos();
        this.backoff = this.firstBackoff;
    }

    /** The store's own exception, with {@code cause} (null for none). */
    protected final RuntimeException failure(String message, Throwable cause) {
        return failure.apply(message, cause);
    }

    /** Whether {@code e} is the store's own exception already. */
    protected final boolean isFailure(RuntimeException e) {
        return failureType.isInstance(e);
    }

    /** The store was opened (called under the lock): log it, start what runs beside it. */
    protected abstract void opened(S s);

    /** Opening failed (before the exception is thrown); nothing by default. */
    protected void openFailed(RuntimeException e) {}

    /** An operation failed with the store's own exception: count and log it as this store does. */
    protected abstract void failed(RuntimeException e);

    /** An operation succeeded: log the recovery when the store was failing. */
    protected abstract void recovered();

    /** An operation on {@code s} failed with the store's own exception; nothing by default. */
    protected void operationFailed(S s, RuntimeException e) {}

    /** The open store, opening it if needed (at most once per back-off period after a failure). */
    protected final S open() {
        S s = store;
        if (s != null) return s;
        synchronized (lock) {
            if (store != null) return store;
            if (closed) throw failure(label + " " + where + " is closed", null);
            long now = System.nanoTime();
            if (retryAt != 0 && now - retryAt < 0) {
                throw failure(label + " " + where + " unavailable, next attempt to open it in "
                        + TimeUnit.NANOSECONDS.toMillis(retryAt - now) + " ms", null);
            }
            try {
                s = opener.get();
            } catch (RuntimeException e) {
                retryAt = now + backoff;
                backoff = Math.min(backoff * 2, maxBackoff);
                openFailed(e);
                throw isFailure(e) ? e : failure(e.getMessage(), e);
            }
            retryAt = 0;
            backoff = firstBackoff;
            store = s;
            opened(s);
            return s;
        }
    }

    /** Runs one operation, timing it and tracking failures. */
    protected final <T> T call(Timer timer, Function<S, T> f) {
        long t0 = System.nanoTime();
        try {
            S s = open();
            T r;
            try {
                r = f.apply(s);
            } catch (RuntimeException e) {
                if (!isFailure(e)) throw failure(where + ": " + e, e);
                operationFailed(s, e);
                throw e;
            }
            recovered();
            return r;
        } catch (RuntimeException e) {
            if (isFailure(e)) failed(e);
            throw e;
        } finally {
            timer.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
        }
    }

    /** Forgets a broken store (closing it) so that the next operation opens it again after the back-off. */
    protected final void drop(S s) {
        synchronized (lock) {
            if (store == s) {
                store = null;
                retryAt = System.nanoTime() + backoff;
            }
        }
        try {
            s.close();
        } catch (Exception e) {
            // it is broken already
        }
    }

    /** Closes the store for good; {@code before} runs first, under the lock. Returns whether a store was open. */
    protected final boolean closeStore(Runnable before) {
        synchronized (lock) {
            closed = true;
            before.run();
            S s = store;
            store = null;
            if (s == null) return false;
            try {
                s.close();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw failure(where + ": " + e.getMessage(), e);
            }
            return true;
        }
    }
}
