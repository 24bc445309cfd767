// Covers SenderBlocklistCheck: exact address, domain suffix, and the null sender never matching.
package org.mxfront.checks.senderblocklist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mxfront.checks.CheckFixtures.context;
import static org.mxfront.checks.CheckFixtures.mailbox;
import static org.mxfront.checks.CheckFixtures.outsider;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mxfront.codes.Code;
import org.mxfront.mail.Mailbox;
import org.mxfront.policy.Stage;
import org.mxfront.policy.Verdict;

class SenderBlocklistCheckTest {
    @TempDir
    Path dir;

    @Test
    void addressesAndDomains() throws Exception {
        Path f = Files.writeString(dir.resolve("s"), "spam@one.test\ntwo.test\n");
        SenderBlocklistCheck c = new SenderBlocklistCheck(new SenderBlocklistConfig(List.of(f.toString())), context());
        assertEquals(Verdict.reject(Code.SENDER_BLOCKLISTED, Map.of("sender", "spam@one.test")),
                c.evaluate(Stage.MAIL, outsider().withSender(mailbox("spam@one.test"), 0)));
        assertEquals(Code.SENDER_BLOCKLISTED, c.evaluate(Stage.MAIL, outsider().withSender(mailbox("x@a.two.test"), 0)).code());
        assertEquals(Verdict.CONTINUE, c.evaluate(Stage.MAIL, outsider().withSender(mailbox("ok@one.test"), 0)));
        assertEquals(Verdict.CONTINUE, c.evaluate(Stage.MAIL, outsider().withSender(Mailbox.NULL_SENDER, 0)));
    }
}
