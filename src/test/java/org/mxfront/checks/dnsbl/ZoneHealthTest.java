// The zone watch as a state machine on a hand-moved clock: suspension after N failures in a row,
// immediate suspension for a blocked resolver, probe-back by health probe (or by one trial lookup
// without health checks), periodic probes, and stale probe results ignored.
package org.mxfront.checks.dnsbl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.mxfront.checks.dnsbl.ZoneHealth.Admission;
import org.mxfront.checks.dnsbl.ZoneHealth.Reason;
import org.mxfront.dns.MutableClock;

class ZoneHealthTest {
    final MutableClock clock = new MutableClock();

    ZoneHealth health(boolean probes) {
        return new ZoneHealth("zen.test", new ZoneHealth.Breaker(3, Duration.ofSeconds(60), Duration.ofMinutes(5), probes), clock);
    }

    @Test
    void suspendsAfterConsecutiveFailuresOnly() {
        ZoneHealth h = health(true);
        h.failure("timeout");
        h.failure("timeout");
        h.success();
        h.failure("timeout");
        h.failure("timeout");
        assertEquals(Admission.ALLOW, h.admit());
        h.failure("timeout");
        assertFalse(h.active());
        assertEquals(Reason.ERRORS, h.reason());
        assertEquals(Admission.DENY, h.admit());
    }

    @Test
    void suspendedZoneIsProbedBackAfterSuspendFor() {
        ZoneHealth h = health(true);
        for (int i = 0; i < 3; i++) h.failure("timeout");
        clock.advance(Duration.ofSeconds(59));
        assertEquals(Admission.DENY, h.admit());
        clock.advance(Duration.ofSeconds(1));
        assertEquals(Admission.PROBE, h.admit());
        long token = h.probeToken();
        // One probe at a time: others keep skipping the zone meanwhile.
        assertEquals(Admission.DENY, h.admit());
        h.probed(token, null, "ok");
        assertTrue(h.active());
        assertNull(h.reason());
        assertEquals(Admission.ALLOW, h.admit());
    }

    @Test
    void failedProbeSuspendsAgain() {
        ZoneHealth h = health(true);
        h.blocked("127.255.255.254");
        assertEquals(Reason.BLOCKED, h.reason());
        clock.advance(Duration.ofSeconds(60));
        assertEquals(Admission.PROBE, h.admit());
        h.probed(h.probeToken(), Reason.BLOCKED, "still blocked");
        assertEquals(Admission.DENY, h.admit());
        clock.advance(Duration.ofSeconds(60));
        assertEquals(Admission.PROBE, h.admit());
    }

    @Test
    void lostProbeIsRetriedAfterSuspendFor() {
        ZoneHealth h = health(true);
        h.blocked("127.255.255.255");
        clock.advance(Duration.ofSeconds(60));
        assertEquals(Admission.PROBE, h.admit());
        clock.advance(Duration.ofSeconds(30));
        assertEquals(Admission.DENY, h.admit());
        clock.advance(Duration.ofSeconds(30));
        assertEquals(Admission.PROBE, h.admit());
    }

    @Test
    void staleProbeResultCannotOverruleANewerSuspension() {
        ZoneHealth h = health(true);
        assertTrue(h.probeDue());
        long token = h.probeToken();
        h.blocked("127.255.255.254");
        h.probed(token, null, "ok");
        assertFalse(h.active());
    }

    @Test
    void unhealthyProbeSuspendsAnActiveZone() {
        ZoneHealth h = health(true);
        assertTrue(h.probeDue());
        h.probed(h.probeToken(), Reason.UNHEALTHY, "127.0.0.1 is listed");
        assertEquals(Reason.UNHEALTHY, h.reason());
        // Real lookups that "succeed" do not bring back a zone that lists everyone.
        h.success();
        assertFalse(h.active());
    }

    @Test
    void periodicProbesRunOncePerInterval() {
        ZoneHealth h = health(true);
        assertTrue(h.probeDue());
        assertFalse(h.probeDue());
        clock.advance(Duration.ofMinutes(4));
        assertFalse(h.probeDue());
        clock.advance(Duration.ofMinutes(1));
        assertTrue(h.probeDue());
        assertFalse(health(false).probeDue());
    }

    @Test
    void withoutHealthProbesOneTrialLookupDecides() {
        ZoneHealth h = health(false);
        for (int i = 0; i < 3; i++) h.failure("SERVFAIL");
        clock.advance(Duration.ofSeconds(60));
        assertEquals(Admission.ALLOW, h.admit());
        assertEquals(Admission.DENY, h.admit());
        h.failure("SERVFAIL");
        assertEquals(Admission.DENY, h.admit());
        clock.advance(Duration.ofSeconds(60));
        assertEquals(Admission.ALLOW, h.admit());
        h.success();
        assertTrue(h.active());
    }
}
