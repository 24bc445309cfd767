// The SMTP conversation as a state machine, with no socket: whole dialogues fed in pieces of every
// size (one byte, awkward splits, everything at once, pipelined), replies compared line by line.
// Plain transcripts live as files in src/test/resources/dialogues (DialogueTest); the ITs run the
// same conversation on a real socket against real downstreams.
package org.mxfront.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.mxfront.relay.DownstreamReply;
import org.mxfront.tls.TestCertificates;

class SmtpConversationTest {
    static final String OUTSIDER = "192.0.2.7";

    static final String DIALOGUE = "EHLO client.example.net\r\n"
            + "MAIL FROM:<alice@sender.example> SIZE=120\r\n"
            + "RCPT TO:<bob@example.com>\r\n"
            + "DATA\r\n"
            + "Subject: hi\r\n\r\n..a line that starts with a dot\r\nbody\r\n.\r\n"
            + "QUIT\r\n";

    static final List<String> REPLIES = List.of(
            "250-mx.test", "250-PIPELINING", "250-SIZE 52428800", "250-8BITMIME", "250-DSN", "250-ENHANCEDSTATUSCODES",
            "250-SMTPUTF8", "250 CHUNKING",
            "250 2.1.0 Ok",
            "250 2.1.5 Ok",
            "354 End data with <CR><LF>.<CR><LF>",
            "250 2.0.0 Ok: queued as ABC123",
            "221 2.0.0 Bye");

    @ParameterizedTest(name = "pieces of {0} bytes")
    @ValueSource(ints = {1, 2, 3, 7, 13, 64, Integer.MAX_VALUE})
    void aWholeDialogueInPiecesOfAnySize(int piece) throws Exception {
        InMemorySmtp smtp = new InMemorySmtp(OUTSIDER, "");
        assertEquals(REPLIES, smtp.feed(DIALOGUE, piece));
        assertTrue(smtp.closed, "QUIT ends the connection");
        String got = smtp.downstream.message();
        assertTrue(got.matches("Received: from client\\.example\\.net \\(unknown \\[192\\.0\\.2\\.7]\\)\r\n"
                + "\tby mx\\.test \\(mxfront\\) with ESMTP id [0-9A-Z]{12}\r\n"
                + "\tfor <bob@example\\.com>; \\w{3}, \\d{1,2} \\w{3} \\d{4} \\d\\d:\\d\\d:\\d\\d \\+0000 \\(UTC\\)\r\n"
                + "Subject: hi\r\n\r\n\\.a line that starts with a dot\r\nbody\r\n"), got);
        assertEquals(List.of("open 192.0.2.7 client.example.net ESMTP", "mail alice@sender.example [SIZE=120]",
                "rcpt bob@example.com", "data", "finish", "completed", "close"), smtp.downstream.events);
    }

    @Test
    void afterStartTlsTheClientStartsOverAndTheTraceSaysSo() throws Exception {
        InMemorySmtp smtp = new InMemorySmtp(OUTSIDER, TLS_YAML);
        List<String> ehlo = smtp.feed("EHLO client.example.net\r\n");
        assertTrue(ehlo.contains("250-STARTTLS"), ehlo.toString());
        assertEquals(List.of("220 2.0.0 Ready to start TLS"), smtp.feed("STARTTLS\r\n"));
        smtp.feed("MAIL FROM:<a@bank.example>\r\n");
        assertEquals(List.of("503-5.5.1 XM-RJCT24: Send HELO/EHLO first.", "503 5.5.1 [192.0.2.7] [mx.test]"),
                smtp.feed("RCPT TO:<bob@example.com>\r\n"), "RFC 3207: the HELO said in clear is forgotten");
        smtp.feed("RSET\r\n");
        assertFalse(smtp.feed("EHLO client.example.net\r\n").contains("250-STARTTLS"), "not offered twice");
        smtp.feed("MAIL FROM:<a@bank.example>\r\nRCPT TO:<bob@example.com>\r\nRCPT TO:<carol@example.com>\r\nDATA\r\n");
        smtp.feed("Subject: x\r\n\r\nx\r\n.\r\n");
        String got = smtp.downstream.message();
        assertTrue(got.matches("Received: from client\\.example\\.net \\(unknown \\[192\\.0\\.2\\.7]\\)\r\n"
                + "\t\\(using TLSv1\\.3 with cipher TLS_AES_256_GCM_SHA384 \\(256/256 bits\\)\\)\r\n"
                + "\tby mx\\.test \\(mxfront\\) with ESMTPS id [0-9A-Z]{12}; [^\r\n]+ \\(UTC\\)\r\nSubject: x\r\n(.|\r\n)*"), got);
    }

