// The held copy of a message (SMTP door, headers added at its end) and the header stripper, with
// bytes and no socket: lines come back as they went in, across the memory limit into the temp file;
// Authentication-Results fields claiming our id are dropped however they are folded or split.
package org.mxfront.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mxfront.policy.HeaderRemoval;

class HeldMessageTest {
    /** Collects lines as a downstream would write them: pieces joined, CRLF after complete lines. */
    static final class Collector implements HeldMessage.LineSink {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        int maxPiece;

        @Override
        public boolean line(byte[] buf, int len, boolean complete, boolean continued) {
            out.write(buf, 0, len);
            if (complete) out.write('\r');
            if (complete) out.write('\n');
            maxPiece = Math.max(maxPiece, len);
            return true;
        }

        String text() {
            return out.toString(StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void replaysWhatWasHeldFromMemoryAndFromTheFile() throws Exception {
        for (int lines : new int[] {3, 40_000}) {
            StringBuilder expected = new StringBuilder();
            try (HeldMessage h = new HeldMessage()) {
                for (int i = 0; i < lines; i++) {
                    String l = "line " + i + " " + "x".repeat(i % 80) + (i % 7 == 0 ? "\r" : "");
                    byte[] b = l.getBytes(StandardCharsets.ISO_8859_1);
                    h.line(b, b.length, true);
                    expected.append(l).append("\r\n");
                }
                byte[] longLine = "y".repeat(40_000).getBytes(StandardCharsets.ISO_8859_1);
                h.line(longLine, 20_000, false);
                h.line(java.util.Arrays.copyOfRange(longLine, 20_000, 40_000), 20_000, true);
                expected.append("y".repeat(40_000)).append("\r\n");
                Collector c = new Collector();
                h.replay(c);
                assertEquals(expected.toString(), c.text());
                assertTrue(c.maxPiece <= HeldMessage.PIECE, "pieces of at most 16 KiB");
            }
        }
    }

    static String strip(String message, int splitAt) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        HeaderStripper s = new HeaderStripper(List.of(new HeaderRemoval("Authentication-Results", "mx.test")),
                (buf, len, complete, continued) -> {
                    out.write(buf, 0, len);
                    if (complete) out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
                });
        for (String line : message.split("\r\n", -1)) {
            byte[] b = line.getBytes(StandardCharsets.ISO_8859_1);
            if (splitAt > 0 && b.length > splitAt) {
                s.line(b, splitAt, false, false);
                byte[] rest = java.util.Arrays.copyOfRange(b, splitAt, b.length);
                s.line(rest, rest.length, true, true);
            } else {
                s.line(b, b.length, true, false);
            }
        }
        s.finish();
        String r = out.toString(StandardCharsets.ISO_8859_1);
        return r.substring(0, r.length() - 2); // the split added one CRLF at the end
    }

    @Test
    void stripsOurAuthservIdOnlyInTheHeaderSection() {
        String in = "Received: from x\r\n\tby y\r\nAuthentication-Results: mx.test;\r\n\tspf=pass smtp.mailfrom=a@b\r\n"
                + "authentication-results:  (comment) MX.TEST 1; dkim=pass\r\n"
                + "Authentication-Results: mx.test.evil; dkim=pass\r\nAuthentication-Results: other; spf=pass\r\n"
                + "Subject: s\r\n\r\nAuthentication-Results: mx.test; in the body\r\n";
        String out = "Received: from x\r\n\tby y\r\nAuthentication-Results: mx.test.evil; dkim=pass\r\n"
                + "Authentication-Results: other; spf=pass\r\nSubject: s\r\n\r\nAuthentication-Results: mx.test; in the body\r\n";
        assertEquals(out, strip(in, 0));
        assertEquals(out, strip(in, 7), "lines cut into pieces");
        assertEquals("Subject: s\r\n", strip("Subject: s\r\nAuthentication-Results: mx.test; x\r\n", 0),
                "a message that ends in its header section");
    }
}
