// The attachments check as the engine drives it: bytes in awkward pieces while a background
// thread parses, the verdict at finish, metrics, and the fault paths (451, never 5xx).
package org.mxfront.checks.attachments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mxfront.content.Corpus.attachment;
import static org.mxfront.content.Corpus.mixed;
import static org.mxfront.content.Corpus.text;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.mxfront.checks.CheckContext;
import org.mxfront.checks.CheckFixtures;
import org.mxfront.codes.Code;
import org.mxfront.content.Corpus;
import org.mxfront.policy.MessageCheck;
import org.mxfront.policy.Verdict;

class AttachmentCheckTest {
    static Verdict feed(AttachmentCheck check, byte[] message, int piece) {
        try (MessageCheck.MessageReader r = check.open(CheckFixtures.outsider())) {
            for (int off = 0; off < message.length; off += piece) r.write(message, off, Math.min(piece, message.length - off));
            return r.finish(CheckFixtures.outsider());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 76, 4096, 65536, 1 << 20})
    void verdictDoesNotDependOnHowTheBytesArrive(int piece) {
        AttachmentCheck check = new AttachmentCheck(AttachmentScannerTest.DEFAULTS, CheckFixtures.context());
        byte[] bad = mixed("pieces", text("hi"), attachment("big.pdf", "application/pdf", new byte[300_000]),
                attachment("invoice.zip", "application/zip", Corpus.zip("invoice.pdf.exe", "MZ")));
        assertEquals(Verdict.reject(Code.BLOCKED_ATTACHMENT, Map.of("name", "invoice.zip/invoice.pdf.exe")), feed(check, bad, piece));
        byte[] good = mixed("pieces ok", text("hi"), attachment("big.pdf", "application/pdf", new byte[300_000]));
        assertEquals(Verdict.CONTINUE, feed(check, good, piece));
    }

    @Test
    void anEarlyVerdictStopsReadingAndTheRestIsDropped() {
        AttachmentCheck check = new AttachmentCheck(AttachmentScannerTest.DEFAULTS, CheckFixtures.context());
        // the blocked part first, then 20 MB the scanner never needs: writes must not wait for it
        byte[] msg = mixed("early", attachment("a.exe", "application/octet-stream", "MZ".getBytes()),
                attachment("huge.pdf", "application/pdf", new byte[15_000_000]));
        assertEquals(Verdict.reject(Code.BLOCKED_ATTACHMENT, Map.of("name", "a.exe")), feed(check, msg, 8192));
    }

    @Test
    void metricsCountMessagesBytesAndTime() {
        CheckContext ctx = CheckFixtures.context();
        AttachmentCheck check = new AttachmentCheck(AttachmentScannerTest.DEFAULTS, ctx);
        byte[] good = Corpus.plain("m", "text");
        byte[] bad = mixed("m2", attachment("x.bat", "text/plain", "echo".getBytes()));
        feed(check, good, 100);
        feed(check, bad, 100);
        MeterRegistry r = ctx.registry();
        assertEquals(1.0, r.get("mxfront.content.messages").tag("check", "attachments").tag("result", "clean").counter().count());
        assertEquals(1.0, r.get("mxfront.content.messages").tag("check", "attachments").tag("result", "rejected").counter().count());
        assertEquals(good.length + bad.length, r.get("mxfront.content.bytes").tag("check", "attachments").counter().count());
        assertEquals(2, r.get("mxfront.content.scan.duration").tag("check", "attachments").timer().count());
    }

    @Test
    void aScannerThatCannotKeepUpIsATempfailNotALoss() {
        AttachmentConfig c = new AttachmentConfig(null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, Duration.ofMillis(200));
        // a scanner stuck (never reading): the client's writes give up after scan-timeout, and the
        // reader answers 451 rather than waiting forever or failing hard.
        AttachmentCheck check = new AttachmentCheck(c, CheckFixtures.context(), in -> {
            Thread.sleep(Long.MAX_VALUE); // stuck: never reads
            return Verdict.CONTINUE;
        });
        byte[] msg = mixed("stuck", attachment("big.pdf", "application/pdf", new byte[2_000_000]));
        assertEquals(Verdict.defer(Code.CONTENT_SCAN_FAILED, Map.of()), feed(check, msg, 65536));
    }

    @Test
    void aFailingScannerIsATempfail() {
        AttachmentConfig c = AttachmentScannerTest.DEFAULTS;
        AttachmentCheck check = new AttachmentCheck(c, CheckFixtures.context(), in -> {
            throw new IllegalStateException("bug");
        });
        assertEquals(Verdict.defer(Code.CONTENT_SCAN_FAILED, Map.of()), feed(check, Corpus.plain("x", "y"), 10));
    }

    @Test
    void theDocumentedDefaultListsAreTheBuiltInOnes() throws Exception {
        var yaml = new com.fasterxml.jackson.dataformat.yaml.YAMLMapper().readTree(java.nio.file.Path.of("config/mxfront.yml").toFile());
        var node = yaml.get("checks").get("attachments");
        var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        java.util.List<String> blocked = mapper.convertValue(node.get("blocked-extensions"), java.util.List.class);
        java.util.List<String> outlook = mapper.convertValue(node.get("outlook-blocked-extensions"), java.util.List.class);
        java.util.List<String> winzip = mapper.convertValue(node.get("winzip-exploit-extensions"), java.util.List.class);
        assertEquals(AttachmentConfig.BLOCKED, blocked);
        assertEquals(AttachmentConfig.OUTLOOK, outlook);
        assertEquals(AttachmentConfig.WINZIP, winzip);
        assertEquals(50, node.get("max-name-length").asInt());
    }
}
