// End to end through mxfront with the content checks on, a real clamd (own EICAR signature) and
// smtp-sink downstream: every content refusal with its exact reply lines, and proof that refused
// content never arrives (a clean message sent after it on the same connection arrives, the refused
// one never does: mxfront dropped the downstream connection before the final dot).
package org.mxfront.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mxfront.content.Corpus.attachment;
import static org.mxfront.content.Corpus.mixed;
import static org.mxfront.content.Corpus.text;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mxfront.content.Corpus;

class ContentIT {
    @RegisterExtension
    static final SinkFixture sink = new SinkFixture();
    @RegisterExtension
    static final ClamdFixture clamd = new ClamdFixture("2M");
    @RegisterExtension
    static final MxfrontFixture mx = MxfrontFixture.relayingTo(sink)
            .with(() -> checks("127.0.0.1:" + clamd.port(), "tempfail"), clamd);

    static final byte[] PDF = "%PDF-1.4\n% report\n".getBytes(StandardCharsets.US_ASCII);
    static final byte[] EICAR = Corpus.EICAR.getBytes(StandardCharsets.US_ASCII);

    /** The content checks with the defaults of config/mxfront.yml, clamd enabled at the given address. */
    static String checks(String clamdAddress, String onFailure) {
        return """
                checks:
                  relay: {}
                  message-size: {}
                  received-hops: {}
                  headers: {max-line-length: 998}
                  attachments: {}
                """ + DoorYaml.virus(clamdAddress, onFailure);
    }

    /** Sends one message from 127.0.0.2 and returns the reply to the final dot. */
    static List<String> send(Mxfront m, SmtpClient c, byte[] message) throws Exception {
        assertEquals(List.of("250 2.1.0 Ok"), c.command("MAIL FROM:<a@sender.example>"));
        assertEquals(List.of("250 2.1.5 Ok"), c.command("RCPT TO:<bob@example.com>"));
        assertEquals(List.of("354 End data with <CR><LF>.<CR><LF>"), c.command("DATA"));
        c.sendRaw(Corpus.smtpData(message));
        return c.reply();
    }

    /**
     * Sends the refused message through m, then a clean one with a marker through the shared
     * instance (on the same connection when m is the shared one); returns the refusal after proving
     * the clean one arrived and the refused one did not.
     */
    static List<String> refusedAndNothingArrives(Mxfront m, byte[] message, String subject) throws Exception {
        List<String> reply;
        String marker = "after " + subject;
        try (SmtpClient c = FrontDoorIT.hello(m, "127.0.0.2", "client.sender.example")) {
            reply = send(m, c, message);
            if (m == mx.get()) {
                List<String> ok = send(m, c, Corpus.plain(marker, "a clean message after the refused one"));
                assertTrue(ok.get(0).startsWith("250 2.0.0 Ok"), ok.toString());
            }
        }
        if (m != mx.get()) {
            try (SmtpClient c = FrontDoorIT.hello(mx.get(), "127.0.0.2", "client.sender.example")) {
                List<String> ok = send(mx.get(), c, Corpus.plain(marker, "a clean message after the refused one"));
                assertTrue(ok.get(0).startsWith("250 2.0.0 Ok"), ok.toString());
            }
        }
        sink.awaitMessageContaining("Subject: " + marker + "\n");
        assertFalse(sink.messages().stream().anyMatch(d -> d.contains("Subject: " + subject + "\n")),
                "the refused message reached the downstream");
        return reply;
    }

    @Test
    void blockedExtension() throws Exception {
        assertEquals(List.of("554-5.7.1 XM-RJCT44: Attachment type of setup.exe is blocked.", "554 5.7.1 [127.0.0.2] [mx.test]"),
                refusedAndNothingArrives(mx.get(), mixed("exe", text("run this"), attachment("setup.exe", "application/octet-stream", PDF)), "exe"));
    }

    @Test
    void longName() throws Exception {
        String name = "Quarterly report for the board of directors 2026.pdf"; // 51 characters
        assertEquals(List.of("554-5.7.1 XM-RJCT47: The name of the attached document is longer than 50 characters.",
                "554 5.7.1 [127.0.0.2] [mx.test]"),
                refusedAndNothingArrives(mx.get(), mixed("long name", attachment(name, "application/pdf", PDF)), "long name"));
    }

    @Test
    void blockedFileInsideAZip() throws Exception {
        byte[] zip = Corpus.zip("invoice/readme.txt", "see invoice", "invoice/invoice.pdf.exe", "MZ...");
        assertEquals(List.of("554-5.7.1 XM-RJCT44: Attachment type of invoice.zip/invoice/invoice.pdf.exe is blocked.",
                "554 5.7.1 [127.0.0.2] [mx.test]"),
                refusedAndNothingArrives(mx.get(), mixed("zipped exe", text("invoice"), attachment("invoice.zip", "application/zip", zip)),
                        "zipped exe"));
    }

