// The framing around the conversation, in memory and with the production code: SubEtha's own line
// reader for commands and SmtpFraming's pump for message bytes, over one BufferedInputStream as on a
// socket. A whole pipelined dialogue in one write (commands after the final dot must come back to
// the command loop), a BDAT chunk with commands right behind it, a dot-stuffed line, and a client
// that hangs up inside DATA.
package org.mxfront.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class SmtpFramingTest {
    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void aPipelinedDialogueInOneWrite() throws Exception {
        InMemorySmtp smtp = new InMemorySmtp(SmtpConversationTest.OUTSIDER, "");
        assertEquals(SmtpConversationTest.REPLIES, smtp.feedFramed(ascii(SmtpConversationTest.DIALOGUE)));
        assertTrue(smtp.closed, "QUIT ends the connection");
        assertTrue(smtp.downstream.message().endsWith("Subject: hi\r\n\r\n.a line that starts with a dot\r\nbody\r\n"),
                smtp.downstream.message());
    }

    @Test
    void commandsRightAfterTheDotAndAfterABdatChunkAreCommandsAgain() throws Exception {
        InMemorySmtp smtp = new InMemorySmtp(SmtpConversationTest.OUTSIDER, "");
        List<String> r = smtp.feedFramed(ascii("EHLO client.example.net\r\n"
                + "MAIL FROM:<a@sender.example>\r\nRCPT TO:<bob@example.com>\r\nDATA\r\nx\r\n.\r\nNOOP\r\n"
                + "MAIL FROM:<b@sender.example>\r\nRCPT TO:<bob@example.com>\r\nBDAT 4 LAST\r\nyz\r\nRSET\r\nQUIT\r\n"));
        assertEquals(List.of("250 2.1.0 Ok", "250 2.1.5 Ok", "354 End data with <CR><LF>.<CR><LF>",
                "250 2.0.0 Ok: queued as ABC123", "250 2.0.0 Ok", "250 2.1.0 Ok", "250 2.1.5 Ok",
                "250 2.0.0 Ok: queued as ABC123", "250 2.0.0 Ok", "221 2.0.0 Bye"), r.subList(8, r.size()));
    }

    @Test
    void aClientThatHangsUpInDataHasNothingRelayed() throws Exception {
        InMemorySmtp smtp = new InMemorySmtp(SmtpConversationTest.OUTSIDER, "");
        List<String> r = smtp.feedFramed(ascii("HELO client.example.net\r\n"
                + "MAIL FROM:<a@sender.example>\r\nRCPT TO:<bob@example.com>\r\nDATA\r\nSubject: cut\r\n\r\nhalf a"));
        assertEquals(List.of("250 mx.test", "250 2.1.0 Ok", "250 2.1.5 Ok", "354 End data with <CR><LF>.<CR><LF>"), r);
        assertTrue(smtp.closed, "the conversation ends with the client");
        assertTrue(!smtp.downstream.events.contains("finish"), smtp.downstream.events.toString());
    }
}
