// The store as checks and the admin command use it: opened on first use (so `check-config` never
// locks the daemon's file), reopened after a failure with a back-off (disk error, Redis down at
// start), timed (mxfront.greylist.store.latency), sized (mxfront.greylist.store.entries), purged in
// the background (embedded), and logged on each transition between working and failing — once,
// not per request. One per store setting and daemon, shared through the checks' SharedResources
// (which call warmUp() at daemon start: this package does not know them).
package org.mxfront.greylist;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import org.mxfront.mail.MeterNames;
import org.mxfront.redis.ManagedStore;
import org.mxfront.util.Periodic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A lazily opened, self-healing, metered store. Thread-safe. */
public final class ManagedGreylistStore extends ManagedStore<GreylistStore> implements GreylistStore {
    private static final Logger LOG = LoggerFactory.getLogger(ManagedGreylistStore.class);
    private static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final Clock clock;
    private final Duration purgeInterval;
    private final MeterRegistry registry;
    private volatile boolean failing;
    private final AtomicLong failures = new AtomicLong();
    private volatile long lastFailureLog;
    private volatile long sizeAt = Long.MIN_VALUE;
    private volatile double size = Double.NaN;
    private Thread purger;

    ManagedGreylistStore(String type, String where, Supplier<GreylistStore> opener, Clock clock,
            Duration purgeInterval, MeterRegistry registry) {
        super("greylist store", type, where, opener, Duration.ofMillis(500), Duration.ofNanos(MAX_BACKOFF_NANOS),
                GreylistStoreException.class, GreylistStoreException::new);
        this.clock = clock;
        this.purgeInterval = purgeInterval;
        this.registry = registry;
        Gauge.builder(MeterNames.GREYLIST_STORE_ENTRIES, this, ManagedGreylistStore::cachedSize)
                .description("Entries in the greylisting store (Redis: keys in its database)").tag("store", type)
                .register(registry);
    }

    /** A managed store for these settings; nothing is opened until first use or {@link #warmUp()}. */
    public static ManagedGreylistStore of(StoreConfig cfg, Path stateDirectory, Clock clock, MeterRegistry registry) {
        return switch (cfg.type()) {
            case EMBEDDED -> {
                Path file = cfg.resolvedFile(stateDirectory);
                yield new ManagedGreylistStore("embedded", file.toString(), () -> new EmbeddedGreylistStore(file), clock,
                        cfg.purgeInterval(), registry);
            }
            case REDIS -> new ManagedGreylistStore("redis", cfg.redisUri().replaceAll("//[^@/]*@", "//***@"),
                    () -> new RedisGreylistStore(cfg.redisUri(), cfg.redisCluster(), cfg.timeout(), cfg.keyPrefix()),
                    clock, cfg.purgeInterval(), registry);
        };
    }

    /** What identifies a store in SharedResources: the same file or Redis is opened once per daemon. */
    public static Object key(StoreConfig cfg, Path stateDirectory) {
        return switch (cfg.type()) {
            case EMBEDDED -> List.of("greylist-store", "embedded", cfg.resolvedFile(stateDirectory).toString());
            case REDIS -> List.of("greylist-store", "redis", cfg.redisUri(), cfg.redisCluster(), cfg.timeout(), cfg.keyPrefix());
        };
    }

    /** Opens the store now (daemon start), logging rather than throwing when it cannot. */
    public void warmUp() {
        try {
            open();
        } catch (GreylistStoreException e) {
            // logged by open(); the check fails open until the store can be opened
        }
    }

    @Override
    protected void openFailed(RuntimeException e) {
        failed(e);
    }

    @Override
    protected void opened(GreylistStore s) {
        LOG.info("greylist store {} opened ({} entries)", s.describe(), safeSize(s));
        if (s instanceof EmbeddedGreylistStore) startPurger();
    }

    /** A broken embedded store (its file failed) is dropped and opened again after the back-off. */
    @Override
    protected void operationFailed(GreylistStore s, RuntimeException e) {
        if (s instanceof EmbeddedGreylistStore em && em.broken()) drop(em);
    }

    private static String safeSize(GreylistStore s) {
        try {
            return Long.toString(s.size());
        } catch (RuntimeException e) {
            return "?";
        }
    }

    private void startPurger() {
        if (purger != null) return;
        purger = Periodic.start(Thread.ofVirtual().name("greylist-purge"), purgeInterval, () -> closed, () -> {
            try {
                int n = purge(clock.millis());
                if (n > 0) LOG.info("greylist store {}: {} expired entries removed", where, n);
            } catch (GreylistStoreException e) {
                // counted and logged by call()
            }
        });
    }

    private <T> T call(String op, Function<GreylistStore, T> f) {
        return call(timer(op), f);
    }

    @Override
    protected void failed(RuntimeException e) {
        failures.incrementAndGet();
        long now = System.nanoTime();
        if (!failing || now - lastFailureLog > TimeUnit.MINUTES.toNanos(1)) {
            lastFailureLog = now;
            LOG.warn("greylist store {} failing (greylisting fails open: mail is accepted): {} [{} failures so far]",
                    where, e.getMessage(), failures.get());
        }
        failing = true;
    }

    @Override
    protected void recovered() {
        if (failing) {
            failing = false;
            LOG.info("greylist store {} works again after {} failures", where, failures.get());
        }
    }

    /** One timer per operation, looked up once: building a Timer on every call cost more than the store lookup. */
    private final ConcurrentHashMap<String, Timer> timers = new ConcurrentHashMap<>();

    private Timer timer(String op) {
        return timers.computeIfAbsent(op, o -> Timer.builder(MeterNames.GREYLIST_STORE_LATENCY).description("Greylisting store operations")
                .tag("store", type).tag("op", o)
                .serviceLevelObjectives(Duration.ofNanos(100_000), Duration.ofMillis(1), Duration.ofMillis(5),
                        Duration.ofMillis(20), Duration.ofMillis(100), Duration.ofMillis(500))
                .register(registry));
    }

    private double cachedSize() {
        long now = System.nanoTime();
        if (now - sizeAt > TimeUnit.SECONDS.toNanos(30) || sizeAt == Long.MIN_VALUE) {
            sizeAt = now;
            GreylistStore s = store;
            try {
                size = s == null ? Double.NaN : s.size();
            } catch (RuntimeException e) {
                size = Double.NaN;
            }
        }
        return size;
    }

    /** True while the last operation failed. */
    public boolean failing() { return failing; }

    @Override
    public Lookup lookup(String clientKey, String tupleKey, long now) {
        return call("lookup", s -> s.lookup(clientKey, tupleKey, now));
    }

    @Override
    public void put(Kind kind, String key, GreylistEntry entry, long now) {
        call("put", s -> {
            s.put(kind, key, entry, now);
            return null;
        });
    }

    @Override
    public boolean delete(Kind kind, String key) {
        return call("delete", s -> s.delete(kind, key));
    }

    @Override
    public List<Listed> list(Kind kind, String contains, int limit, long now) {
        return call("list", s -> s.list(kind, contains, limit, now));
    }

    @Override
    public long size() {
        return call("size", GreylistStore::size);
    }

    @Override
    public int purge(long now) {
        return call("purge", s -> s.purge(now));
    }

    @Override
    public String type() { return type; }

    @Override
    public String describe() { return type + " " + where; }

    @Override
    public boolean inProcess() { return type.equals("embedded"); }

    @Override
    public void close() {
        if (closeStore(() -> {
            if (purger != null) purger.interrupt();
        })) {
            LOG.info("greylist store {} closed", where);
        }
    }
}
