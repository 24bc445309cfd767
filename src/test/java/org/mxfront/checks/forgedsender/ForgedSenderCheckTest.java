// Covers ForgedSenderCheck: our domain in MAIL FROM or From: needs aligned SPF or DKIM from outside;
// relay networks and other domains are not judged; unknown protected domains are a config error.
package org.mxfront.checks.forgedsender;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.mxfront.checks.CheckFixtures.context;
import static org.mxfront.checks.CheckFixtures.mailbox;
import static org.mxfront.checks.CheckFixtures.outsider;
import static org.mxfront.checks.CheckFixtures.relayClient;
import static org.mxfront.checks.SenderAuthFixtures.headers;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mxfront.checks.dkim.DkimResults;
import org.mxfront.checks.spf.SpfCheck;
import org.mxfront.codes.Code;
import org.mxfront.dkim.DkimResult;
import org.mxfront.policy.Facts;
import org.mxfront.policy.Stage;
import org.mxfront.policy.Verdict;
import org.mxfront.spf.SpfResult;

class ForgedSenderCheckTest {
    final ForgedSenderCheck check = new ForgedSenderCheck(new ForgedSenderConfig(null), context());

    static Facts message(Facts base, String sender, String from) {
        return base.withSender(mailbox(sender), 0).withHeaders(headers("From: " + from));
    }

    @Test
    void ourDomainNeedsAlignedAuthentication() {
        Facts f = message(outsider(), "ceo@example.com", "ceo@example.com");
        assertEquals(Verdict.reject(Code.FORGED_SENDER, Map.of("sender", "ceo@example.com")), check.evaluate(Stage.END_OF_DATA, f));
        f.state().put(SpfCheck.RESULT, new SpfResult(SpfResult.Result.PASS, "mailfrom", "example.com", "ceo@example.com", null, "t"));
        assertEquals(Verdict.CONTINUE, check.evaluate(Stage.END_OF_DATA, f));

        Facts header = message(outsider(), "bounce@other.test", "\"CEO\" <ceo@example.com>");
        assertEquals(Verdict.reject(Code.FORGED_SENDER, Map.of("sender", "ceo@example.com")), check.evaluate(Stage.END_OF_DATA, header));
        DkimResults.put(header.state(), List.of(new DkimResult(DkimResult.Outcome.PASS, "mail.example.com", "s1", "rsa-sha256",
                "@mail.example.com", "abcdefgh", "signature verified")));
        assertEquals(Verdict.CONTINUE, check.evaluate(Stage.END_OF_DATA, header), "relaxed alignment");
    }

    @Test
    void othersAreNotJudged() {
        assertEquals(Verdict.CONTINUE, check.evaluate(Stage.END_OF_DATA, message(relayClient(), "ceo@example.com", "ceo@example.com")));
        assertEquals(Verdict.CONTINUE, check.evaluate(Stage.END_OF_DATA, message(outsider(), "a@other.test", "a@other.test")));
        assertThrows(IllegalArgumentException.class, () -> new ForgedSenderCheck(new ForgedSenderConfig(List.of("not-ours.test")), context()));
    }
}
