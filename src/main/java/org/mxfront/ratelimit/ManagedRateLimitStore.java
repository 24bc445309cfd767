// The rate-limit store as the check uses it: opened on first use (so `check-config` connects to
// nothing), reopened with a back-off when it could not be (Redis down at start), timed
// (mxfront.ratelimit.store.latency), and logged once per outage: one WARN when it starts failing
// ("rate limits fail open"), one INFO when it works again, nothing per request. Failures are counted
// by the check (outcome store_error). One per store setting and daemon, shared through the checks'
// SharedResources (which call warmUp() at daemon start).
package org.mxfront.ratelimit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.mxfront.mail.MeterNames;
import org.mxfront.redis.ManagedStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A lazily opened, self-healing, metered store. Thread-safe. */
public final class ManagedRateLimitStore extends ManagedStore<RateLimitStore> implements RateLimitStore {
    private static final Logger LOG = LoggerFactory.getLogger(ManagedRateLimitStore.class);
    /** Store operations (seconds), by store type and operation. */
    public static final String STORE_LATENCY = MeterNames.RATELIMIT_STORE_LATENCY;
    private static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final MeterRegistry registry;
    private final LongSupplier localMicros;
    private volatile boolean failing;
    private final AtomicLong failures = new AtomicLong();
    private final Timer acquireTimer;

    ManagedRateLimitStore(String type, String where, Supplier<RateLimitStore> opener, LongSupplier localMicros,
            MeterRegistry registry) {
        super("rate-limit store", type, where, opener, Duration.ofMillis(200), Duration.ofNanos(MAX_BACKOFF_NANOS));
        this.localMicros = localMicros;
        this.registry = registry;
        this.acquireTimer = timer("acquire");
    }

    /** A managed store for these settings; nothing is opened until first use or {@link #warmUp()}. */
    public static ManagedRateLimitStore of(RateLimitStoreConfig cfg, Clock clock, MeterRegistry registry) {
        LongSupplier micros = () -> micros(clock.instant());
        return switch (cfg.type()) {
            case EMBEDDED -> new ManagedRateLimitStore("embedded", "memory",
                    () -> new EmbeddedRateLimitStore(micros, cfg.maxKeys()), micros, registry);
            case REDIS -> new ManagedRateLimitStore("redis",
                    cfg.redisUri().replaceAll("//[^@/]*@", "//***@") + (cfg.redisCluster() ? " (cluster)" : ""),
                    () -> new RedisRateLimitStore(cfg.redisUri(), cfg.redisCluster(), cfg.timeout(), cfg.keyPrefix()),
                    micros, registry);
        };
    }

    /** What identifies a store in SharedResources: the same Redis (or the memory store) is opened once per daemon. */
    public static Object key(RateLimitStoreConfig cfg) {
        return switch (cfg.type()) {
            case EMBEDDED -> List.of("ratelimit-store", "embedded", cfg.maxKeys());
            case REDIS -> List.of("ratelimit-store", "redis", cfg.redisUri(), cfg.redisCluster(), cfg.timeout(), cfg.keyPrefix());
        };
    }

    static long micros(Instant i) {
        return i.getEpochSecond() * 1_000_000L + i.getNano() / 1000;
    }

    /** Opens the store now (daemon start), logging rather than throwing when it cannot. */
    public void warmUp() {
        try {
            open();
        } catch (RateLimitStoreException e) {
            failed(e); // the check fails open until the store can be opened
        }
    }

    @Override
    protected RuntimeException failure(String message, Throwable cause) {
        return new RateLimitStoreException(message, cause);
    }

    @Override
    protected boolean isFailure(RuntimeException e) {
        return e instanceof RateLimitStoreException;
    }

    @Override
    protected void opened(RateLimitStore s) {
        LOG.info("rate-limit store {} opened", s.describe());
    }

    @Override
    protected void failed(RuntimeException e) {
        failures.incrementAndGet();
        synchronized (lock) {
            if (failing) return;
            failing = true;
        }
        LOG.warn("rate-limit store {} failing (rate limits fail open: mail is accepted until it works again): {}",
                where, e.getMessage());
    }

    @Override
    protected void recovered() {
        if (!failing) return;
        long n;
        synchronized (lock) {
            if (!failing) return;
            failing = false;
            n = failures.getAndSet(0);
        }
        LOG.info("rate-limit store {} works again after {} failed operations; rate limits are enforced", where, n);
    }

    private Timer timer(String op) {
        return Timer.builder(STORE_LATENCY).description("Rate-limit store operations")
                .tag("store", type).tag("op", op)
                .serviceLevelObjectives(Duration.ofNanos(100_000), Duration.ofMillis(1), Duration.ofMillis(5),
                        Duration.ofMillis(20), Duration.ofMillis(100), Duration.ofMillis(500))
                .register(registry);
    }

    /** True while the store is failing. */
    public boolean failing() { return failing; }

    @Override
    public Outcome acquire(List<Bucket> buckets, boolean dryRun) {
        return call(acquireTimer, s -> s.acquire(buckets, dryRun));
    }

    @Override
    public List<Listed> list(String contains, int limit) {
        return call(timer("list"), s -> s.list(contains, limit));
    }

    @Override
    public boolean reset(String key) {
        return call(timer("reset"), s -> s.reset(key));
    }

    @Override
    public long nowMicros() {
        RateLimitStore s = store;
        return s == null ? localMicros.getAsLong() : call(timer("time"), RateLimitStore::nowMicros);
    }

    @Override
    public String type() { return type; }

    @Override
    public String describe() { return type + " " + where; }

    @Override
    public void close() {
        closeStore(() -> {});
    }
}
