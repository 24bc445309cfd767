// Covers MailboxQuotaCheck and the QuotaStatus client against a policy-protocol responder on a
// loopback socket written here (the IT uses Dovecot's own quota-status): full -> 452 4.2.2 XM-RJCT88
// (or 552 5.2.2 XM-RJCT89), fits -> no opinion, the SIZE= sent, answers cached per address and size,
// local domains only, and a service that is down -> accepted or 451 XM-RJCT78, never a 5xx.
package org.mxfront.checks.mailboxquota;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.mxfront.checks.CheckFixtures.context;
import static org.mxfront.checks.CheckFixtures.mailbox;
import static org.mxfront.checks.CheckFixtures.outsider;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mxfront.checks.recipients.RecipientsConfig.OverQuota;
import org.mxfront.codes.Code;
import org.mxfront.policy.Stage;
import org.mxfront.policy.Verdict;
import org.mxfront.recipients.QuotaStatus;

class MailboxQuotaCheckTest {
    private ServerSocket server;
    private final List<String> requests = new CopyOnWriteArrayList<>();

    /** full@ is full above 1000 bytes; everyone else fits. One request per connection, as quota-status. */
    @BeforeEach
    void start() throws Exception {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                    String rcpt = "";
                    long size = 0;
                    StringBuilder req = new StringBuilder();
                    for (String line; (line = in.readLine()) != null && !line.isEmpty(); ) {
                        req.append(line).append('\n');
                        if (line.startsWith("recipient=")) rcpt = line.substring(10);
                        if (line.startsWith("size=")) size = Long.parseLong(line.substring(5));
                    }
                    requests.add(req.toString());
                    String action = rcpt.startsWith("full@") && size > 1000 ? "552 5.2.2 Mailbox is full" : "DUNNO";
                    s.getOutputStream().write(("action=" + action + "\n\n").getBytes(StandardCharsets.UTF_8));
                } catch (Exception e) {
                    // closed
                }
            }
        });
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    private MailboxQuotaCheck check(OverQuota overQuota, MailboxQuotaConfig.OnFailure onFailure, int port) {
        return new MailboxQuotaCheck(new MailboxQuotaConfig("127.0.0.1:" + port, Duration.ofSeconds(2), overQuota, onFailure,
                null, null), context());
    }

    private static Verdict rcpt(MailboxQuotaCheck c, String rcpt, long size) {
        return c.evaluate(Stage.RCPT, outsider().withSender(mailbox("a@sender.example"), size).withRecipient(mailbox(rcpt)));
    }

    @Test
    void aFullMailboxIsRefusedTemporarilyByDefaultAndPermanentlyWhenConfigured() {
        Map<String, String> vars = Map.of("recipient", "full@example.com");
        MailboxQuotaCheck c = check(null, null, server.getLocalPort());
        assertEquals(Verdict.defer(Code.MAILBOX_OVER_QUOTA, vars), rcpt(c, "full@example.com", 5000));
        assertEquals(Verdict.CONTINUE, rcpt(c, "full@example.com", 100), "a small message still fits");
        assertEquals(Verdict.CONTINUE, rcpt(c, "roomy@example.com", 5000));
        assertEquals(Verdict.CONTINUE, rcpt(c, "full@elsewhere.example", 5000), "not a local domain: not asked");
        assertEquals(Verdict.CONTINUE, rcpt(c, "postmaster", 5000));
        assertEquals(3, requests.size());
        assertEquals("request=smtpd_access_policy\nprotocol_state=RCPT\nprotocol_name=ESMTP\nrecipient=full@example.com\nsize=5000\n",
                requests.get(0));
        rcpt(c, "full@example.com", 5000);
        assertEquals(3, requests.size(), "the answer was cached");
        assertEquals(Verdict.reject(Code.MAILBOX_OVER_QUOTA_PERMANENT, vars),
                rcpt(check(OverQuota.PERMANENT, null, server.getLocalPort()), "full@example.com", 5000));
    }

    @Test
    void aServiceThatCannotAnswerNeverRefusesForGood() throws Exception {
        int dead;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            dead = s.getLocalPort();
        }
        assertEquals(Verdict.CONTINUE, rcpt(check(null, null, dead), "full@example.com", 5000));
        assertEquals(Verdict.defer(Code.RECIPIENT_LOOKUP_TEMPFAIL, Map.of("recipient", "full@example.com")),
                rcpt(check(OverQuota.PERMANENT, MailboxQuotaConfig.OnFailure.TEMPFAIL, dead), "full@example.com", 5000));
    }

    @Test
    void actionsAreClassified() {
        QuotaStatus q = new QuotaStatus(new java.net.InetSocketAddress("127.0.0.1", server.getLocalPort()), Duration.ofSeconds(2));
        assertInstanceOf(QuotaStatus.Answer.Full.class, q.ask("full@example.com", 2000));
        assertInstanceOf(QuotaStatus.Answer.Fits.class, q.ask("full@example.com", 20));
        assertInstanceOf(QuotaStatus.Answer.Unavailable.class, q.ask("bad\n@example.com", 20));
    }

    @Test
    void badSettingsAreRefused() {
        assertEquals("127.0.0.1:12340", new MailboxQuotaConfig(null, null, null, null, null, null).service());
        assertThrows(IllegalArgumentException.class, () -> new MailboxQuotaConfig("no-port", null, null, null, null, null));
        assertThrows(IllegalArgumentException.class, () -> new MailboxQuotaConfig("127.0.0.1:1", Duration.ZERO, null, null, null, null));
    }
}
