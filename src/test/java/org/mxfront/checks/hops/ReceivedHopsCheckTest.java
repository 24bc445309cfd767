// Covers ReceivedHopsCheck: N Received: fields (any case) against the hop limit at HEADERS.
package org.mxfront.checks.hops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.mxfront.checks.CheckFixtures.context;
import static org.mxfront.checks.CheckFixtures.outsider;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mxfront.codes.Code;
import org.mxfront.policy.HeaderSection;
import org.mxfront.policy.Stage;
import org.mxfront.policy.Verdict;

class ReceivedHopsCheckTest {

    record Case(Integer max, int received, Verdict expected) {}

    static Verdict tooMany(int count, int limit) {
        return new Verdict.Reject(Code.TOO_MANY_HOPS, Map.of("count", Integer.toString(count), "limit", Integer.toString(limit)));
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case(null, 0, Verdict.CONTINUE),
                new Case(null, 30, Verdict.CONTINUE),
                new Case(null, 31, tooMany(31, 30)),
                new Case(null, 100, tooMany(100, 30)),
                new Case(1, 1, Verdict.CONTINUE),
                new Case(1, 2, tooMany(2, 1)),
                new Case(5, 5, Verdict.CONTINUE),
                new Case(5, 6, tooMany(6, 5)));
    }

    /** A header section with {@code n} Received fields in mixed case, between other fields. */
    static HeaderSection headers(int n) {
        List<HeaderSection.Field> fields = new ArrayList<>();
        fields.add(new HeaderSection.Field("Subject", "hi"));
        for (int i = 0; i < n; i++) {
            String name = switch (i % 3) {
                case 0 -> "Received";
                case 1 -> "RECEIVED";
                default -> "received";
            };
            fields.add(new HeaderSection.Field(name, "from h" + i + ".example by mx.test"));
            fields.add(new HeaderSection.Field("X-Received-Not", "decoy"));
        }
        fields.add(new HeaderSection.Field("From", "a@b.example"));
        return new HeaderSection(fields, 1000);
    }

    @ParameterizedTest
    @MethodSource("cases")
    void limit(Case c) {
        ReceivedHopsCheck check = new ReceivedHopsCheck(new ReceivedHopsConfig(c.max()), context());
        assertEquals(c.expected(), check.evaluate(Stage.HEADERS, outsider().withHeaders(headers(c.received()))));
    }

    @Test
    void configDefaultsAndValidation() {
        assertEquals(30, new ReceivedHopsConfig(null).max());
        assertThrows(IllegalArgumentException.class, () -> new ReceivedHopsConfig(0));
    }
}
