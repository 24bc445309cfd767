// Where the dictionary-attack guard keeps its counts and blocks: in this process, or in Redis so
// that every MX host sees a harvester that spreads its guesses across them.
package org.mxfront.recipients;

import java.time.Duration;

/** Counts of unknown recipients and blocks, by client key. Implementations are thread-safe. */
public interface GuardStore extends AutoCloseable {
    /** True while the key is blocked. */
    boolean blocked(String key);

    /**
     * Adds one unknown recipient to the key's count and returns the new count. A count starts with
     * its first unknown recipient and is forgotten {@code window} later.
     */
    long addUnknown(String key, Duration window);

    /** Blocks the key for {@code duration} and forgets its count. */
    void block(String key, Duration duration);

    /** {@code memory} or the Redis server, for logs. */
    String describe();

    @Override
    default void close() {}
}
