// The SMTP extensions real senders use, driven in memory like SmtpConversationTest: DSN parameters
// (RFC 3461) validated and passed on unchanged, BDAT (RFC 3030) with chunks split anywhere, the
// error limits (Postfix's soft and hard limits, forgiven by a delivered message). Every refusal is
// asserted line by line. Plain transcripts (the 501 for a UTF-8 address without SMTPUTF8 ...) are
// dialogue files (src/test/resources/dialogues, DialogueTest).
package org.mxfront.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.mxfront.relay.DownstreamReply;

class SmtpInteropTest {
    static final String OUTSIDER = "192.0.2.7";
    static final String START = "EHLO client.example.net\r\nMAIL FROM:<a@sender.example>\r\nRCPT TO:<bob@example.com>\r\n";
    static final List<String> RELAY_DENIED = List.of("550-5.7.1 XM-RJCT06: Unauthorized relay attempt",
            "550 5.7.1 [192.0.2.7] [mx.test]");
    static final List<String> TOO_MANY_ERRORS = List.of("421-4.7.0 XM-RJCT51: Too many errors, closing connection.",
            "421 4.7.0 [192.0.2.7] [mx.test]");

    static InMemorySmtp smtp(String yaml) throws Exception {
        return new InMemorySmtp(OUTSIDER, yaml);
    }

    /** What the downstream got after mxfront's own Received header (which a BDAT message gets as a DATA one does). */
    static String relayed(InMemorySmtp s) {
        String m = s.downstream.message();
        assertTrue(m.startsWith("Received: from client.example.net (unknown [192.0.2.7])\r\n"), m);
        int i = m.indexOf("\r\n") + 2;
        while (m.startsWith("\t", i) || m.startsWith(" ", i)) i = m.indexOf("\r\n", i) + 2;
        return m.substring(i);
    }

    // ---- DSN ----------------------------------------------------------------------------------

