// The dictionary-attack guard (the idea behind the seed's defunct rcpt-rbl, XM-RJCT07): a client
// key (an address, or its /24 or /64) that collects `threshold` unknown recipients within `window`
// is blocked for `block-for`; both decay on their own (a count is forgotten `window` after it began,
// a block ends after `block-for`). The store is memory or Redis; when it fails, the guard fails open
// (blocks no one) and says so once a minute.
package org.mxfront.recipients;

import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Counts unknown recipients per client key and blocks collectors. Thread-safe. */
public final class DictionaryGuard implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DictionaryGuard.class);

    /** What the guard knows of a key now. */
    public enum State { CLEAR, BLOCKED, STORE_ERROR }

    private final GuardStore store;
    private final Clock clock;
    private volatile long lastErrorLog;

    public DictionaryGuard(GuardStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public State state(String key) {
        try {
            return store.blocked(key) ? State.BLOCKED : State.CLEAR;
        } catch (RuntimeException e) {
            failed(e);
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
            long n = store.addUnknown(key, window);
            if (n >= threshold) {
                store.block(key, blockFor);
                return true;
            }
            return false;
        } catch (RuntimeException e) {
            failed(e);
            return false;
        }
    }

    private void failed(RuntimeException e) {
        long now = clock.millis();
        if (now - lastErrorLog < 60_000) return;
        lastErrorLog = now;
        LOG.warn("dictionary-attack guard store {} failed, blocking no one meanwhile: {}", store.describe(), e.getMessage());
    }

    public String describe() { return store.describe(); }

    @Override
    public void close() throws Exception {
        store.close();
    }
}
