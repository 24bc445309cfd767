// StockReplies without a socket: SubEtha's own replies (unknown command, bad syntax, bare CR/LF,
// bad UTF-8, over-long line, read timeout) written the way its Session writes them, through the
// production filter (StockReplies.filter, the stream the SMTP door puts on every connection's
// output) in front of a real SmtpConversation, so the rewriting to our catalogue's enhanced codes
// and the counting toward soft-error-limit/hard-error-limit are what the door does.
package org.mxfront.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class StockRepliesTest {
    private final ByteArrayOutputStream wire = new ByteArrayOutputStream();

    /** Writes one response as SubEtha's Session.sendResponse does (text, CRLF, flush); returns what reached the wire. */
    private String send(OutputStream filter, String response) throws IOException {
        wire.reset();
        filter.write((response + "\r\n").getBytes(StandardCharsets.US_ASCII));
        filter.flush();
        return wire.toString(StandardCharsets.UTF_8);
    }

    @Test
    void subEthasStockRepliesGetOurWordsAndEnhancedCodes() throws Exception {
        InMemorySmtp smtp = new InMemorySmtp(SmtpConversationTest.OUTSIDER, "");
        OutputStream f = StockReplies.filter(wire, smtp.conversation);
        assertEquals("500 5.5.2 Error: command not recognized\r\n", send(f, "500 Error: command not implemented"));
        assertEquals("500 5.5.2 Error: bad syntax\r\n", send(f, "500 Error: bad syntax"));
        assertEquals("501 5.5.2 Error: bare CR or LF in a command line; lines must end with CRLF\r\n",
                send(f, "501 Syntax error at character position 4. CR and LF may only occur together as CRLF"));
        assertEquals("501 5.5.2 Error: invalid UTF-8 in a command line\r\n",
                send(f, "501 Syntax error: invalid character encoding."));
        assertEquals("501 5.5.2 Error: command line too long\r\n", send(f, "501 Input line length is too long!"));
        assertEquals("421 4.4.2 Error: timeout exceeded\r\n", send(f, "421 Timeout waiting for data from client."));
        assertEquals(5, smtp.conversation.errors(), "each 5xx stock reply counts as an error; the 421 timeout does not");
    }

    @Test
    void ourOwnRepliesPassUnchangedAndUncounted() throws Exception {
        InMemorySmtp smtp = new InMemorySmtp(SmtpConversationTest.OUTSIDER, "");
        OutputStream f = StockReplies.filter(wire, smtp.conversation);
        assertEquals("250-mx.test\r\n250-PIPELINING\r\n250 ENHANCEDSTATUSCODES\r\n",
                send(f, "250-mx.test\r\n250-PIPELINING\r\n250 ENHANCEDSTATUSCODES"));
        assertEquals("550 5.7.1 nothing of SubEtha's\r\n", send(f, "550 5.7.1 nothing of SubEtha's"));
        assertEquals(0, smtp.conversation.errors());
        assertFalse(smtp.closed);
    }

    @Test
    void aResponseWrittenInPiecesIsRewrittenWholeAtFlush() throws Exception {
        InMemorySmtp smtp = new InMemorySmtp(SmtpConversationTest.OUTSIDER, "");
        OutputStream f = StockReplies.filter(wire, smtp.conversation);
        byte[] b = "500 Error: command not implemented\r\n".getBytes(StandardCharsets.US_ASCII);
        for (byte x : b) f.write(x);
        assertEquals(0, wire.size(), "nothing goes out before the flush");
        f.flush();
        assertEquals("500 5.5.2 Error: command not recognized\r\n", wire.toString(StandardCharsets.US_ASCII));
    }

    @Test
    void withoutEnhancedStatusCodesTheRepliesHaveNone() throws Exception {
        InMemorySmtp smtp = new InMemorySmtp(SmtpConversationTest.OUTSIDER, "smtp:\n  enhanced-status-codes: false\n");
        OutputStream f = StockReplies.filter(wire, smtp.conversation);
        assertEquals("500 Error: command not recognized\r\n", send(f, "500 Error: command not implemented"));
    }

    @Test
    void stockErrorsCountTowardTheLimitsAndTheLastOneEndsTheConnection() throws Exception {
        InMemorySmtp smtp = new InMemorySmtp(SmtpConversationTest.OUTSIDER,
                "smtp:\n  soft-error-limit: 1\n  hard-error-limit: 3\n  error-delay: 2s\n");
        OutputStream f = StockReplies.filter(wire, smtp.conversation);
        assertEquals("500 5.5.2 Error: command not recognized\r\n", send(f, "500 Error: command not implemented"));
        assertEquals(List.of(), smtp.replies, "no pause up to the soft limit");
        assertEquals("500 5.5.2 Error: command not recognized\r\n", send(f, "500 Error: command not implemented"));
        assertEquals(List.of("(pause PT2S)"), smtp.replies, "past the soft limit the reply waits error-delay first");
        assertFalse(smtp.closed);
        assertEquals("500 5.5.2 Error: command not recognized\r\n"
                + "421-4.7.0 XM-RJCT51: Too many errors, closing connection.\r\n421 4.7.0 [" + SmtpConversationTest.OUTSIDER
                + "] [mx.test]\r\n", send(f, "500 Error: command not implemented"));
        assertTrue(smtp.closed, "the hard limit ends the connection");
    }

    @Test
    void rewriteNamesOnlySubEthasTexts() {
        assertEquals("500 5.5.2 Error: command not recognized\r\n", StockReplies.rewrite("500 Error: command not implemented\r\n", true));
        assertNull(StockReplies.rewrite("500 5.5.2 Error: command not recognized\r\n", true));
        assertNull(StockReplies.rewrite("501 5.5.4 Syntax: MAIL FROM:<address>\r\n", true));
        assertNull(StockReplies.rewrite("221 Bye\r\n", true));
    }
}
