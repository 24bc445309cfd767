// Per-connection scratch space for checks: a DNSBL check starts its lookups at CONNECT and reads
// the answers at RCPT; a greylist check remembers what it decided. Confined to the session's thread.
package org.mxfront.policy;

import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Values checks keep for the length of one connection, under keys they own (use a private static
 * final Object or a record type as key). Not thread-safe: the engine calls checks of one session
 * from that session's thread only. Cleared when the client changes (XCLIENT).
 */
public final class SessionState {
    private static final Pattern BLANK = Pattern.compile("[\\s\\p{Cntrl}]");
    /** Tag set by the front door when the client sent something before it was greeted. */
    public static final String PREGREET = "pregreet";

    private final String id = newId();
    private final Map<Object, Object> values = new HashMap<>();
    private final Set<String> tags = new TreeSet<>();
    private final Map<String, String> notes = new LinkedHashMap<>();
    private boolean dryRun;
    private String authenticatedUser;

    /**
     * This connection's id: in every decision log line ({@code session=}) and in the Received header
     * mxfront writes ({@code id}), so that a message's header leads to the log lines of its session.
     */
    public String id() {
        return id;
    }

    /** 12 characters of [0-9A-Z] from 60 random bits, like a Postfix long queue id without its time part. */
    private static String newId() {
        long r = ThreadLocalRandom.current().nextLong() >>> 4;
        char[] c = new char[12];
        for (int i = 11; i >= 0; i--) {
            c[i] = Character.toUpperCase(Character.forDigit((int) (r % 36), 36));
            r /= 36;
        }
        return new String(c);
    }

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

    /**
     * Adds {@code key=value} to the decision log lines of the current message (the spam check's score
     * and symbols on the line of the refusal or the acceptance). Keys are lower-case words with
     * underscores; the value is written without spaces. Forgotten when the next transaction starts.
     */
    public void note(String key, String value) {
        notes.put(key, BLANK.matcher(value).replaceAll("_"));
    }

    /** The notes of the current message, in the order given. */
    public Map<String, String> notes() {
        return Collections.unmodifiableMap(notes);
    }

    /** Forgets the notes (a new transaction starts). */
    public void clearNotes() {
        notes.clear();
    }

    /**
     * The client authenticated (SMTP AUTH) as this user: Postfix's {@code sasl_username} at the policy
     * door, the {@code {auth_authen}} macro at the milter door; null when it did not (always at the SMTP
     * door, an inbound MX without AUTH). Rate-limit keys {@code sasl-user}/{@code sasl-domain} and the
     * unlisted-sender rule read it.
     */
    public String authenticatedUser() {
        return authenticatedUser;
    }

    /** Sets (or, with null or empty, clears) the authenticated user. */
    public void authenticatedUser(String user) {
        authenticatedUser = user == null || user.isEmpty() ? null : user;
    }

    /** This session is a dry run ({@code mxfront explain}): checks must not change shared state. */
    public void markDryRun() {
        dryRun = true;
    }

    public boolean dryRun() {
        return dryRun;
    }
}
