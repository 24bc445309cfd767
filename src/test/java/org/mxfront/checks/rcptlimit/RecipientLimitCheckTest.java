// Covers RecipientLimitCheck: recipients up to the limit pass, each one past it is deferred with 452 4.5.3.
package org.mxfront.checks.rcptlimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.mxfront.checks.CheckFixtures.context;
import static org.mxfront.checks.CheckFixtures.mailbox;
import static org.mxfront.checks.CheckFixtures.outsider;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mxfront.codes.Code;
import org.mxfront.mail.Mailbox;
import org.mxfront.policy.Facts;
import org.mxfront.policy.Stage;
import org.mxfront.policy.Verdict;

class RecipientLimitCheckTest {

    /** The verdict for the recipient numbered {@code nth} (1-based) under a limit of {@code max}. */
    record Case(Integer max, int nth, Verdict expected) {}

    static Verdict tooMany(String limit) {
        return new Verdict.Defer(Code.TOO_MANY_RECIPIENTS, Map.of("limit", limit));
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case(null, 1, Verdict.CONTINUE),
                new Case(null, 49, Verdict.CONTINUE),
                new Case(null, 50, Verdict.CONTINUE),
                new Case(null, 51, tooMany("50")),
                new Case(null, 52, tooMany("50")),
                new Case(1, 1, Verdict.CONTINUE),
                new Case(1, 2, tooMany("1")),
                new Case(3, 3, Verdict.CONTINUE),
                new Case(3, 4, tooMany("3")));
    }

    static Facts factsFor(int nth) {
        List<Mailbox> accepted = new ArrayList<>();
        for (int i = 1; i < nth; i++) accepted.add(mailbox("u" + i + "@example.com"));
        return outsider().withRecipients(accepted).withRecipient(mailbox("u" + nth + "@example.com"));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void limit(Case c) {
        RecipientLimitCheck check = new RecipientLimitCheck(new RecipientLimitConfig(c.max()), context());
        assertEquals(c.expected(), check.evaluate(Stage.RCPT, factsFor(c.nth())));
    }

    @Test
    void configDefaultsAndValidation() {
        assertEquals(50, new RecipientLimitConfig(null).max());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new RecipientLimitConfig(0));
        assertEquals("max must be at least 1", e.getMessage());
    }
}
