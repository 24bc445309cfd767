// Property-based fuzz of DataReader (jqwik): random byte streams rich in CR, LF, dots and NULs,
// delivered in reads of random sizes, against a model written from RFC 5321 alone. The data ends
// exactly at the first real CRLF.CRLF (the data phase starts at a line start) and not a byte later;
// the lines are the CRLF-separated lines with one leading dot removed; a bare CR or LF is noticed;
// in normalize mode no line carries a CR or LF. Tries: jqwik.tries.default.
package org.mxfront.smtp;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Tuple;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class DataReaderFuzzTest {

    @Provide
    Arbitrary<String> streams() {
        Arbitrary<String> token = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.of("\r", "\n", ".", "\r\n", "a", "bc", " ", "\u0000", "\u00ff")),
                Tuple.of(2, Arbitraries.of("\r\n.", ".\r\n", "\n.\n", "\r.\r", "\n.\r\n", "\r\n.\n", "\r\r\n", "..")),
                Tuple.of(1, Arbitraries.of("\r\n.\r\n", "MAIL FROM:<x@y.example>\r\n")),
                Tuple.of(1, Arbitraries.strings().withCharRange('\u0000', '\u00ff').ofMaxLength(40)),
                Tuple.of(1, Arbitraries.of("L".repeat(17000), "M".repeat(16384), "\r\n" + "N".repeat(40000) + "\r\n")));
        return token.list().ofMaxSize(60).map(l -> String.join("", l));
    }

    /** Hands out the bytes in reads of the given sizes (cycled), as a network would. */
    static final class Chopped extends FilterInputStream {
        private final List<Integer> sizes;
        private int next;

        Chopped(byte[] bytes, List<Integer> sizes) {
            super(new ByteArrayInputStream(bytes));
            this.sizes = sizes;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int size = sizes.isEmpty() ? len : sizes.get(next++ % sizes.size());
            return super.read(b, off, Math.min(len, size));
        }

        @Override
        public int available() {
            return 0;
        }
    }

    /** The lines of a body (without its last CRLF) as RFC 5321 defines them; bare CR/LF end lines only when normalizing. */
    static List<String> modelLines(String body, boolean normalize) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            boolean crlf = c == '\r' && i + 1 < body.length() && body.charAt(i + 1) == '\n';
            if (crlf || normalize && (c == '\r' || c == '\n')) {
                lines.add(line.toString());
                line.setLength(0);
                if (crlf) i++;
            } else {
                line.append(c);
            }
        }
        lines.add(line.toString());
        return lines.stream().map(l -> l.startsWith(".") ? l.substring(1) : l).toList();
    }

    static boolean hasBareNewline(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\r' && (i + 1 == s.length() || s.charAt(i + 1) != '\n')) return true;
            if (c == '\n' && (i == 0 || s.charAt(i - 1) != '\r')) return true;
        }
        return false;
    }

    @Property
    void endsExactlyAtTheFirstRealTerminator(@ForAll("streams") String data, @ForAll boolean normalize,
            @ForAll @Size(max = 6) List<@IntRange(min = 1, max = 9000) Integer> reads) throws IOException {
        BufferedInputStream in = new BufferedInputStream(new Chopped(data.getBytes(ISO_8859_1), reads));
        DataReader reader = new DataReader(normalize);
        DataReaderTest.Recorder sink = new DataReaderTest.Recorder();
        // The data phase begins at a line start: as if a CRLF came just before the first byte.
        int t = ("\r\n" + data).indexOf("\r\n.\r\n");
        if (t < 0) {
            assertThrows(EOFException.class, () -> reader.readAll(in, sink));
            return;
        }
        reader.readAll(in, sink);
        int consumed = t + 3;
        assertEquals(consumed, reader.wireBytes());
        assertEquals(data.substring(consumed), new String(in.readAllBytes(), ISO_8859_1), "the rest stays for the command loop");
        String body = t == 0 ? null : data.substring(0, t - 2);
        assertEquals(body == null ? List.of() : modelLines(body, normalize), sink.lines);
        assertEquals(body != null && hasBareNewline(body + "\r\n"), reader.sawBareNewline());
        for (DataReaderTest.Piece p : sink.pieces) assertTrue(p.text().length() <= 16384, "pieces are bounded");
        if (normalize) {
            for (String l : sink.lines) assertTrue(l.indexOf('\r') < 0 && l.indexOf('\n') < 0, "no bare CR/LF left: " + l);
        }
    }
}
