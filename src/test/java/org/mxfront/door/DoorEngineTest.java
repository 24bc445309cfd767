// Which checks each door runs follows from what the checks need (Check.needs) and what the door
// supplies: the same checks the policy and milter doors used to skip by name are skipped now, a
// check with an envelope stage besides content (message-size) still runs at the policy
// door, and a door that supplies everything gets the configured engine itself.
package org.mxfront.door;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mxfront.Doors;
import org.mxfront.config.ConfigLoader;
import org.mxfront.policy.Fact;
import org.mxfront.policy.PolicyEngine;

class DoorEngineTest {
    @TempDir
    Path tmp;

    PolicyEngine engine(String checks) throws Exception {
        String yaml = """
                server: {hostname: mx.test}
                state-directory: %s
                checks:
                %s
                """.formatted(tmp, checks.indent(2));
        return new ConfigLoader(Doors.ALL).parse("t.yml", yaml, new SimpleMeterRegistry()).engine();
    }

    static final String ALL = """
            connection-limit: {}
            early-talker: {}
            helo: {}
            message-size: {}
            received-hops: {}
            headers: {}
            attachments: {}
            virus: {}
            dkim: {}
            dmarc: {}
            forged-sender: {}
            authentication-results: {}
            relay: {}
            """;

    @Test
    void thePolicyDoorSkipsConnectionAndContentChecks() throws Exception {
        DoorEngine policy = new DoorEngine("policy", Set.of(), Map.of());
        PolicyEngine e = policy.usable(engine(ALL));
        assertEquals(List.of("connection-limit", "early-talker", "received-hops", "headers", "attachments", "virus", "dkim",
                "dmarc", "forged-sender", "authentication-results"), policy.skipped());
        assertEquals(Set.of("helo", "message-size", "relay"), Set.copyOf(e.checkNames()));
    }

    @Test
    void theMilterDoorSkipsOnlyTheConnectionChecks() throws Exception {
        DoorEngine milter = new DoorEngine("milter", Set.of(Fact.MESSAGE, Fact.HEADER_EDIT), Map.of());
        PolicyEngine full = engine(ALL);
        PolicyEngine e = milter.usable(full);
        assertEquals(List.of("connection-limit", "early-talker"), milter.skipped());
        assertEquals(full.checkNames().size() - 2, e.checkNames().size());
    }

    @Test
    void dmarcNeedsTheRightToAddAHeaderOnlyWhenItQuarantinesByHeader() throws Exception {
        DoorEngine readOnly = new DoorEngine("read-only", Set.of(Fact.MESSAGE), Map.of());
        readOnly.usable(engine("dmarc: {on-quarantine: tag}\n"));
        assertEquals(List.of(), readOnly.skipped());
        readOnly.usable(engine("dmarc: {}\n"));
        assertEquals(List.of("dmarc"), readOnly.skipped());
    }

    @Test
    void aDoorThatSuppliesEverythingRunsTheEngineAsItIs() throws Exception {
        PolicyEngine full = engine(ALL);
        DoorEngine smtp = new DoorEngine("smtp", EnumSet.allOf(Fact.class), Map.of());
        assertSame(full, smtp.usable(full));
        assertEquals(List.of(), smtp.skipped());
    }
}