    @Test
    void aTlsRequiredSenderInClearIsRefusedWithXmRjct39() throws Exception {
        InMemorySmtp smtp = new InMemorySmtp(OUTSIDER, TLS_YAML);
        smtp.feed("EHLO client.example.net\r\n");
        assertEquals(List.of("530-5.7.0 XM-RJCT39: Your sender domain is required to send via an encrypted SMTP session.",
                "530 5.7.0 [192.0.2.7] [mx.test]"), smtp.feed("MAIL FROM:<a@bank.example>\r\n"));
        assertEquals(List.of("250 2.1.0 Ok"), smtp.feed("MAIL FROM:<a@other.example>\r\n"));
        assertEquals(List.of("530-5.7.0 XM-RJCT74: Mail for <bob@secure.example> must arrive over an encrypted SMTP session (STARTTLS).",
                "530 5.7.0 [192.0.2.7] [mx.test]"), smtp.feed("RCPT TO:<bob@secure.example>\r\n"));
        assertEquals(List.of("250 2.1.5 Ok"), smtp.feed("RCPT TO:<bob@example.com>\r\n"));
    }

    @Test
    void securityLevelEncryptServesOnlyTheBasicsBeforeStartTls() throws Exception {
        InMemorySmtp smtp = new InMemorySmtp(OUTSIDER, TLS_YAML.replace("security-level: may", "security-level: encrypt"));
        smtp.feed("EHLO client.example.net\r\n");
        assertEquals(List.of("530 5.7.0 Must issue a STARTTLS command first"), smtp.feed("MAIL FROM:<a@other.example>\r\n"));
        assertEquals(List.of("530 5.7.0 Must issue a STARTTLS command first", "250 2.0.0 Ok"),
                smtp.feed("BDAT 12 LAST\r\nQUIT\r\nQUIT\r\nNOOP\r\n"), "a BDAT's chunk is read and thrown away, not run");
        assertEquals(List.of("250 2.0.0 Ok"), smtp.feed("NOOP\r\n"));
        assertEquals(List.of("220 2.0.0 Ready to start TLS"), smtp.feed("STARTTLS\r\n"));
        smtp.feed("EHLO client.example.net\r\n");
        assertEquals(List.of("250 2.1.0 Ok"), smtp.feed("MAIL FROM:<a@other.example>\r\n"));
    }

    @Test
    void aFailedHandshakeEndsTheConnection() throws Exception {
        InMemorySmtp smtp = new InMemorySmtp(OUTSIDER, TLS_YAML);
        smtp.handshake = null;
        smtp.feed("EHLO client.example.net\r\nSTARTTLS\r\n");
        assertTrue(smtp.closed);
    }

    @Test
    void withoutACertificateStartTlsIsNotOffered() throws Exception {
        InMemorySmtp smtp = new InMemorySmtp(OUTSIDER, "");
        assertFalse(smtp.feed("EHLO client.example.net\r\n").contains("250-STARTTLS"));
        assertEquals(List.of("502 5.5.1 Error: STARTTLS not implemented"), smtp.feed("STARTTLS\r\n"));
    }

