// Content refusals in front of a real Postfix (private instance, deployment-guide settings, relaying
// to smtp-sink) with a real clamd: a blocked attachment, a zipped executable, a zip bomb and EICAR
// are refused at the final dot, and Postfix never queues them: it never logs their sender, while a
// clean message sent after them is queued and delivered. Needs root (Postfix); CI runs as root.
package org.mxfront.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mxfront.content.Corpus.attachment;
import static org.mxfront.content.Corpus.mixed;
import static org.mxfront.content.Corpus.text;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mxfront.content.Corpus;

class ContentPostfixIT {
    static final PostfixFixture postfix = new PostfixFixture(); // started by mx, its sink first
    static final SinkFixture sink = postfix.sink();
    @RegisterExtension
    static final ClamdFixture clamd = new ClamdFixture("25M");
    @RegisterExtension
    static final MxfrontFixture mx = MxfrontFixture.relayingTo(postfix)
            .with(() -> ContentIT.checks("127.0.0.1:" + clamd.port(), "tempfail"), clamd);

    static List<String> send(SmtpClient c, String sender, byte[] message) throws Exception {
        assertEquals(List.of("250 2.1.0 Ok"), c.command("MAIL FROM:<" + sender + ">"));
        assertEquals(List.of("250 2.1.5 Ok"), c.command("RCPT TO:<bob@example.com>"));
        assertEquals(List.of("354 End data with <CR><LF>.<CR><LF>"), c.command("DATA"));
        c.sendRaw(Corpus.smtpData(message));
        return c.reply();
    }

    @Test
    void refusedContentIsNeverQueuedByPostfix() throws Exception {
        byte[] pdf = "%PDF-1.4\n".getBytes(StandardCharsets.US_ASCII);
        try (SmtpClient c = FrontDoorIT.hello(mx, "127.0.0.2", "client.sender.example")) {
            assertEquals(List.of("554-5.7.1 XM-RJCT44: Attachment type of setup.exe is blocked.", "554 5.7.1 [127.0.0.2] [mx.test]"),
                    send(c, "exe@sender.example", mixed("pf exe", attachment("setup.exe", "application/octet-stream", pdf))));
            assertEquals(List.of("554-5.7.1 XM-RJCT44: Attachment type of invoice.zip/invoice.pdf.exe is blocked.",
                    "554 5.7.1 [127.0.0.2] [mx.test]"),
                    send(c, "zip@sender.example", mixed("pf zip", attachment("invoice.zip", "application/zip",
                            Corpus.zip("invoice.pdf.exe", "MZ")))));
            assertEquals(List.of("554-5.7.1 XM-RJCT60: Attachment bomb.zip looks like an archive bomb: compressed more than 100 to 1.",
                    "554 5.7.1 [127.0.0.2] [mx.test]"),
                    send(c, "bomb@sender.example", mixed("pf bomb", attachment("bomb.zip", "application/zip", Corpus.zipBomb(20)))));
            assertEquals(List.of("554-5.7.1 XM-RJCT10: Mail failed virus scan: " + ClamdInstance.REPORTED + ".",
                    "554 5.7.1 [127.0.0.2] [mx.test]"),
                    send(c, "virus@sender.example", mixed("pf virus", text("x"), attachment("eicar.txt", "text/plain",
                            Corpus.EICAR.getBytes(StandardCharsets.US_ASCII)))));
            List<String> ok = send(c, "clean@sender.example", mixed("pf clean", text("fine"), attachment("a.pdf", "application/pdf", pdf)));
            assertTrue(ok.get(0).startsWith("250 2.0.0 Ok: queued as "), ok.toString());
        }
        sink.awaitMessageContaining("Subject: pf clean\n");
        Ports.await(() -> postfix.maillog().contains("from=<clean@sender.example>"), Duration.ofSeconds(10), "clean message in maillog");
        String log = postfix.maillog();
        for (String s : List.of("exe", "zip", "bomb", "virus")) {
            assertFalse(log.contains("from=<" + s + "@sender.example>"), s + " was queued by Postfix:\n" + log);
        }
        assertFalse(sink.messages().stream().anyMatch(m -> m.matches("(?s).*Subject: pf (exe|zip|bomb|virus)\n.*")));
    }
}
