// Covers SenderVerifyCheck: a refused sender gets XM-RJCT80, no answer accepts or tempfails
// (XM-RJCT81) per on-failure, and what is never verified (null sender, relay networks, local domains).
package org.mxfront.checks.senderverify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mxfront.checks.CheckFixtures.context;
import static org.mxfront.checks.CheckFixtures.mailbox;
import static org.mxfront.checks.CheckFixtures.outsider;
import static org.mxfront.checks.CheckFixtures.relayClient;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mxfront.checks.recipients.RecipientsConfig.OnFailure;
import org.mxfront.codes.Code;
import org.mxfront.mail.Mailbox;
import org.mxfront.policy.Facts;
import org.mxfront.policy.Stage;
import org.mxfront.policy.Verdict;
import org.mxfront.recipients.Lookup;
import org.mxfront.recipients.RecipientSource;

class SenderVerifyCheckTest {
    private static final RecipientSource FAKE = new RecipientSource() {
        @Override
        public String kind() { return "fake"; }

        @Override
        public Lookup lookup(String local, String domain) {
            return switch (local) {
                case "alice" -> new Lookup.Found("x");
                case "down" -> new Lookup.Unavailable("x");
                default -> new Lookup.NotFound("x");
            };
        }
    };

    private static Verdict verdict(OnFailure onFailure, Facts f, String sender) {
        SenderVerifyConfig c = new SenderVerifyConfig(null, null, null, null, null, onFailure, null, null, null);
        return new SenderVerifyCheck(c, context(), FAKE).evaluate(Stage.MAIL,
                f.withSender(sender.isEmpty() ? Mailbox.NULL_SENDER : mailbox(sender), 0));
    }

    @Test
    void aSenderItsServerRefusesIsRefused() {
        assertEquals(Verdict.reject(Code.SENDER_VERIFY_FAILED, Map.of("sender", "nobody@sender.example")),
                verdict(null, outsider(), "nobody@sender.example"));
        assertEquals(Verdict.CONTINUE, verdict(null, outsider(), "alice@sender.example"));
    }

    @Test
    void noAnswerAcceptsByDefaultOrTempfails() {
        assertEquals(Verdict.CONTINUE, verdict(null, outsider(), "down@sender.example"));
        assertEquals(Verdict.defer(Code.SENDER_VERIFY_TEMPFAIL, Map.of("sender", "down@sender.example")),
                verdict(OnFailure.TEMPFAIL, outsider(), "down@sender.example"));
    }

    @Test
    void someSendersAreNeverVerified() {
        assertEquals(Verdict.CONTINUE, verdict(null, outsider(), ""));
        assertEquals(Verdict.CONTINUE, verdict(null, relayClient(), "nobody@sender.example"));
        assertEquals(Verdict.CONTINUE, verdict(null, outsider(), "nobody@example.com"));
    }
}