    @Test
    void zipBomb() throws Exception {
        assertEquals(List.of("554-5.7.1 XM-RJCT60: Attachment bomb.zip looks like an archive bomb: compressed more than 100 to 1.",
                "554 5.7.1 [127.0.0.2] [mx.test]"),
                refusedAndNothingArrives(mx.get(), mixed("bomb", attachment("bomb.zip", "application/zip", Corpus.zipBomb(20))), "bomb"));
    }

    @Test
    void eicar() throws Exception {
        assertEquals(List.of("554-5.7.1 XM-RJCT10: Mail failed virus scan: " + ClamdInstance.REPORTED + ".",
                "554 5.7.1 [127.0.0.2] [mx.test]"),
                refusedAndNothingArrives(mx.get(), mixed("virus", text("test file"), attachment("eicar.com.txt", "text/plain", EICAR)), "virus"));
    }

    @Test
    void eicarThroughTheUnixSocket() throws Exception {
        try (Mxfront viaSocket = Mxfront.start(sink.port(), checks("unix:" + clamd.socket(), "tempfail"))) {
            assertEquals(List.of("554-5.7.1 XM-RJCT10: Mail failed virus scan: " + ClamdInstance.REPORTED + ".",
                    "554 5.7.1 [127.0.0.2] [mx.test]"),
                    refusedAndNothingArrives(viaSocket, mixed("virus by socket", attachment("e.txt", "text/plain", EICAR)),
                            "virus by socket"));
        }
    }

    @Test
    void malformedMime() throws Exception {
        Corpus.Part p = text("bottom");
        for (int i = 0; i < 25; i++) p = Corpus.nested("mixed", "n" + i, p);
        assertEquals(List.of("554-5.6.0 XM-RJCT63: Message refused: malformed MIME structure: nested more than 20 levels deep.",
                "554 5.6.0 [127.0.0.2] [mx.test]"), refusedAndNothingArrives(mx.get(), mixed("deep mime", p), "deep mime"));
    }

    @Test
    void headerLineTooLong() throws Exception {
        byte[] m = (Corpus.head("long header") + "X-Junk: " + "j".repeat(1200) + "\r\n\r\nbody\r\n").getBytes(StandardCharsets.US_ASCII);
        assertEquals(List.of("554-5.6.0 XM-RJCT69: Message refused: a header line is longer than 998 characters.",
                "554 5.6.0 [127.0.0.2] [mx.test]"), refusedAndNothingArrives(mx.get(), m, "long header"));
    }

    @Test
    void cleanMessageWithAttachmentsArrivesUnchanged() throws Exception {
        byte[] m = mixed("clean content", text("report and photos attached\r\n.a line with a leading dot"),
                attachment("report.pdf", "application/pdf", PDF),
                attachment("photos.zip", "application/zip", Corpus.zip("a.jpg", new byte[5000], "b.jpg", "jpeg")));
        try (SmtpClient c = FrontDoorIT.hello(mx.get(), "127.0.0.2", "client.sender.example")) {
            assertTrue(send(mx.get(), c, m).get(0).startsWith("250 2.0.0 Ok"));
        }
        String dump = sink.awaitMessageContaining("Subject: clean content\n");
        assertEquals(new String(m, StandardCharsets.US_ASCII).replace("\r\n", "\n"), SmtpSink.withoutMxfrontTrace(SmtpSink.body(dump)));
    }

    @Test
    void overClamdsStreamLimitIsSkippedNotRefused() throws Exception {
        byte[] big = mixed("big clean", attachment("big.pdf", "application/pdf", new byte[3 * 1024 * 1024]));
        try (SmtpClient c = FrontDoorIT.hello(mx.get(), "127.0.0.2", "client.sender.example")) {
            assertTrue(send(mx.get(), c, big).get(0).startsWith("250 2.0.0 Ok"));
        }
        sink.awaitMessageContaining("Subject: big clean\n");
    }

    @Test
    void clamdDownIsATempfailAndNothingArrivesOrFailOpenWhenConfigured() throws Exception {
        int closed = Ports.free();
        try (Mxfront down = Mxfront.start(sink.port(), checks("127.0.0.1:" + closed, "tempfail"))) {
            assertEquals(List.of("451-4.3.0 XM-RJCT65: Virus scanner unavailable, please try again later.",
                    "451 4.3.0 [127.0.0.2] [mx.test]"),
                    refusedAndNothingArrives(down, mixed("scanner down", attachment("a.pdf", "application/pdf", PDF)), "scanner down"));
        }
        try (Mxfront open = Mxfront.start(sink.port(), checks("127.0.0.1:" + closed, "accept"));
                SmtpClient c = FrontDoorIT.hello(open, "127.0.0.2", "client.sender.example")) {
            assertTrue(send(open, c, mixed("fail open", attachment("a.pdf", "application/pdf", PDF))).get(0).startsWith("250 2.0.0 Ok"));
        }
        sink.awaitMessageContaining("Subject: fail open\n");
    }
}
