// The policy state of each message Postfix asks about: its engine session and which stages ran,
// keyed by Postfix's `instance` (and the client address, as a guard against two Postfix hosts whose
// instance strings collide). Bounded and expiring (Caffeine): Postfix never says a message is over.
package org.mxfront.policyserver;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.function.Supplier;

/** Per-message state, at most {@code max} messages, each forgotten {@code timeout} after its last request. */
final class InstanceTable {
    private final Cache<String, MessageState> cache;

    InstanceTable(int max, Duration timeout) {
        this(max, timeout, Ticker.systemTicker());
    }

    /** With a ticker of the test's (expiry is then deterministic: maintenance runs on the caller's thread). */
    InstanceTable(int max, Duration timeout, Ticker ticker) {
        this.cache = Caffeine.newBuilder().maximumSize(max).expireAfterAccess(timeout).ticker(ticker)
                .executor(Runnable::run).build();
    }

    /** The state of one message, made by {@code create} when it is new (or was forgotten). */
    MessageState get(String clientAddress, String instance, Supplier<MessageState> create) {
        return cache.get(clientAddress + '|' + instance, k -> create.get());
    }

    /** Forgets one message (Postfix has moved on to another on the same connection). */
    void forget(String clientAddress, String instance) {
        cache.invalidate(clientAddress + '|' + instance);
    }

    /** Messages held now (approximate, for the gauge). */
    long size() {
        cache.cleanUp();
        return cache.estimatedSize();
    }
}
