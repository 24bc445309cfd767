// A resource opened on first use and closed for good once: the recipients' LDAP pool and the policy
// store's database pool both open nothing at construction (so `check-config` connects nowhere and a
// server down at start is no configuration error), open under a lock when first asked, and refuse
// to open again after close. One copy of that small state machine instead of one per pool.
package org.mxfront.util;

import java.util.function.Supplier;

/** A lazily opened {@link AutoCloseable} of type {@code R}; opening may throw {@code E}. Thread-safe. */
public final class Lazy<R extends AutoCloseable, E extends Exception> implements AutoCloseable {
    /** Opens the resource. */
    @FunctionalInterface
    public interface Opener<R, E extends Exception> {
        R open() throws E;
    }

    private final Opener<R, E> opener;
    private final Supplier<E> closedError;
    private volatile R resource;
    private boolean closed;

    /** @param closedError the exception {@link #get} throws once this is closed */
    public Lazy(Opener<R, E> opener, Supplier<E> closedError) {
        this.opener = opener;
        this.closedError = closedError;
    }

    /** The resource, opened now if it is not yet (a volatile read once it is). */
    public R get() throws E {
        R r = resource;
        return r != null ? r : open();
    }

    private synchronized R open() throws E {
        if (closed) throw closedError.get();
        if (resource == null) resource = opener.open();
        return resource;
    }

    /** Closes the resource if it was opened; {@link #get} fails from now on. */
    @Override
    public synchronized void close() {
        closed = true;
        R r = resource;
        if (r == null) return;
        try {
            r.close();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
