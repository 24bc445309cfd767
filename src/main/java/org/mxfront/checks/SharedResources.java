// Long-lived objects that checks share across sessions, policies and configuration reloads: the
// greylisting store today (later resolvers, pools). Created on first request by key, so a reload
// with the same settings gets the same object instead of reopening a database; closed once, when
// the daemon stops. A loader that is not a daemon's (check-config, codes) has its own, and since
// resources open lazily, validating a file never opens or locks the daemon's store. A resource from a
// helper package below checks/ (the greylist store) does not implement Warm: its warm-up is passed
// to get() instead, so no helper imports checks/.
package org.mxfront.checks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A daemon's shared resources, by key. Thread-safe. */
public final class SharedResources implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SharedResources.class);

    /** A resource that can do its slow start-up (open a file, connect) ahead of the first request. */
    public interface Warm {
        void warmUp();
    }

    private final Map<Object, AutoCloseable> byKey = new LinkedHashMap<>();
    private final Map<Object, Runnable> warmUps = new LinkedHashMap<>();
    private boolean started;
    private boolean closed;

    /**
     * The resource for a key, created by the factory the first time; warmed up if it is {@link Warm}.
     * Keys must have value equality (records, lists of strings).
     */
    public <T extends AutoCloseable> T get(Object key, Supplier<T> factory) {
        return get(key, factory, r -> {
            if (r instanceof Warm w) w.warmUp();
        });
    }

    /** The resource for a key, created by the factory the first time and warmed up by {@code warmUp}. */
    public synchronized <T extends AutoCloseable> T get(Object key, Supplier<T> factory, Consumer<? super T> warmUp) {
        if (closed) throw new IllegalStateException("shared resources are closed");
        @SuppressWarnings("unchecked")
        T r = (T) byKey.get(key);
        if (r == null) {
            T created = factory.get();
            r = created;
            byKey.put(key, r);
            Runnable warm = () -> warmUp.accept(created);
            warmUps.put(key, warm);
            if (started) Thread.ofVirtual().name("warm-up").start(warm);
        }
        return r;
    }

    /** Warms up what exists now and everything created later (the daemon calls this once it starts). */
    public void start() {
        List<Runnable> now;
        synchronized (this) {
            started = true;
            now = new ArrayList<>(warmUps.values());
        }
        for (Runnable warm : now) warm.run();
    }

    /** Closes every resource, newest first. */
    @Override
    public void close() {
        List<AutoCloseable> all;
        synchronized (this) {
            if (closed) return;
            closed = true;
            all = new ArrayList<>(byKey.values());
            byKey.clear();
            warmUps.clear();
        }
        for (int i = all.size() - 1; i >= 0; i--) {
            try {
                all.get(i).close();
            } catch (Exception e) {
                LOG.warn("closing {} failed", all.get(i), e);
            }
        }
    }
}
