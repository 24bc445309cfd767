// The mailbox-quota check against a REAL Dovecot quota-status service (`quota-status -p postfix`,
// count backend, Debian's dovecot-core), at the SMTP door: full@ holds a 3.5 KB message under a 4 KB
// quota (put there by doveadm save, so Dovecot counts it), so a message with SIZE=1000 gets 452 4.2.2
// XM-RJCT88 while SIZE=100 still fits; roomy@ takes it; a domain with over-quota: permanent gets
// 552 5.2.2 XM-RJCT89; a service that is not there lets the recipient through (on-failure: accept)
// or gives 451 4.4.3 XM-RJCT78 (tempfail), never a 5xx.
package org.mxfront.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class MailboxQuotaIT {
    @RegisterExtension
    static final DovecotFixture dovecot = new DovecotFixture(Map.of(
            "full@example.com", "*:storage=4k", "roomy@example.com", "", "full@perm.example", "*:storage=4k"));
    static final int DEAD = Ports.free();
    @RegisterExtension
    static final MxfrontFixture mx = MxfrontFixture.relayingToNewSink().with(() -> """
            checks:
              relay: {}
              mailbox-quota: {service: "127.0.0.1:%d"}
            domains:
              example.com: {}
              perm.example: {checks: {mailbox-quota: {over-quota: permanent}}}
              down.example: {checks: {mailbox-quota: {service: "127.0.0.1:%d", timeout: 500ms}}}
              tempfail.example: {checks: {mailbox-quota: {service: "127.0.0.1:%d", timeout: 500ms, on-failure: tempfail}}}
            """.formatted(dovecot.quotaPort(), DEAD, DEAD), dovecot);

    @BeforeAll
    static void fill() throws Exception {
        dovecot.get().save("full@example.com", 3500);
        dovecot.get().save("full@perm.example", 3500);
    }

    private static List<String> rcpt(String client, long size, String recipient) throws Exception {
        try (SmtpClient c = FrontDoorIT.hello(mx, client, "client.sender.example")) {
            assertEquals(List.of("250 2.1.0 Ok"), c.command("MAIL FROM:<a@sender.example> SIZE=" + size));
            List<String> r = c.command("RCPT TO:<" + recipient + ">");
            System.out.println("RCPT TO:<" + recipient + "> SIZE=" + size + ": " + r);
            return r;
        }
    }

    @Test
    void aFullMailboxIsRefusedForAMessageThatDoesNotFit() throws Exception {
        assertEquals(List.of("452-4.2.2 XM-RJCT88: Mailbox of <full@example.com> has exceeded its storage allocation (quota"
                + " exceeded), please try again later.", "452 4.2.2 [127.0.0.41] [mx.test]"), rcpt("127.0.0.41", 1000, "full@example.com"));
        assertEquals(List.of("250 2.1.5 Ok"), rcpt("127.0.0.41", 100, "full@example.com"), "a small message still fits");
        assertEquals(List.of("250 2.1.5 Ok"), rcpt("127.0.0.41", 1000, "roomy@example.com"));
        assertEquals(List.of("250 2.1.5 Ok"), rcpt("127.0.0.41", 1000, "unknown@example.com"), "nouser: the recipients check's business");
    }

    @Test
    void overQuotaPermanentGivesTheSeedsFiveTwoTwo() throws Exception {
        assertEquals(List.of("552-5.2.2 XM-RJCT89: Requested mail action aborted: the mailbox of <full@perm.example> exceeded its"
                + " storage allocation.", "552 5.2.2 [127.0.0.42] [mx.test]"), rcpt("127.0.0.42", 1000, "full@perm.example"));
    }

    @Test
    void aServiceThatIsNotThereNeverRefusesForGood() throws Exception {
        assertEquals(List.of("250 2.1.5 Ok"), rcpt("127.0.0.43", 1000, "full@down.example"));
        assertEquals(List.of("451-4.4.3 XM-RJCT78: Recipient <full@tempfail.example> cannot be verified now, please try again later.",
                "451 4.4.3 [127.0.0.43] [mx.test]"), rcpt("127.0.0.43", 1000, "full@tempfail.example"));
    }
}
