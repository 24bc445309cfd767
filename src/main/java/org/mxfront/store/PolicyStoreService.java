// The policy store as the daemon holds it: the repository, the snapshot in memory, and the poller
// that reads the change sequence every poll-interval and swaps in a new snapshot when it moved. An
// outage (database down, slow, unreachable) keeps the last snapshot: it is logged once when it
// starts and once when it ends, counted (mxfront_policy_store_outages_total) and shown as a gauge;
// mail never waits for the database and never gets a 5xx because of it. At start the snapshot
// comes from the database, else from the local snapshot file, else it is empty (logged loudly).
package org.mxfront.store;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.mxfront.util.Periodic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A store, its current snapshot and its poller. Thread-safe. */
public final class PolicyStoreService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PolicyStoreService.class);
    public static final String OUTAGES = "mxfront.policy.store.outages";
    public static final String UP = "mxfront.policy.store.up";
    public static final String VERSION = "mxfront.policy.store.version";
    /** The longest pause between two writes of the local snapshot file (it is also written when the daemon stops). */
    public static final Duration SNAPSHOT_FILE_INTERVAL = Duration.ofSeconds(30);

    private final PolicyStore store;
    private final SnapshotFile file;
    private final Duration pollInterval;
    private final Counter outages;
    private final List<Consumer<PolicySnapshot>> listeners = new CopyOnWriteArrayList<>();
    private volatile PolicySnapshot current = PolicySnapshot.EMPTY;
    private volatile boolean up;
    /** When this host last took in a new version (null: not yet). */
    private volatile Instant changedAt;
    private volatile boolean migrated;
    private volatile boolean inOutage;
    private volatile boolean started;
    private volatile boolean closed;
    private Thread poller;
    /** The newest snapshot not yet written to the local file (the writer thread takes it). */
    private final AtomicReference<PolicySnapshot> unwritten = new AtomicReference<>();
    private Thread writer;

    public PolicyStoreService(PolicyStore store, SnapshotFile file, Duration pollInterval, MeterRegistry registry) {
        this.store = store;
        this.file = file;
        this.pollInterval = pollInterval;
        this.outages = Counter.builder(OUTAGES).description("Times the policy store became unreachable (the last snapshot stayed in force)")
                .register(registry);
        Gauge.builder(UP, this, s -> s.up ? 1 : 0).description("1 while the policy store answers, 0 during an outage")
                .register(registry);
        Gauge.builder(VERSION, this, s -> s.current.version()).description("The policy store version held in memory")
                .register(registry);
    }

    public PolicyStore store() { return store; }

    /** The snapshot in force: what the data plane reads. Never null, never waits. */
    public PolicySnapshot current() { return current; }

    public boolean up() { return up; }

    /** When this host last took in a new version of the store (the console's "last policy change"), or null. */
    public Instant changedAt() { return changedAt; }

    /** Called with each new snapshot after it is in force (on the poller's thread). */
    public void onChange(Consumer<PolicySnapshot> l) { listeners.add(l); }

    /**
     * Loads the first snapshot (database, else local file, else empty) and starts the poller. Never
     * throws for a database that is down. Idempotent.
     */
    public synchronized void start() {
        if (started || closed) return;
        started = true;
        try {
            refresh();
        } catch (Exception e) {
            outage(e);
            try {
                PolicySnapshot s = file.read();
                if (s != null) {
                    swap(s, false);
                    LOG.warn("policy store: {} is unreachable at start; serving the local snapshot {} (version {}, {} domains, {} entries)",
                            store.description(), file.path(), s.version(), s.domains().size(), s.entries().size());
                } else {
                    LOG.error("policy store: {} is unreachable at start and there is no local snapshot ({}): serving the YAML "
                            + "configuration alone until it answers", store.description(), file.path());
                }
            } catch (IOException | RuntimeException fe) {
                LOG.error("policy store: {} is unreachable at start and the local snapshot {} cannot be read ({}): serving the "
                        + "YAML configuration alone until it answers", store.description(), file.path(), fe.toString());
            }
        }
        writer = Thread.ofPlatform().daemon().name("policy-store-snapshot-writer").start(this::writeSnapshots);
        poller = Periodic.start(Thread.ofPlatform().daemon().name("policy-store-poller"), pollInterval, () -> closed, this::poll);
    }

    private void writeSnapshots() {
        while (!closed) {
            PolicySnapshot s = unwritten.getAndSet(null);
            if (s == null) {
                LockSupport.parkNanos(1_000_000_000L);
                continue;
            }
            long t0 = System.nanoTime();
            try {
                file.write(s);
            } catch (IOException | RuntimeException e) {
                LOG.warn("policy store: cannot write the local snapshot {}: {}", file.path(), e.toString());
            }
            // a pause of five times the write before the next one (a million entries cost seconds of CPU),
            // at most SNAPSHOT_FILE_INTERVAL: the file is never more than that behind; written at close too
            long until = System.nanoTime() + Math.min(SNAPSHOT_FILE_INTERVAL.toNanos(), 5 * (System.nanoTime() - t0));
            while (!closed && System.nanoTime() < until) {
                LockSupport.parkNanos(until - System.nanoTime());
            }
        }
    }

    private void poll() {
        try {
            refresh();
        } catch (Exception e) {
            if (!closed) outage(e);
        }
    }

    /**
     * Reads the change sequence and applies what changed (the poller does this every interval; the API
     * calls it after a change so its own host applies it at once).
     */
    public synchronized void refresh() throws Exception {
        if (!migrated) {
            store.migrate();
            migrated = true;
        }
        PolicySnapshot s = current;
        long v = store.version();
        if (v != s.version() || s == PolicySnapshot.EMPTY) {
            PolicySnapshot next;
            if (s == PolicySnapshot.EMPTY || v < s.version()) {
                // first load, or a store that went back (restored from a backup): read it whole
                next = store.loadAll();
            } else {
                PolicyStore.Delta d = store.changesSince(s.version());
                next = s.apply(d.version(), d.domains(), d.removedDomains(), d.entries(), d.removedEntries());
            }
            swap(next, true);
        }
        recovered();
    }

    private void swap(PolicySnapshot next, boolean persist) {
        PolicySnapshot before = current;
        current = next;
        if (before.version() != next.version()) {
            changedAt = Instant.now();
            LOG.info("policy store: version {} in force ({} domains, {} list entries)", next.version(), next.domains().size(),
                    next.entries().size());
        }
        for (Consumer<PolicySnapshot> l : listeners) {
            try {
                l.accept(next);
            } catch (RuntimeException e) {
                LOG.error("policy store: a listener failed on version {}", next.version(), e);
            }
        }
        if (persist && before.version() != next.version()) {
            // written off the poller's thread (a million entries take seconds): only the newest is written
            if (unwritten.getAndSet(next) == null && writer != null) LockSupport.unpark(writer);
        }
    }

    private void outage(Exception e) {
        up = false;
        if (!inOutage) {
            inOutage = true;
            outages.increment();
            LOG.error("policy store: {} is unreachable ({}); the snapshot of version {} stays in force", store.description(),
                    cause(e), current.version());
        }
    }

    /**
     * The innermost cause on one line (Flyway wraps the driver's exception in a multi-line message;
     * the driver's own words, e.g. "The server does not support SSL.", are what the operator needs).
     */
    static String cause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        return root.toString().replaceAll("\\s+", " ").trim();
    }

    private void recovered() {
        up = true;
        if (inOutage) {
            inOutage = false;
            LOG.warn("policy store: {} answers again (version {})", store.description(), current.version());
        }
    }

    @Override
    public void close() {
        closed = true;
        if (poller != null) poller.interrupt();
        // the newest snapshot reaches the file before the store closes (the next start may need it)
        PolicySnapshot last = unwritten.getAndSet(null);
        if (writer != null) {
            LockSupport.unpark(writer);
            try {
                writer.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (last != null) {
            try {
                file.write(last);
            } catch (IOException | RuntimeException e) {
                LOG.warn("policy store: cannot write the local snapshot {}: {}", file.path(), e.toString());
            }
        }
        store.close();
    }
}