    @Test
    void dsnParametersArePassedOnUnchanged() throws Exception {
        InMemorySmtp s = smtp("");
        s.feed("EHLO client.example.net\r\n");
        assertEquals(List.of("250 2.1.0 Ok"), s.feed("MAIL FROM:<a@sender.example> RET=hdrs ENVID=QQ+2B314\r\n"));
        assertEquals(List.of("250 2.1.5 Ok"),
                s.feed("RCPT TO:<bob@example.com> NOTIFY=success,Delay ORCPT=rfc822;bob+40example.com\r\n"));
        assertEquals(List.of("250 2.1.5 Ok"), s.feed("RCPT TO:<carol@example.com> NOTIFY=NEVER\r\n"));
        assertTrue(s.downstream.events.contains("mail a@sender.example [RET=hdrs, ENVID=QQ+2B314]"), s.downstream.events.toString());
        assertTrue(s.downstream.events.contains("rcpt bob@example.com [NOTIFY=success,Delay, ORCPT=rfc822;bob+40example.com]"),
                s.downstream.events.toString());
        assertTrue(s.downstream.events.contains("rcpt carol@example.com [NOTIFY=NEVER]"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "MAIL FROM:<a@sender.example> RET=ALL|501 5.5.4 Bad RET parameter: expected RET=FULL or RET=HDRS",
            "MAIL FROM:<a@sender.example> RET|501 5.5.4 Bad RET parameter: expected RET=FULL or RET=HDRS",
            "MAIL FROM:<a@sender.example> ENVID=a=b|501 5.5.4 Bad ENVID parameter: expected xtext of 1 to 100 characters",
            "MAIL FROM:<a@sender.example> ENVID=a+2|501 5.5.4 Bad ENVID parameter: expected xtext of 1 to 100 characters",
            "MAIL FROM:<a@sender.example> ENVID=a+2b|501 5.5.4 Bad ENVID parameter: expected xtext of 1 to 100 characters",
            "MAIL FROM:<a@sender.example> ENVID=|501 5.5.4 Bad ENVID parameter: expected xtext of 1 to 100 characters",
    })
    void badMailDsnParameters(String command, String reply) throws Exception {
        InMemorySmtp s = smtp("");
        s.feed("EHLO client.example.net\r\n");
        assertEquals(List.of(reply), s.feed(command + "\r\n"));
        assertEquals(List.of("250 2.1.0 Ok"), s.feed("MAIL FROM:<a@sender.example>\r\n"), "no transaction was started");
    }

    @Test
    void anEnvidOfMoreThan100CharactersIsRefused() throws Exception {
        InMemorySmtp s = smtp("");
        s.feed("EHLO client.example.net\r\n");
        assertEquals(List.of("501 5.5.4 Bad ENVID parameter: expected xtext of 1 to 100 characters"),
                s.feed("MAIL FROM:<a@sender.example> ENVID=" + "e".repeat(101) + "\r\n"));
        assertEquals(List.of("250 2.1.0 Ok"), s.feed("MAIL FROM:<a@sender.example> ENVID=" + "e".repeat(100) + "\r\n"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "NOTIFY=ALWAYS|501 5.5.4 Bad NOTIFY parameter: expected NEVER, or SUCCESS, FAILURE and DELAY joined by commas",
            "NOTIFY=NEVER,SUCCESS|501 5.5.4 Bad NOTIFY parameter: expected NEVER, or SUCCESS, FAILURE and DELAY joined by commas",
            "NOTIFY=SUCCESS,SUCCESS|501 5.5.4 Bad NOTIFY parameter: expected NEVER, or SUCCESS, FAILURE and DELAY joined by commas",
            "NOTIFY=SUCCESS,|501 5.5.4 Bad NOTIFY parameter: expected NEVER, or SUCCESS, FAILURE and DELAY joined by commas",
            "NOTIFY|501 5.5.4 Bad NOTIFY parameter: expected NEVER, or SUCCESS, FAILURE and DELAY joined by commas",
            "ORCPT=bob@example.com|501 5.5.4 Bad ORCPT parameter: expected addr-type;xtext, as in ORCPT=rfc822;bob@example.com",
            "ORCPT=rfc822;|501 5.5.4 Bad ORCPT parameter: expected addr-type;xtext, as in ORCPT=rfc822;bob@example.com",
            "ORCPT=;bob@example.com|501 5.5.4 Bad ORCPT parameter: expected addr-type;xtext, as in ORCPT=rfc822;bob@example.com",
            "ORCPT=rfc822;b+zz@example.com|501 5.5.4 Bad ORCPT parameter: expected addr-type;xtext, as in ORCPT=rfc822;bob@example.com",
            "ORCPT=rfc822;jörg@example.com|501 5.5.4 Bad ORCPT parameter: expected addr-type;xtext, as in ORCPT=rfc822;bob@example.com",
            "FOO=bar|555 5.5.4 Unsupported option: FOO",
    })
    void badRcptDsnParameters(String param, String reply) throws Exception {
        InMemorySmtp s = smtp("");
        s.feed("EHLO client.example.net\r\nMAIL FROM:<a@sender.example>\r\n");
        assertEquals(List.of(reply), s.feed("RCPT TO:<bob@example.com> " + param + "\r\n"));
        assertFalse(s.downstream.events.stream().anyMatch(e -> e.startsWith("rcpt")), "nothing reached the downstream");
    }

    @Test
    void withoutDsnDownstreamNeitherAdvertisedNorAccepted() throws Exception {
        InMemorySmtp s = smtp("");
        s.downstream.extensions = Set.of("PIPELINING", "8BITMIME");
        List<String> ehlo = s.feed("EHLO client.example.net\r\n");
        assertFalse(ehlo.contains("250-DSN"), ehlo.toString());
        assertEquals(List.of("555 5.5.4 Unsupported option: RET"), s.feed("MAIL FROM:<a@sender.example> RET=FULL\r\n"));
        s.feed("MAIL FROM:<a@sender.example>\r\n");
        assertEquals(List.of("555 5.5.4 Unsupported option: NOTIFY"), s.feed("RCPT TO:<bob@example.com> NOTIFY=NEVER\r\n"));
    }

    // ---- BDAT ---------------------------------------------------------------------------------

    static final String BODY = "Subject: chunked\r\n\r\n.a line with a leading dot\r\n.\r\nlast line\r\n";

    static String bdat(String message, int... cuts) {
        return Bdat.chunks(message, cuts);
    }

    @ParameterizedTest(name = "pieces of {0} bytes")
    @ValueSource(ints = {1, 2, 5, 17, Integer.MAX_VALUE})
    void aChunkedMessageIsRelayedAsDataWithItsDotsAsTheyCame(int piece) throws Exception {
        InMemorySmtp s = smtp("");
        s.feed(START);
        List<String> r = s.feed(bdat(BODY, 10, 19, 40) + "NOOP\r\n", piece);
        assertEquals(List.of("250 2.0.0 Ok: 10 bytes", "250 2.0.0 Ok: 9 bytes", "250 2.0.0 Ok: 21 bytes",
                "250 2.0.0 Ok: queued as ABC123", "250 2.0.0 Ok"), r);
        assertEquals(BODY, relayed(s), "no dot-stuffing in BDAT: the bytes are the message");
        assertTrue(s.downstream.events.containsAll(List.of("data", "finish", "completed")));
    }

    @Test
    void aCrlfSplitBetweenTwoChunksIsOneLineEnd() throws Exception {
        InMemorySmtp s = smtp("");
        s.feed(START);
        String m = "Subject: split\r\n\r\nbody\r\n";
        int cr = m.indexOf("\r\n\r\nbody") + 1;
        assertEquals(List.of("250 2.0.0 Ok: " + cr + " bytes", "250 2.0.0 Ok: queued as ABC123"), s.feed(bdat(m, cr)));
        assertEquals(m, relayed(s));
    }

    @Test
    void aLastChunkWithoutCrlfGetsOneDownstreamAndAZeroLengthLastEndsTheMessage() throws Exception {
        InMemorySmtp s = smtp("");
        s.feed(START);
        assertEquals(List.of("250 2.0.0 Ok: 24 bytes", "250 2.0.0 Ok: queued as ABC123"),
                s.feed("BDAT 24\r\nSubject: x\r\n\r\nno newlineBDAT 0 LAST\r\n"));
        assertEquals("Subject: x\r\n\r\nno newline\r\n", relayed(s));
        s.downstream.message.reset();
        s.feed("MAIL FROM:<a@sender.example>\r\nRCPT TO:<bob@example.com>\r\n");
        assertEquals(List.of("250 2.0.0 Ok: queued as ABC123"), s.feed("BDAT 12 last\r\nSubject: y\r\n"));
        assertEquals("Subject: y\r\n", relayed(s));
    }

    @Test
    void aZeroLengthLastAloneIsAnEmptyMessage() throws Exception {
        InMemorySmtp s = smtp("");
        s.feed(START);
        assertEquals(List.of("250 2.0.0 Ok: queued as ABC123"), s.feed("BDAT 0 LAST\r\n"));
        assertEquals("", relayed(s));
    }

    @Test
    void bdatWithoutMailOrRcptReadsTheChunkAndRefusesIt() throws Exception {
        InMemorySmtp s = smtp("");
        s.feed("EHLO client.example.net\r\n");
        // The chunk's bytes look like commands: they are read as data and thrown away, never run.
        String chunk = "MAIL FROM:<evil@x.example>\r\nRCPT TO:<bob@example.com>\r\n";
        assertEquals(List.of("503 5.5.1 Error: need MAIL command", "250 2.0.0 Ok"),
                s.feed("BDAT " + chunk.length() + "\r\n" + chunk + "NOOP\r\n"));
        s.feed("MAIL FROM:<a@sender.example>\r\n");
        assertEquals(List.of("554 5.5.1 Error: no valid recipients", "250 2.0.0 Ok"), s.feed("BDAT 6 LAST\r\nQUIT\r\nNOOP\r\n"));
        assertFalse(s.closed);
        assertFalse(s.downstream.events.contains("data"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"BDAT", "BDAT x", "BDAT 5 FIRST", "BDAT -1", "BDAT 5 LAST more", "BDAT 1234567890123456789"})
    void badBdatSyntax(String command) throws Exception {
        InMemorySmtp s = smtp("");
        s.feed(START);
        assertEquals(List.of("501 5.5.4 Syntax: BDAT count [LAST]"), s.feed(command + "\r\n"));
        assertEquals(List.of("250 2.0.0 Ok: queued as ABC123"), s.feed("BDAT 3 LAST\r\nx\r\n"), "the transaction goes on");
    }

    @Test
    void dataMailAndRcptAfterBdatAreRefusedAndTheMessageGoesOn() throws Exception {
        InMemorySmtp s = smtp("");
        s.feed(START);
        assertEquals(List.of("250 2.0.0 Ok: 12 bytes"), s.feed("BDAT 12\r\nSubject: y\r\n"));
        assertEquals(List.of("503 5.5.1 Error: DATA after BDAT"), s.feed("DATA\r\n"));
        assertEquals(List.of("503 5.5.1 Error: MAIL after BDAT"), s.feed("MAIL FROM:<b@sender.example>\r\n"));
        assertEquals(List.of("503 5.5.1 Error: RCPT after BDAT"), s.feed("RCPT TO:<carol@example.com>\r\n"));
        assertEquals(List.of("250 2.0.0 Ok: queued as ABC123"), s.feed("BDAT 6 LAST\r\n\r\nbody"));
        assertEquals("Subject: y\r\n\r\nbody\r\n", relayed(s));
    }

    @Test
    void aChunkWithABareLfRefusesTheMessageAndLaterChunksAreToldSo() throws Exception {
        InMemorySmtp s = smtp("");
        s.feed(START);
        String evil = "Subject: x\r\n\r\nfirst\n.\nMAIL FROM:<smuggled@evil.example>\r\n";
        List<String> r = s.feed("BDAT " + evil.length() + "\r\n" + evil + "BDAT 5 LAST\r\nmore\n", 7);
        assertEquals(List.of("554-5.5.2 XM-RJCT48: Message refused: bare CR or LF; lines must end with CRLF (RFC 5321 2.3.8).",
                "554 5.5.2 [192.0.2.7] [mx.test]",
                "503 5.5.1 Error: the message was refused at an earlier chunk; send MAIL to start again"), r);
        assertTrue(s.downstream.events.contains("stop"));
        assertFalse(s.downstream.events.contains("finish"), "nothing delivered");
        assertEquals(List.of("503 5.5.1 Error: need MAIL command"), s.feed("DATA\r\n"));
        assertEquals(List.of("250 2.0.0 Ok"), s.feed("RSET\r\n"));
        assertEquals(List.of("503 5.5.1 Error: need MAIL command"), s.feed("BDAT 1 LAST\r\nx"), "RSET forgets the refused chunk");
    }

    @Test
    void aBareLfInALastChunkIsRefusedOrNormalized() throws Exception {
        InMemorySmtp s = smtp("");
        s.feed(START);
        assertEquals(List.of("554-5.5.2 XM-RJCT48: Message refused: bare CR or LF; lines must end with CRLF (RFC 5321 2.3.8).",
                "554 5.5.2 [192.0.2.7] [mx.test]"), s.feed("BDAT 8 LAST\r\na\n.\nb\r\n\r"));
        InMemorySmtp n = smtp("smtp: {bare-newline: normalize}\n");
        n.feed(START);
        assertEquals(List.of("250 2.0.0 Ok: queued as ABC123"), n.feed("BDAT 8 LAST\r\na\n.\nb\r\n\r"));
        assertEquals("a\r\n.\r\nb\r\n\r\n", relayed(n), "a dot line stays data; the relay stuffs it");
    }

    @Test
    void aChunkOverTheSizeLimitIsRefusedAtItsEnd() throws Exception {
        InMemorySmtp s = smtp("checks: {message-size: {max-bytes: 2048}}\n");
        s.feed(START);
        String big = ("y".repeat(98) + "\r\n").repeat(30);
        assertEquals(List.of("250 2.0.0 Ok: 1000 bytes"), s.feed("BDAT 1000\r\n" + big.substring(0, 1000)));
        assertEquals(List.of("552-5.3.4 XM-RJCT32: Message size exceeds the limit of 2048 bytes.",
                "552 5.3.4 [192.0.2.7] [mx.test]"), s.feed("BDAT 2000\r\n" + big.substring(1000), 100));
        assertFalse(s.downstream.events.contains("finish"));
    }

    @Test
    void aDownstreamRefusalAtLastIsTheAnswer() throws Exception {
        InMemorySmtp s = smtp("");
        s.downstream.messageReply = DownstreamReply.parse(554, List.of("5.7.1 Spam"));
        s.feed(START);
        assertEquals(List.of("554-5.7.1 XM-RJCT43: Refused: Spam", "554 5.7.1 [192.0.2.7] [mx.test]"),
                s.feed("BDAT 3 LAST\r\nx\r\n"));
    }

    @Test
    void theClientHangingUpMidChunkRelaysNothing() throws Exception {
        InMemorySmtp s = smtp("");
        s.feed(START + "BDAT 10\r\n0123456789BDAT 100 LAST\r\nhalf a chu");
        assertTrue(s.conversation.inData());
        SmtpConversationTest.assertHangingUpRelaysNothing(s);
    }

    // ---- error limits -------------------------------------------------------------------------

    @Test
    void oneGoodAndElevenRelayDeniedRecipientsAreDelivered() throws Exception {
        InMemorySmtp s = smtp("");
        s.feed(START);
        List<String> expected = new ArrayList<>();
        StringBuilder in = new StringBuilder();
        for (int i = 1; i <= 11; i++) {
            in.append("RCPT TO:<x").append(i).append("@elsewhere.example>\r\n");
            if (i == 11) expected.add("(pause PT1S)");
            expected.addAll(RELAY_DENIED);
        }
        assertEquals(expected, s.feed(in.toString()), "the 11th error waits error-delay first");
        assertEquals(List.of("354 End data with <CR><LF>.<CR><LF>", "250 2.0.0 Ok: queued as ABC123"),
                s.feed("DATA\r\nSubject: x\r\n\r\nhi\r\n.\r\n"));
        assertEquals(0, s.conversation.errors(), "a delivered message forgives");
    }

    @Test
    void twelveMessagesWithOneBadRecipientEachAreAllDelivered() throws Exception {
        InMemorySmtp s = smtp("");
        s.feed("EHLO client.example.net\r\n");
        for (int i = 0; i < 12; i++) {
            List<String> r = s.feed("MAIL FROM:<a@sender.example>\r\nRCPT TO:<x@elsewhere.example>\r\n"
                    + "RCPT TO:<bob@example.com>\r\nDATA\r\nSubject: " + i + "\r\n\r\nhi\r\n.\r\n");
            assertEquals(List.of("250 2.1.0 Ok", RELAY_DENIED.get(0), RELAY_DENIED.get(1), "250 2.1.5 Ok",
                    "354 End data with <CR><LF>.<CR><LF>", "250 2.0.0 Ok: queued as ABC123"), r, "message " + i);
        }
        assertEquals(12, s.downstream.events.stream().filter("completed"::equals).count());
    }

    @Test
    void pastTheSoftLimitEveryErrorWaitsAndTheHardLimitEndsTheConnection() throws Exception {
        InMemorySmtp s = smtp("");
        s.feed("EHLO client.example.net\r\n");
        List<String> r = s.feed("FOO\r\n".repeat(25));
        List<String> expected = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            if (i > 10) expected.add("(pause PT1S)");
            expected.add("500 5.5.2 Error: command not recognized");
        }
        expected.addAll(TOO_MANY_ERRORS);
        assertEquals(expected, r, "errors 11 to 20 wait; the 20th is answered, then 421, and nothing more is read");
        assertTrue(s.closed);
    }

    @Test
    void limitsAndDelayAreConfigurable() throws Exception {
        InMemorySmtp s = smtp("smtp: {soft-error-limit: 1, hard-error-limit: 3, error-delay: 250ms}\n");
        s.feed("EHLO client.example.net\r\nMAIL FROM:<a@sender.example>\r\n");
        List<String> expected = new ArrayList<>(RELAY_DENIED);
        expected.add("(pause PT0.25S)");
        expected.addAll(RELAY_DENIED);
        expected.add("(pause PT0.25S)");
        expected.addAll(RELAY_DENIED);
        expected.addAll(TOO_MANY_ERRORS);
        assertEquals(expected, s.feed("RCPT TO:<a@elsewhere.example>\r\n".repeat(4)));
        InMemorySmtp off = smtp("smtp: {error-delay: 0s}\n");
        off.feed("EHLO client.example.net\r\n");
        assertFalse(off.feed("FOO\r\n".repeat(15)).stream().anyMatch(l -> l.startsWith("(pause")));
    }

    @Test
    void tooManyRecipientsIsNotAnError() throws Exception {
        InMemorySmtp s = smtp("checks: {relay: {}, recipient-limit: {max: 1}}\n");
        s.feed(START);
        s.feed("RCPT TO:<c@example.com>\r\n".repeat(5));
        assertEquals(0, s.conversation.errors());
    }
}
