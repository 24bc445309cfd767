// Covers ConnectionLimitCheck: the Nth simultaneous connection from one address against max-per-client, relay exemption.
package org.mxfront.checks.connlimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.mxfront.checks.CheckFixtures.client;
import static org.mxfront.checks.CheckFixtures.context;

import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mxfront.codes.Code;
import org.mxfront.policy.Facts;
import org.mxfront.policy.Stage;
import org.mxfront.policy.Verdict;

class ConnectionLimitCheckTest {

    record Case(Integer max, Boolean exempt, boolean relayClient, int connections, Verdict expected) {}

    static Verdict tooMany(String limit) {
        return new Verdict.Disconnect(Code.TOO_MANY_CONNECTIONS, Map.of("limit", limit));
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case(null, null, false, 1, Verdict.CONTINUE),
                new Case(null, null, false, 5, Verdict.CONTINUE),
                new Case(null, null, false, 6, tooMany("5")),
                new Case(null, null, false, 1000, tooMany("5")),
                new Case(null, null, true, 6, Verdict.CONTINUE),
                new Case(null, true, true, 1000, Verdict.CONTINUE),
                new Case(null, false, true, 5, Verdict.CONTINUE),
                new Case(null, false, true, 6, tooMany("5")),
                new Case(1, null, false, 1, Verdict.CONTINUE),
                new Case(1, null, false, 2, tooMany("1")),
                new Case(20, null, false, 20, Verdict.CONTINUE),
                new Case(20, null, false, 21, tooMany("20")));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void limit(Case c) {
        ConnectionLimitCheck check = new ConnectionLimitCheck(new ConnectionLimitConfig(c.max(), c.exempt()), context());
        Facts f = Facts.connect(client(c.relayClient() ? "127.0.0.1" : "127.0.0.2", c.relayClient(), c.connections()));
        assertEquals(c.expected(), check.evaluate(Stage.CONNECT, f));
    }

    @Test
    void configDefaultsValidationAndStages() {
        ConnectionLimitConfig d = new ConnectionLimitConfig(null, null);
        assertEquals(5, d.maxPerClient());
        assertEquals(true, d.exemptRelayNetworks());
        assertThrows(IllegalArgumentException.class, () -> new ConnectionLimitConfig(0, null));
        assertEquals(Set.of(Stage.CONNECT), new ConnectionLimitCheck(d, context()).stages());
    }
}
