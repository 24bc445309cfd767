// The dictionary-attack guard (the idea behind the seed's defunct rcpt-rbl, XM-RJCT07): a client
// key (an address, or its /24 or /64) that collects `threshold` unknown recipients within `window`
// is blocked for `block-for`; both decay on their own (a count is forgotten `window` after it began,
// a block ends after `block-for`). The store is memory or Redis, kept on the same skeleton as the
// greylisting and rate-limit stores (redis/ManagedStore: opened on first use, reopened at most once a
// second after it could not be, each operation timed as mxfront.recipients.guard.store.latency);
// when it fails, the guard fails open (blocks no one) and says so once a minute.
package org.mxfront.recipients;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Supplier;
import org.mxfront.mail.MeterNames;
import org.mxfront.redis.ManagedStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Counts unknown recipients per client key and blocks collectors. Thread-safe. */
public final class DictionaryGuard extends ManagedStore<GuardStore> implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DictionaryGuard.class);
    /** Redis down: one attempt to connect per second at most, as long as it stays down. */
    private static final Duration RETRY = Duration.ofSeconds(1);

    /** What the guard knows of a key now. */
    public enum State { CLEAR, BLOCKED, STORE_ERROR }

    private final Clock clock;
    private final Timer blocked;
    private final Timer count;
    private final Timer block;
    private volatile long lastErrorLog;
    private volatile boolean failing;

    /**
     * @param type   {@code memory} or {@code redis}
     * @param where  {@code memory} or the Redis URI (password hidden)
     * @param opener opens the store; throws when it cannot (Redis down)
     */
    public DictionaryGuard(String type, String where, Supplier<GuardStore> opener, Clock clock, MeterRegistry registry) {
        super("dictionary-attack guard store", type, where, opener, RETRY, RETRY, GuardStoreException.class,
                GuardStoreException::new);
        this.clock = clock;
        this.blocked = timer(registry, type, "blocked");
        this.count = timer(registry, type, "count");
        this.block = timer(registry, type, "block");
    }

    /** Over a store that is open already (unit tests). */
    public DictionaryGuard(GuardStore store, Clock clock) {
        this("memory", store.describe(), () -> store, clock, new SimpleMeterRegistry());
    }

    private static Timer timer(MeterRegistry registry, String type, String op) {
        return Timer.builder(MeterNames.GUARD_STORE_LATENCY).description("Dictionary-attack guard store operations")
                .tag("store", type).tag("op", op).register(registry);
    }

    public State state(String key) {
        try {
            return call(blocked, s -> s.blocked(key)) ? State.BLOCKED : State.CLEAR;
        } catch (RuntimeException e) {
            return State.STORE_ERROR;
        }
    }

    /**
     * Counts one unknown recipient for the key.
     *
     * @return true when this one reached the threshold and the key is now blocked
     */
    public boolean unknownRecipient(String key, int threshold, Duration window, Duration blockFor) {
        try {
            long n = call(count, s -> s.addUnknown(key, window));
            if (n < threshold) return false;
            call(block, s -> {
                s.block(key, blockFor);
                return null;
            });
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    protected void opened(GuardStore s) {
        LOG.info("dictionary-attack guard store {} opened", s.describe());
    }

    @Override
    protected void openFailed(RuntimeException e) {
        failed(e);
    }

    @Override
    protected void failed(RuntimeException e) {
        failing = true;
        long now = clock.millis();
        if (now - lastErrorLog < 60_000) return;
        lastErrorLog = now;
        String why = e.getCause() != null ? e.getCause().getMessage() : e.getMessage();
        LOG.warn("dictionary-attack guard store {} failed, blocking no one meanwhile: {}", where, why);
    }

    @Override
    protected void recovered() {
        if (!failing) return;
        failing = false;
        LOG.info("dictionary-attack guard store {} works again", where);
    }

    public String describe() { return where; }

    @Override
    public void close() {
        closeStore(() -> {});
    }
}