    @Test
    void theReceivedHeaderCanBeSwitchedOff() throws Exception {
        InMemorySmtp smtp = new InMemorySmtp(OUTSIDER, "smtp: {received-header: false}\n");
        smtp.feed("EHLO c.example.net\r\nMAIL FROM:<a@s.example>\r\nRCPT TO:<bob@example.com>\r\nDATA\r\nSubject: x\r\n\r\nx\r\n.\r\n");
        assertEquals("Subject: x\r\n\r\nx\r\n", smtp.downstream.message());
    }

    /** A test certificate made by openssl (see TestCertificates) and the tls-required check on. */
    static final String TLS_YAML = "smtp:\n  tls:\n    certificates: [{chain: " + TestCertificates.RSA.chain()
            + ", key: " + TestCertificates.RSA.key() + "}]\n    security-level: may\n"
            + "checks:\n  helo: {}\n  tls-required: {sender-domains: [bank.example]}\n  relay: {}\n"
            + "domains:\n  example.com: {}\n  secure.example: {checks: {tls-required: {recipients: true}}}\n";

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"a\nb", "a\rb", "a\n.\r\nb", "a\r\n.\nb"})
    void aBareNewlineRefusesTheWholeMessage(String body) throws Exception {
        InMemorySmtp smtp = new InMemorySmtp(OUTSIDER, "");
        smtp.feed("EHLO client.example.net\r\nMAIL FROM:<a@sender.example>\r\nRCPT TO:<bob@example.com>\r\nDATA\r\n");
        List<String> r = smtp.feed(body + "\r\n.\r\n", 3);
        assertEquals(List.of("554-5.5.2 XM-RJCT48: Message refused: bare CR or LF; lines must end with CRLF (RFC 5321 2.3.8).",
                "554 5.5.2 [192.0.2.7] [mx.test]"), r);
        assertTrue(smtp.downstream.events.contains("stop"), "the downstream connection is dropped");
        assertFalse(smtp.downstream.events.contains("finish"), "no end of data is sent downstream");
        assertEquals(List.of("250 2.0.0 Ok"), smtp.feed("NOOP\r\n"), "one message, one answer: the rest is commands again");
    }

    @Test
    void aMessageOverTheSizeLimitIsRefusedAndNotForwarded() throws Exception {
        InMemorySmtp smtp = new InMemorySmtp(OUTSIDER, "checks: {message-size: {max-bytes: 2048}}\n");
        smtp.feed("EHLO client.example.net\r\nMAIL FROM:<a@sender.example>\r\nRCPT TO:<bob@example.com>\r\nDATA\r\n");
        List<String> r = smtp.feed("x".repeat(70) + "\r\n" + ("y".repeat(98) + "\r\n").repeat(30) + ".\r\n", 512);
        assertEquals(List.of("552-5.3.4 XM-RJCT32: Message size exceeds the limit of 2048 bytes.",
                "552 5.3.4 [192.0.2.7] [mx.test]"), r);
        assertTrue(smtp.downstream.message().length() <= 2048 + 100, "forwarding stopped at the limit");
        assertFalse(smtp.downstream.events.contains("finish"));
    }

    @Test
    void postfixUnknownUserRepliesReadAsTheSeedsCodes() throws Exception {
        InMemorySmtp smtp = new InMemorySmtp(OUTSIDER, "");
        smtp.feed("EHLO client.example.net\r\nMAIL FROM:<a@sender.example>\r\n");
        smtp.downstream.rcptReply = DownstreamReply.parse(550, List.of(
                "5.1.1 <x@example.com>: Recipient address rejected: User unknown in local recipient table"));
        assertEquals(List.of("550-5.1.1 XM-RJCT01: Account <x@example.com> does not exist.", "550 5.1.1 [192.0.2.7] [mx.test]"),
                smtp.feed("RCPT TO:<x@example.com>\r\n"));
        smtp.downstream.rcptReply = DownstreamReply.parse(550, List.of(
                "5.1.1 <y@example.com>: Recipient address rejected: User unknown in virtual mailbox table"));
        assertEquals(List.of("550-5.1.1 XM-RJCT02: Virtual mail recipient <y@example.com> does not exist.",
                "550 5.1.1 [192.0.2.7] [mx.test]"), smtp.feed("RCPT TO:<y@example.com>\r\n"));
        smtp.downstream.rcptReply = DownstreamReply.parse(550, List.of(
                "5.1.1 <z@example.com>: Recipient address rejected: User unknown in virtual alias table"));
        assertEquals("550-5.1.1 XM-RJCT02: Virtual mail recipient <z@example.com> does not exist.",
                smtp.feed("RCPT TO:<z@example.com>\r\n").get(0));
        smtp.downstream.rcptReply = DownstreamReply.parse(550, List.of("5.7.1 <w@example.com>: Recipient address rejected: Access denied"));
        assertEquals("550-5.7.1 XM-RJCT43: Refused: <w@example.com>: Recipient address rejected: Access denied",
                smtp.feed("RCPT TO:<w@example.com>\r\n").get(0));
    }

    @Test
    void aDownstreamThatRefusesDataIsTheAnswerAtTheDot() throws Exception {
        InMemorySmtp smtp = new InMemorySmtp(OUTSIDER, "");
        smtp.downstream.dataReply = DownstreamReply.parse(554, List.of("5.5.1 Error: no valid recipients"));
        smtp.feed("EHLO client.example.net\r\nMAIL FROM:<a@sender.example>\r\nRCPT TO:<bob@example.com>\r\n");
        assertEquals(List.of("354 End data with <CR><LF>.<CR><LF>"), smtp.feed("DATA\r\n"), "354 at once");
        assertEquals(List.of("554-5.5.1 XM-RJCT43: Refused: Error: no valid recipients", "554 5.5.1 [192.0.2.7] [mx.test]"),
                smtp.feed("Subject: x\r\n\r\nbody\r\n.\r\n"));
    }

    @Test
    void aDownstreamThatIsDownGivesATemporaryFailure() throws Exception {
        InMemorySmtp smtp = new InMemorySmtp(OUTSIDER, "");
        smtp.downstream.failRcpt = true;
        smtp.feed("EHLO client.example.net\r\nMAIL FROM:<a@sender.example>\r\n");
        assertEquals(List.of("451-4.4.1 XM-RJCT42: Mail system temporarily unavailable, please try again later.",
                "451 4.4.1 [192.0.2.7] [mx.test]"), smtp.feed("RCPT TO:<bob@example.com>\r\n"));
    }

    @Test
    void theClientHangingUpInDataRelaysNothing() throws Exception {
        InMemorySmtp smtp = new InMemorySmtp(OUTSIDER, "");
        smtp.feed("EHLO client.example.net\r\nMAIL FROM:<a@sender.example>\r\nRCPT TO:<bob@example.com>\r\nDATA\r\nhalf a mess");
        assertHangingUpRelaysNothing(smtp);
    }

    /** The client hangs up: the downstream's transaction is stopped, never finished, and the session is closed. */
    static void assertHangingUpRelaysNothing(InMemorySmtp smtp) {
        smtp.conversation.clientGone();
        assertTrue(smtp.downstream.events.contains("stop"));
        assertFalse(smtp.downstream.events.contains("finish"));
        assertTrue(smtp.closed);
    }

    @Test
    void aRefusedHeloIsAppliedAtRcptAndSticks() throws Exception {
        InMemorySmtp smtp = new InMemorySmtp(OUTSIDER, "");
        assertEquals(List.of("250-mx.test"), smtp.feed("EHLO localhost\r\n").subList(0, 1), "delay-reject: greeted");
        smtp.feed("EHLO good.example.net\r\nMAIL FROM:<a@sender.example>\r\n");
        assertEquals(List.of("550-5.7.1 XM-RJCT27: Helo command rejected: <localhost> is not a name for a host on the internet.",
                "550 5.7.1 [192.0.2.7] [mx.test]"), smtp.feed("RCPT TO:<bob@example.com>\r\n"));
    }
}
