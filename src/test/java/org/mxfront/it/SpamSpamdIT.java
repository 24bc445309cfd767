// The spam check with a real SpamAssassin spamd (Debian's spamassassin 4.0, private instance, local
// tests only; see SpamdInstance): GTUBE (1000, 999 with the local rules) refused with the exact reply lines at the
// SMTP door and never delivered; a clean message delivered with the headers; a domain's own reject
// threshold refusing what the default passes; learning through TELL (`mxfront spam learn`), which
// spamd confirms once and then reports as already learned; spamd down: accepted or 451 4.3.0.
package org.mxfront.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class SpamSpamdIT {
    @RegisterExtension
    static final SinkFixture sink = new SinkFixture();
    @RegisterExtension
    static final SpamdFixture spamd = new SpamdFixture();
    @RegisterExtension
    static final MxfrontFixture mx = MxfrontFixture.relayingTo(sink).with(() -> yaml("127.0.0.1:" + spamd.port(), "accept"), spamd);

    @TempDir
    Path tmp;

    /** spamd as the backend; example.net refuses from a score of 0 (a clean message scores 0 or more with local tests only). */
    static String yaml(String address, String onFailure) {
        return """
                checks:
                  relay: {}
                  spam:
                    backend: spamd
                    spamd: {address: "%s"}
                    timeout: 20s
                    on-failure: %s
                domains:
                  example.com: {}
                  example.net:
                    checks:
                      spam: {thresholds: {reject: 0}}
                """.formatted(address, onFailure);
    }

    /**
     * GTUBE dated now, so that SpamAssassin's date rules (Date: against the Received time) give the
     * same score whenever the test runs: 1000 for GTUBE plus what its local rules add for the
     * message as mxfront passes it on (its own Received line first): 999.0 with SpamAssassin 4.0.1.
     */
    static byte[] gtubeNow(String subject) {
        String date = java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC));
        return ("From: Alice <alice@sender.example>\r\nTo: bob@example.com\r\nSubject: " + subject + "\r\nDate: " + date
                + "\r\nMessage-ID: <" + System.nanoTime() + ".gtube@sender.example>\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n\r\nThis is the GTUBE, the Generic Test for Unsolicited Bulk Email\r\n\r\n"
                + SpamRspamdIT.GTUBE + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void gtubeIsRefusedAndNeverDelivered() throws Exception {
        assertEquals(List.of("550-5.7.1 XM-RJCT84: Message classified as spam (score 999.0 / 15).", "550 5.7.1 [127.0.0.2] [mx.test]"),
                SpamRspamdIT.send(mx.get(), "bob@example.com", gtubeNow("spamd gtube")));
        assertTrue(SpamRspamdIT.send(mx.get(), "bob@example.com", SpamRspamdIT.clean("spamd after gtube")).get(0).startsWith("250 2.0.0 Ok"));
        sink.awaitMessageContaining("Subject: spamd after gtube\n");
        assertFalse(sink.messages().stream().anyMatch(d -> d.contains("Subject: spamd gtube\n")));
    }

    @Test
    void aCleanMessageIsDeliveredWithHeadersAndADomainThresholdRefusesIt() throws Exception {
        assertTrue(SpamRspamdIT.send(mx.get(), "bob@example.com", SpamRspamdIT.clean("spamd clean")).get(0).startsWith("250 2.0.0 Ok"));
        String body = SmtpSink.body(sink.awaitMessageContaining("Subject: spamd clean\n"));
        assertTrue(body.matches("(?s)X-Spamd-Result: default: False \\[\\d+\\.\\d\\d / 15\\.00\\];\n\t.*"), body);
        assertTrue(body.matches("(?s).*\nX-Spam-Status: No, score=\\d+\\.\\d\\d\nX-Rspamd-Action: no action\nReceived: .*"), body);
        List<String> r = SpamRspamdIT.send(mx.get(), "bob@example.net", SpamRspamdIT.clean("spamd strict"));
        assertTrue(r.get(0).matches("550-5\\.7\\.1 XM-RJCT84: Message classified as spam \\(score \\d+\\.\\d / 0\\)\\."), r.toString());
        assertEquals("550 5.7.1 [127.0.0.2] [mx.test]", r.get(1));
    }

    @Test
    void learningThroughTell() throws Exception {
        Path config = tmp.resolve("mxfront.yml");
        Files.writeString(config, Mxfront.merge(Mxfront.base(sink.port()), yaml("127.0.0.1:" + spamd.port(), "accept")));
        Path msg = tmp.resolve("spam.eml");
        Files.write(msg, org.mxfront.content.Corpus.plain("spamd learn " + System.nanoTime(),
                "Cheap watches, replica bags and pills, all at the best price, order today and save. ".repeat(5)));
        assertEquals(List.of(msg + ": learned as spam by spamd: spamd: DidSet: local"), learn(config, msg));
        assertEquals(List.of(msg + ": learned as spam by spamd: spamd: already learned (DidSet: none)"), learn(config, msg));
    }

    static List<String> learn(Path config, Path msg) throws Exception {
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, new picocli.CommandLine(new org.mxfront.Main()).execute("spam", "learn", "--spam", "-c", config.toString(),
                    msg.toString()));
        } finally {
            System.setOut(old);
        }
        return out.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void spamdDownIsAcceptedOrATempfail() throws Exception {
        int closed = Ports.free();
        try (Mxfront open = Mxfront.start(sink.port(), yaml("127.0.0.1:" + closed, "accept"))) {
            assertTrue(SpamRspamdIT.send(open, "bob@example.com", SpamRspamdIT.gtube("spamd down open")).get(0).startsWith("250 2.0.0 Ok"));
            assertEquals(1.0, open.registry.find("mxfront.spam.results").tag("backend", "spamd").tag("action", "failed").counter().count());
        }
        try (Mxfront m = Mxfront.start(sink.port(), yaml("127.0.0.1:" + closed, "tempfail"))) {
            assertEquals(List.of("451-4.3.0 XM-RJCT66: Message could not be scanned now, please try again later.",
                    "451 4.3.0 [127.0.0.2] [mx.test]"), SpamRspamdIT.send(m, "bob@example.com", SpamRspamdIT.clean("spamd down")));
        }
    }
}
