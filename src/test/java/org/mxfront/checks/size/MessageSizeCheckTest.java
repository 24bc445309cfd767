// Covers MessageSizeCheck: the declared SIZE= at MAIL and the bytes received at END_OF_DATA against max-bytes.
package org.mxfront.checks.size;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.mxfront.checks.CheckFixtures.context;
import static org.mxfront.checks.CheckFixtures.mailbox;
import static org.mxfront.checks.CheckFixtures.outsider;

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

class MessageSizeCheckTest {
    static final long DEFAULT_MAX = 52_428_800L;

    record Case(Long max, Stage stage, long declared, long received, boolean tooLarge) {}

    static Stream<Case> cases() {
        return Stream.of(
                new Case(null, Stage.MAIL, 0, 0, false),
                new Case(null, Stage.MAIL, DEFAULT_MAX, 0, false),
                new Case(null, Stage.MAIL, DEFAULT_MAX + 1, 0, true),
                new Case(null, Stage.MAIL, Long.MAX_VALUE, 0, true),
                new Case(null, Stage.END_OF_DATA, 0, DEFAULT_MAX, false),
                new Case(null, Stage.END_OF_DATA, 0, DEFAULT_MAX + 1, true),
                new Case(2048L, Stage.MAIL, 2048, 0, false),
                new Case(2048L, Stage.MAIL, 2049, 0, true),
                new Case(2048L, Stage.END_OF_DATA, 0, 2048, false),
                new Case(2048L, Stage.END_OF_DATA, 0, 2049, true),
                // SIZE= is only a promise: the bytes decide at the end, whatever was declared
                new Case(2048L, Stage.END_OF_DATA, 100, 4096, true),
                new Case(2048L, Stage.END_OF_DATA, 4096, 100, false),
                // at MAIL, only the declaration is known
                new Case(2048L, Stage.MAIL, 100, 4096, false));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void limit(Case c) {
        MessageSizeCheck check = new MessageSizeCheck(new MessageSizeConfig(c.max()), context());
        Facts f = outsider().withSender(mailbox("s@sender.example"), c.declared());
        if (c.stage() == Stage.END_OF_DATA) f = f.withMessageBytes(c.received());
        long max = c.max() == null ? DEFAULT_MAX : c.max();
        Verdict expected = c.tooLarge()
                ? new Verdict.Reject(Code.MESSAGE_TOO_LARGE, Map.of("limit", Long.toString(max)))
                : Verdict.CONTINUE;
        assertEquals(expected, check.evaluate(c.stage(), f));
    }

    @Test
    void tellsTheFrontDoorItsLimit() {
        assertEquals(2048L, new MessageSizeCheck(new MessageSizeConfig(2048L), context()).maxMessageBytes());
        assertEquals(DEFAULT_MAX, new MessageSizeCheck(new MessageSizeConfig(null), context()).maxMessageBytes());
        assertEquals(Set.of(Stage.MAIL, Stage.END_OF_DATA),
                new MessageSizeCheck(new MessageSizeConfig(null), context()).stages());
    }

    @Test
    void limitBelow1024IsRefused() {
        assertEquals(1024L, new MessageSizeConfig(1024L).maxBytes());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new MessageSizeConfig(1023L));
        assertEquals("max-bytes must be at least 1024", e.getMessage());
    }
}
