// Per-connection scratch space for checks: a DNSBL check starts its lookups at CONNECT and reads
// the answers at RCPT; a greylist check remembers what it decided. Confined to the session's thread.
package org.mxfront.policy;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Values checks keep for the length of one connection, under keys they own (use a private static
 * final Object or a record type as key). Not thread-safe: the engine calls checks of one session
 * from that session's thread only. Cleared when the client changes (XCLIENT).
 */
public final class SessionState {
    /** Tag set by the front door when the client sent something before it was greeted. */
    public static final String PREGREET = "pregreet";

    private final Map<Object, Object> values = new HashMap<>();
    private final java.util.Set<String> tags = new java.util.TreeSet<>();
    private boolean dryRun;

    @SuppressWarnings("unchecked")
    public <T> T get(Object key) {
        return (T) values.get(key);
    }

    @SuppressWarnings("unchecked")
    public <T> T computeIfAbsent(Object key, Supplier<T> supplier) {
        return (T) values.computeIfAbsent(key, k -> supplier.get());
    }

    public void put(Object key, Object value) {
        values.put(key, value);
    }

    public void remove(Object key) {
        values.remove(key);
    }

    /**
     * Marks the connection with a named signal for later checks (for example {@code pbl-listed} from
     * a DNSBL check, read by greylisting's {@code risk-signals}). Names are lower-case words.
     */
    public void tag(String name) {
        tags.add(name);
    }

    public boolean hasTag(String name) {
        return tags.contains(name);
    }

    /** This session is a dry run ({@code mxfront explain}): checks must not change shared state. */
    public void markDryRun() {
        dryRun = true;
    }

    public boolean dryRun() {
        return dryRun;
    }
}
