// tls-required: senders by domain at MAIL, recipients of a marked domain at RCPT, nothing over TLS.
package org.mxfront.checks.tlsrequired;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.mxfront.checks.CheckFixtures.context;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mxfront.codes.Code;
import org.mxfront.mail.ClientInfo;
import org.mxfront.mail.Mailbox;
import org.mxfront.mail.TlsInfo;
import org.mxfront.policy.Facts;
import org.mxfront.policy.Stage;
import org.mxfront.policy.Verdict;

class TlsRequiredCheckTest {
    static Facts facts(boolean tls, String sender, String rcpt) throws Exception {
        ClientInfo c = new ClientInfo(InetAddress.getByName("192.0.2.7"), 1, null, false, 1,
                tls ? new TlsInfo("TLSv1.3", "TLS_AES_128_GCM_SHA256", 128) : null);
        Facts f = Facts.connect(c).withHelo("mx.sender.example").withSender(org.mxfront.checks.CheckFixtures.mailbox(sender), 0);
        return rcpt == null ? f : f.withRecipient(org.mxfront.checks.CheckFixtures.mailbox(rcpt));
    }

    final TlsRequiredCheck bySender = new TlsRequiredCheck(new TlsRequiredConfig(List.of("Bank.Example"), null), context());
    final TlsRequiredCheck byRecipient = new TlsRequiredCheck(new TlsRequiredConfig(null, true), context());

    @Test
    void aListedSenderDomainOrItsSubdomainInClearIsRefusedAtMail() throws Exception {
        assertEquals(Verdict.reject(Code.TLS_REQUIRED, Map.of("domain", "bank.example")),
                bySender.evaluate(Stage.MAIL, facts(false, "a@bank.example", null)));
        assertEquals(Verdict.reject(Code.TLS_REQUIRED, Map.of("domain", "mail.bank.example")),
                bySender.evaluate(Stage.MAIL, facts(false, "a@mail.bank.example", null)));
        assertEquals(Verdict.CONTINUE, bySender.evaluate(Stage.MAIL, facts(false, "a@notbank.example", null)));
        assertEquals(Verdict.CONTINUE, bySender.evaluate(Stage.MAIL, facts(true, "a@bank.example", null)), "over TLS");
    }

    @Test
    void aMarkedRecipientDomainInClearIsRefusedAtRcpt() throws Exception {
        assertEquals(Verdict.reject(Code.TLS_REQUIRED_FOR_RECIPIENT, Map.of("recipient", "bob@secure.example")),
                byRecipient.evaluate(Stage.RCPT, facts(false, "a@sender.example", "bob@secure.example")));
        assertEquals(Verdict.CONTINUE, byRecipient.evaluate(Stage.RCPT, facts(true, "a@sender.example", "bob@secure.example")));
        assertEquals(Verdict.CONTINUE, byRecipient.evaluate(Stage.MAIL, facts(false, "a@sender.example", null)));
    }

    @Test
    void aBadDomainIsAConfigError() {
        assertThrows(IllegalArgumentException.class, () -> new TlsRequiredConfig(List.of("not a domain"), false));
    }
}
