// Covers PhishingCheck: the envelope sender at MAIL, From:/Reply-To: addresses at the header stage,
// other fields ignored.
package org.mxfront.checks.phishing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mxfront.checks.CheckFixtures.context;
import static org.mxfront.checks.CheckFixtures.mailbox;
import static org.mxfront.checks.CheckFixtures.outsider;
import static org.mxfront.checks.SenderAuthFixtures.headers;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mxfront.codes.Code;
import org.mxfront.policy.Stage;
import org.mxfront.policy.Verdict;

class PhishingCheckTest {
    @TempDir
    Path dir;

    @Test
    void envelopeAndHeaders() throws Exception {
        Path f = Files.writeString(dir.resolve("p"), "pay@bank-login.test\n");
        PhishingCheck c = new PhishingCheck(new PhishingConfig(List.of(f.toString()), null), context());
        Verdict listed = Verdict.reject(Code.PHISHING_ADDRESS, Map.of("address", "pay@bank-login.test"));
        assertEquals(listed, c.evaluate(Stage.MAIL, outsider().withSender(mailbox("pay@bank-login.test"), 0)));
        assertEquals(listed, c.evaluate(Stage.HEADERS, outsider().withHeaders(headers("From: a@b.test", "Reply-To: Pay <pay@bank-login.test>"))));
        assertEquals(Verdict.CONTINUE, c.evaluate(Stage.HEADERS, outsider().withHeaders(headers("To: pay@bank-login.test"))));
    }
}
