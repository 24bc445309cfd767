// Where greylisting keeps its tuples and its auto-allow list. Two implementations: the embedded
// one (MVStore file under state-directory, one host) and Redis (several MX hosts share one view).
// The decision logic lives in the check; a store only reads and writes records, and expires them.
package org.mxfront.greylist;

import java.util.List;

/**
 * A greylisting store. Keys are logical: a client key (an IPv4/IPv6 network such as
 * {@code 192.0.2.0/24}, or an organisational domain) and a tuple key
 * ({@code client|sender|recipient}). An entry whose {@code expiresAt} has passed is never returned.
 *
 * <p>Threading: called concurrently by all sessions (virtual threads); implementations are
 * thread-safe and may block within their own timeouts. Every failure is a
 * {@link GreylistStoreException}.
 */
public interface GreylistStore extends AutoCloseable {
    /** The two kinds of record. */
    enum Kind {
        /** A (client, sender, recipient) tuple. */
        TUPLE,
        /** A client on the auto-allow list. */
        CLIENT
    }

    /** The client's and the tuple's records, each null when absent or expired. */
    record Lookup(GreylistEntry client, GreylistEntry tuple) {}

    /** A listed record. */
    record Listed(Kind kind, String key, GreylistEntry entry) {}

    /** Reads a client record and a tuple record at once (one round trip for Redis). */
    Lookup lookup(String clientKey, String tupleKey, long now);

    /** Writes a record; it is forgotten at {@code entry.expiresAt()}. */
    void put(Kind kind, String key, GreylistEntry entry, long now);

    /** Removes a record; true when there was one. */
    boolean delete(Kind kind, String key);

    /** Records of one kind whose key contains {@code contains} (all when empty), at most {@code limit}. */
    List<Listed> list(Kind kind, String contains, int limit, long now);

    /** Entries held (the embedded store counts both kinds; Redis reports DBSIZE of its database). */
    long size();

    /** Removes expired records; returns how many (Redis expires keys itself: 0). */
    default int purge(long now) { return 0; }

    /** {@code embedded} or {@code redis}: the metrics label. */
    String type();

    /** Where it is, for logs: the file or the Redis URI without password. */
    String describe();

    /** True when the store lives in this process (memory and a local file): its calls never wait on a network. */
    default boolean inProcess() {
        return false;
    }

    @Override
    void close();
}
