// The watch on one DNSBL zone, which few filters keep: a circuit breaker that suspends the zone
// after dnsbl.suspend-after consecutive failed lookups (or at once when the zone says our resolver
// is blocked, or fails its RFC 5782 test points), leaves it alone for dnsbl.suspend-for, then lets
// a health probe (or, without health checks, one real lookup) decide whether it comes back.
// Health probes also run every dnsbl.health-check while the zone is active. No threads: every
// transition happens when a lookup asks, on the injected clock, so tests need no sleeping.
package org.mxfront.checks.dnsbl;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Health of one zone. Thread-safe (sessions share it). */
final class ZoneHealth {
    private static final Logger LOG = LoggerFactory.getLogger(ZoneHealth.class);

    /** Why a zone is suspended. */
    enum Reason {
        /** Lookups failed or timed out: a DNS failure (on-dns-failure applies while suspended). */
        ERRORS,
        /** The zone answered 127.255.255.252/254/255: our resolver is refused (configuration problem). */
        BLOCKED,
        /** The zone fails its RFC 5782 test points (127.0.0.2 not listed, or 127.0.0.1 listed). */
        UNHEALTHY
    }

    /** What a lookup about to start may do. */
    enum Admission {
        /** Look the client up. */
        ALLOW,
        /** Skip this zone: it is suspended. */
        DENY,
        /** Skip this zone, and run a health probe now: its result decides whether the zone comes back. */
        PROBE
    }

    private enum State { ACTIVE, SUSPENDED, PROBING }

    /**
     * When the breaker opens and how it closes again.
     *
     * @param suspendAfter  consecutive failed lookups that suspend the zone
     * @param suspendFor    how long a suspended zone is left alone
     * @param probeInterval time between health probes while active (zero: none)
     * @param healthProbes  whether the zone has RFC 5782 test points to probe
     */
    record Breaker(int suspendAfter, Duration suspendFor, Duration probeInterval, boolean healthProbes) {}

    private final String zone;
    private final Breaker breaker;
    private final Clock clock;

    private State state = State.ACTIVE;
    private Reason reason;
    private int consecutiveErrors;
    private Instant until = Instant.MIN;
    private Instant nextProbe;
    /** Bumped at every change of state, so that a probe started before it cannot overrule it. */
    private long generation;

    ZoneHealth(String zone, Breaker breaker, Clock clock) {
        this.zone = zone;
        this.breaker = breaker;
        this.clock = clock;
        this.nextProbe = clock.instant();
    }

    synchronized Admission admit() {
        Instant now = clock.instant();
        switch (state) {
            case ACTIVE -> {
                return Admission.ALLOW;
            }
            case SUSPENDED -> {
                if (now.isBefore(until)) return Admission.DENY;
                // Time to find out whether the zone is back: one probe (or one trial lookup) at a time.
                state = State.PROBING;
                generation++;
                until = now.plus(breaker.suspendFor());
                return breaker.healthProbes() ? Admission.PROBE : Admission.ALLOW;
            }
            default -> {
                // A probe is under way; if it got lost, allow another one after suspend-for.
                if (now.isBefore(until)) return Admission.DENY;
                generation++;
                until = now.plus(breaker.suspendFor());
                return breaker.healthProbes() ? Admission.PROBE : Admission.ALLOW;
            }
        }
    }

    /** True once per health-check interval while the zone is active: the caller runs a probe. */
    synchronized boolean probeDue() {
        if (!breaker.healthProbes() || breaker.probeInterval().isZero() || state != State.ACTIVE) return false;
        Instant now = clock.instant();
        if (now.isBefore(nextProbe)) return false;
        nextProbe = now.plus(breaker.probeInterval());
        return true;
    }

    /** A lookup got an answer (listed or not). */
    synchronized void success() {
        consecutiveErrors = 0;
        // Without health probes a trial lookup brings the zone back; with them only a probe does
        // (a zone that lists everyone answers real lookups "successfully").
        if (state == State.PROBING && !breaker.healthProbes()) activate("a lookup succeeded");
    }

    /** A lookup failed or timed out. */
    synchronized void failure(String why) {
        consecutiveErrors++;
        if (state == State.PROBING && !breaker.healthProbes()) {
            suspend(Reason.ERRORS, why);
        } else if (state == State.ACTIVE && consecutiveErrors >= breaker.suspendAfter()) {
            suspend(Reason.ERRORS, consecutiveErrors + " consecutive failures, last: " + why);
        }
    }

    /** The zone refused our resolver (127.255.255.252/254/255). */
    synchronized void blocked(String answer) {
        if (state != State.SUSPENDED) suspend(Reason.BLOCKED, "answered " + answer + ": our resolver is blocked");
    }

    /** The token of a probe starting now (after {@link Admission#PROBE} or {@link #probeDue()}). */
    synchronized long probeToken() {
        return generation;
    }

    /**
     * A health probe finished. A probe whose zone changed state since it started is stale and ignored.
     *
     * @param token   {@link #probeToken()} when the probe started
     * @param failure null when the zone passed, else why it did not
     */
    synchronized void probed(long token, Reason failure, String why) {
        if (token != generation) return;
        if (failure == null) {
            consecutiveErrors = 0;
            if (state != State.ACTIVE) activate("health probe passed");
        } else {
            suspend(failure, "health probe: " + why);
        }
    }

    private void suspend(Reason r, String why) {
        if (state == State.ACTIVE) LOG.warn("dnsbl zone {} suspended for {}s: {}", zone, breaker.suspendFor().toSeconds(), why);
        state = State.SUSPENDED;
        generation++;
        reason = r;
        until = clock.instant().plus(breaker.suspendFor());
    }

    private void activate(String why) {
        LOG.info("dnsbl zone {} active again: {}", zone, why);
        state = State.ACTIVE;
        generation++;
        reason = null;
        consecutiveErrors = 0;
        nextProbe = clock.instant().plus(breaker.probeInterval());
    }

    synchronized boolean active() {
        return state == State.ACTIVE;
    }

    /** Why the zone is not active, null when it is. */
    synchronized Reason reason() {
        return state == State.ACTIVE ? null : reason;
    }
}
