// The Generic Cell Rate Algorithm (ATM's leaky bucket as a meter, as in redis-cell and
// rspamd's ratelimit): one number per key, the "theoretical arrival time" (TAT). With a rate of
// N per period the emission interval is T = period / N; a burst of B lets B events through at once.
// An event of cost c at time now is allowed when max(TAT, now) + c*T - B*T <= now, and then moves the
// TAT there; a refused event changes nothing. The key can be forgotten once TAT <= now (the bucket is
// full again), so a stored key expires by itself after TAT - now. This class is the maths only, in
// microseconds, shared by the embedded store; the Redis store runs the same steps in Lua.
package org.mxfront.ratelimit;

/** GCRA steps. Stateless. */
public final class Gcra {
    private Gcra() {}

    /**
     * One limit.
     *
     * @param intervalMicros  T: the period divided by the number of events (or bytes) allowed in it
     * @param toleranceMicros tau: T times the burst, how far ahead of now the TAT may run
     */
    public record Limit(double intervalMicros, double toleranceMicros) {
        public Limit {
            if (!(intervalMicros > 0) || !(toleranceMicros >= intervalMicros)) {
                throw new IllegalArgumentException("a limit needs an interval > 0 and a burst of at least 1");
            }
        }

        /** A limit of {@code count} events per {@code periodMicros}, {@code burst} at once. */
        public static Limit of(double count, long periodMicros, double burst) {
            double t = periodMicros / count;
            return new Limit(t, t * burst);
        }

        /** The burst (events that may pass at once). */
        public double burst() { return toleranceMicros / intervalMicros; }
    }

    /**
     * The result of one step.
     *
     * @param allowed          whether the event passes
     * @param tat              the TAT to store when it passes (the old one, unchanged, when it does not)
     * @param retryAfterMicros when refused, how long until the same event would pass; 0 when allowed
     * @param remaining        events of cost 1 that could still pass now, after this one
     */
    public record Step(boolean allowed, double tat, long retryAfterMicros, long remaining) {}

    /**
     * One event.
     *
     * @param storedTat the stored TAT, or {@code Double.NaN} when the key is unknown (or expired)
     * @param now       now, in microseconds
     * @param cost      the event's weight (1 for a message; bytes for a byte rate); capped at the burst,
     *                  so that one event larger than the burst passes when the bucket is full
     */
    public static Step step(double storedTat, long now, Limit limit, double cost) {
        double t = limit.intervalMicros();
        double tau = limit.toleranceMicros();
        double c = Math.min(Math.max(cost, 0), tau / t);
        double tat = Double.isNaN(storedTat) || storedTat < now ? now : storedTat;
        double next = tat + c * t;
        double allowAt = next - tau;
        if (allowAt > now) {
            return new Step(false, storedTat, (long) Math.ceil(allowAt - now), 0);
        }
        long remaining = (long) Math.floor((tau - (next - now)) / t);
        return new Step(true, next, 0, Math.max(0, remaining));
    }

    /** Microseconds until a stored TAT means a full bucket again: the key's time to live (0: forget it now). */
    public static long ttlMicros(double tat, long now) {
        return Math.max(0, (long) Math.ceil(tat - now));
    }

    /** Events of cost 1 that may pass now for a stored TAT (the bucket's level, for listings). */
    public static long available(double tat, long now, Limit limit) {
        double used = Math.max(0, tat - now);
        return Math.max(0, (long) Math.floor((limit.toleranceMicros() - used) / limit.intervalMicros()));
    }
}
