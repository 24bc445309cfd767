// One record of the greylisting store: a (client, sender, recipient) tuple or a client on the
// auto-allow list. Times are epoch milliseconds; the writer computes expiresAt under its own
// settings, so the store can expire entries without knowing the check's configuration.
package org.mxfront.greylist;

/**
 * A stored greylisting record.
 *
 * @param firstSeen   first attempt (tuple) or first counted pass (client)
 * @param lastSeen    last time it was seen
 * @param passes      tuple: successful retries so far (0 = still greylisted); client: passes counted
 *                    towards auto-allow, {@link #MANUAL} when an operator allowed it
 * @param lastCounted client: when a pass was last counted (at most one per counting interval)
 * @param expiresAt   when the record is forgotten
 */
public record GreylistEntry(long firstSeen, long lastSeen, int passes, long lastCounted, long expiresAt) {
    /** The passes value of a client allowed by an operator ({@code mxfront greylist allow}). */
    public static final int MANUAL = Integer.MAX_VALUE;

    public boolean expired(long now) { return expiresAt <= now; }

    public boolean manual() { return passes == MANUAL; }

    /** The stored form, the same in every store: {@code first,last,passes,counted,expires}. */
    public String encode() {
        return firstSeen + "," + lastSeen + "," + passes + "," + lastCounted + "," + expiresAt;
    }

    /** Parses {@link #encode()}'s form; null for null or a malformed value (treated as absent). */
    public static GreylistEntry decode(String s) {
        if (s == null) return null;
        String[] f = s.split(",", -1);
        if (f.length != 5) return null;
        try {
            return new GreylistEntry(Long.parseLong(f[0]), Long.parseLong(f[1]), Integer.parseInt(f[2]),
                    Long.parseLong(f[3]), Long.parseLong(f[4]));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The entry a stored value holds, or null when there is none or it has expired. */
    static GreylistEntry live(String value, long now) {
        GreylistEntry e = decode(value);
        return e == null || e.expired(now) ? null : e;
    }
}
