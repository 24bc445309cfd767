// Covers EarlyTalkerCheck: the pause it asks for, the verdict on the pregreet tag, the relay-networks
// exemption, the configuration's defaults and bounds (the probe itself: PolicyEngineTest, HostileInputIT).
package org.mxfront.checks.earlytalker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mxfront.checks.CheckFixtures.context;
import static org.mxfront.checks.CheckFixtures.outsider;
import static org.mxfront.checks.CheckFixtures.relayClient;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mxfront.codes.Code;
import org.mxfront.policy.Facts;
import org.mxfront.policy.SessionState;
import org.mxfront.policy.Stage;
import org.mxfront.policy.Verdict;

class EarlyTalkerCheckTest {
    final EarlyTalkerCheck check = new EarlyTalkerCheck(new EarlyTalkerConfig(Duration.ofMillis(700), null), context());

    static Facts talkedFirst(Facts f) {
        f.state().tag(SessionState.PREGREET);
        return f;
    }

    @Test
    void aClientThatTalkedFirstIsRefused() {
        assertEquals(new Verdict.Reject(Code.EARLY_TALKER, Map.of()), check.evaluate(Stage.CONNECT, talkedFirst(outsider())));
    }

    @Test
    void aClientThatWaitedPasses() {
        assertEquals(Verdict.CONTINUE, check.evaluate(Stage.CONNECT, outsider()));
    }

    @Test
    void relayNetworksAreNeitherHeldBackNorRefused() {
        assertEquals(Duration.ZERO, check.greetingPause(relayClient()));
        assertEquals(Verdict.CONTINUE, check.evaluate(Stage.CONNECT, talkedFirst(relayClient())));
        EarlyTalkerCheck strict = new EarlyTalkerCheck(new EarlyTalkerConfig(null, false), context());
        assertEquals(Duration.ofSeconds(1), strict.greetingPause(relayClient()));
        assertTrue(strict.evaluate(Stage.CONNECT, talkedFirst(relayClient())) instanceof Verdict.Reject);
    }

    @Test
    void asksForItsPauseAtConnect() {
        assertEquals(Duration.ofMillis(700), check.greetingPause(outsider()));
        assertEquals(java.util.Set.of(Stage.CONNECT), check.stages());
    }

    @Test
    void configurationDefaultsAndBounds() {
        EarlyTalkerConfig d = new EarlyTalkerConfig(null, null);
        assertEquals(Duration.ofSeconds(1), d.pause());
        assertTrue(d.exemptRelayNetworks());
        assertThrows(IllegalArgumentException.class, () -> new EarlyTalkerConfig(Duration.ZERO, null));
        assertThrows(IllegalArgumentException.class, () -> new EarlyTalkerConfig(Duration.ofSeconds(31), null));
    }

    @Test
    void theReplyIsTheCataloguesEntry() {
        assertEquals(554, Code.EARLY_TALKER.smtpCode());
        assertEquals("5.5.1", Code.EARLY_TALKER.enhanced());
        assertFalse(Code.EARLY_TALKER.template().isBlank());
    }
}
