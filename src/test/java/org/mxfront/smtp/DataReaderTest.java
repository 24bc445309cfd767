// Covers DataReader: un-stuffing, the CRLF.CRLF terminator only, bare CR/LF (reject and normalize), smuggling variants, chunking.
package org.mxfront.smtp;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class DataReaderTest {

    /** How the bytes reach the reader: all available at once, or one byte per read() call. */
    enum Feed {
        WHOLE, ONE_BYTE;

        InputStream open(byte[] bytes) {
            InputStream raw = new ByteArrayInputStream(bytes);
            return this == WHOLE ? raw : new Trickle(raw);
        }
    }

    /** Hands out one byte per read and claims nothing is available, so every chunk the reader gets is one byte. */
    static final class Trickle extends FilterInputStream {
        Trickle(InputStream in) {
            super(in);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return super.read(b, off, Math.min(len, 1));
        }

        @Override
        public int available() {
            return 0;
        }
    }

    /** One call of LineSink.line. */
    record Piece(String text, boolean complete, boolean continued) {}

    /** Records the pieces and joins them into lines. */
    static final class Recorder implements DataReader.LineSink {
        final List<Piece> pieces = new ArrayList<>();
        final List<String> lines = new ArrayList<>();
        private final StringBuilder current = new StringBuilder();

        @Override
        public void line(byte[] buf, int len, boolean complete, boolean continued) {
            String text = new String(buf, 0, len, ISO_8859_1);
            pieces.add(new Piece(text, complete, continued));
            current.append(text);
            if (complete) {
                lines.add(current.toString());
                current.setLength(0);
            }
        }
    }

    /** What one DATA phase produced, and what was left in the stream for the command loop. */
    record Result(List<String> lines, List<Piece> pieces, boolean bareNewline, long wireBytes, String rest) {}

    static Result read(String data, boolean normalize, Feed feed) throws IOException {
        byte[] bytes = data.getBytes(ISO_8859_1);
        BufferedInputStream in = new BufferedInputStream(feed.open(bytes));
        DataReader reader = new DataReader(normalize);
        Recorder sink = new Recorder();
        reader.readAll(in, sink);
        String rest = new String(in.readAllBytes(), ISO_8859_1);
        return new Result(sink.lines, sink.pieces, reader.sawBareNewline(), reader.wireBytes(), rest);
    }

    static Result read(String data, boolean normalize) throws IOException {
        return read(data, normalize, Feed.WHOLE);
    }

    @ParameterizedTest
    @EnumSource(Feed.class)
    void plainMessageStopsRightAfterTheTerminator(Feed feed) throws IOException {
        String data = "Subject: hi\r\n\r\nbody line\r\n.\r\n";
        Result r = read(data + "QUIT\r\n", false, feed);
        assertEquals(List.of("Subject: hi", "", "body line"), r.lines());
        assertFalse(r.bareNewline());
        assertEquals(data.length(), r.wireBytes());
        assertEquals("QUIT\r\n", r.rest());
    }

    @ParameterizedTest
    @EnumSource(Feed.class)
    void dataThatEndsAtOnceIsEmpty(Feed feed) throws IOException {
        Result r = read(".\r\nQUIT\r\n", false, feed);
        assertEquals(List.of(), r.lines());
        assertEquals(List.of(), r.pieces());
        assertEquals(3, r.wireBytes());
        assertEquals("QUIT\r\n", r.rest());
    }

    @Test
    void nothingFollowingTheTerminatorLeavesAnEmptyStream() throws IOException {
        Result r = read("a\r\n.\r\n", false);
        assertEquals(List.of("a"), r.lines());
        assertEquals("", r.rest());
    }

    record Stuffing(String wire, String line) {}

    static Stream<Stuffing> stuffing() {
        return Stream.of(
                new Stuffing("..x", ".x"),
                new Stuffing("..", "."),
                new Stuffing("...", ".."),
                new Stuffing(". x", " x"),
                new Stuffing(".x", "x"),
                new Stuffing("x.", "x."),
                new Stuffing("x..y", "x..y"),
                new Stuffing("", ""));
    }

    @ParameterizedTest
    @MethodSource("stuffing")
    void linesAreUnstuffed(Stuffing c) throws IOException {
        Result r = read("first\r\n" + c.wire() + "\r\nlast\r\n.\r\nQUIT\r\n", false);
        assertEquals(List.of("first", c.line(), "last"), r.lines());
        assertEquals("QUIT\r\n", r.rest());
    }

    record Bare(String data, boolean normalize, List<String> lines) {}

    static Stream<Bare> bareNewlines() {
        return Stream.of(
                new Bare("a\nb\r\n.\r\n", false, List.of("a\nb")),
                new Bare("a\rb\r\n.\r\n", false, List.of("a\rb")),
                new Bare("a\r\r\n.\r\n", false, List.of("a\r")),
                new Bare("a\n\r\n.\r\n", false, List.of("a\n")),
                new Bare("a\nb\r\n.\r\n", true, List.of("a", "b")),
                new Bare("a\rb\r\n.\r\n", true, List.of("a", "b")),
                new Bare("a\r\rb\r\n.\r\n", true, List.of("a", "", "b")),
                new Bare("a\n\nb\r\n.\r\n", true, List.of("a", "", "b")),
                new Bare("a\n..x\r\n.\r\n", true, List.of("a", ".x")));
    }

    @ParameterizedTest
    @MethodSource("bareNewlines")
    void bareCrAndLfAreRecorded(Bare c) throws IOException {
        Result r = read(c.data() + "QUIT\r\n", c.normalize());
        assertEquals(c.lines(), r.lines());
        assertTrue(r.bareNewline(), "sawBareNewline");
        assertEquals("QUIT\r\n", r.rest());
    }

    /** An attempt to end the data early with something that is not CRLF.CRLF (SMTP smuggling). */
    record Smuggle(String name, String marker, boolean bare, List<String> rejectLines, List<String> normalizeLines) {
        @Override
        public String toString() { return name; }
    }

    /** What normalize mode makes of each bare-newline attempt: the dot is stuffing, so the line is empty, and no early end. */
    static final List<String> NORMALIZED = List.of("body", "", "MAIL FROM:<evil@x.example>");

    static Stream<Smuggle> smuggles() {
        return Stream.of(
                new Smuggle("LF.LF", "\n.\n", true, List.of("body\n.\nMAIL FROM:<evil@x.example>"), NORMALIZED),
                new Smuggle("LF.CRLF", "\n.\r\n", true, List.of("body\n.", "MAIL FROM:<evil@x.example>"), NORMALIZED),
                new Smuggle("CRLF.LF", "\r\n.\n", true, List.of("body", "\nMAIL FROM:<evil@x.example>"), NORMALIZED),
                new Smuggle("CR.CR", "\r.\r", true, List.of("body\r.\rMAIL FROM:<evil@x.example>"), NORMALIZED),
                new Smuggle("CRLF.CR", "\r\n.\r", true, List.of("body", "\rMAIL FROM:<evil@x.example>"), NORMALIZED),
                new Smuggle("CR.CRLF", "\r.\r\n", true, List.of("body\r.", "MAIL FROM:<evil@x.example>"), NORMALIZED),
                new Smuggle("CRLF NUL.CRLF", "\r\n\0.\r\n", false,
                        List.of("body", "\0.", "MAIL FROM:<evil@x.example>"),
                        List.of("body", "\0.", "MAIL FROM:<evil@x.example>")));
    }

    static Stream<Object[]> smugglesByFeed() {
        return smuggles().flatMap(s -> Arrays.stream(Feed.values()).map(f -> new Object[] {s, f}));
    }

    private static final String HEAD = "Subject: x\r\n\r\nbody";
    private static final String TAIL = "MAIL FROM:<evil@x.example>\r\n.\r\n";

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("smugglesByFeed")
    void rejectModeNeverEndsDataEarly(Smuggle s, Feed feed) throws IOException {
        assertReadWhole(s, feed, false, s.rejectLines());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("smugglesByFeed")
    void normalizeModeMakesLinesButNeverEndsDataEarly(Smuggle s, Feed feed) throws IOException {
        // the dot after a bare newline is taken as stuffing: that line reaches the sink empty
        assertReadWhole(s, feed, true, s.normalizeLines());
    }

    /** The smuggling attempt is read as body lines up to the real end of data, and what follows is left for the next command. */
    static void assertReadWhole(Smuggle s, Feed feed, boolean normalize, List<String> bodyLines) throws IOException {
        String data = HEAD + s.marker() + TAIL;
        Result r = read(data + "QUIT\r\n", normalize, feed);
        List<String> expected = new ArrayList<>(List.of("Subject: x", ""));
        expected.addAll(bodyLines);
        assertEquals(expected, r.lines());
        assertEquals(s.bare(), r.bareNewline());
        assertEquals(data.length(), r.wireBytes());
        assertEquals("QUIT\r\n", r.rest());
    }

    @Test
    void normalizeModeDotLineAfterBareLfIsNotTheEndButTheNextOneIs() throws IOException {
        Result r = read("a\n.\r\n.\r\nQUIT\r\n", true);
        assertEquals(List.of("a", ""), r.lines());
        assertEquals("QUIT\r\n", r.rest());
    }

    @ParameterizedTest
    @EnumSource(Feed.class)
    void terminatorAcrossTheChunkBoundary(Feed feed) throws IOException {
        // 8189 + "\r\n." fills the reader's first 8192-byte chunk; "\r\n" completes the terminator in the next one
        String data = "x".repeat(8189) + "\r\n.\r\n";
        Result r = read(data + "QUIT\r\n", false, feed);
        assertEquals(List.of("x".repeat(8189)), r.lines());
        assertEquals(data.length(), r.wireBytes());
        assertEquals("QUIT\r\n", r.rest());
    }

    @Test
    void manyChunksWithPipelinedCommandsAfter() throws IOException {
        StringBuilder sb = new StringBuilder();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            String line = "line " + i + " " + "y".repeat(i % 37);
            sb.append(line).append("\r\n");
            expected.add(line);
        }
        String data = sb + ".\r\n";
        Result r = read(data + "MAIL FROM:<a@b.example>\r\nRCPT TO:<c@d.example>\r\n", false);
        assertEquals(expected, r.lines());
        assertEquals(data.length(), r.wireBytes());
        assertEquals("MAIL FROM:<a@b.example>\r\nRCPT TO:<c@d.example>\r\n", r.rest());
    }

    @ParameterizedTest
    @EnumSource(Feed.class)
    void longLinesArriveInPieces(Feed feed) throws IOException {
        Result r = read("." + "z".repeat(16384 + 10) + "\r\nnext\r\n.\r\nQUIT\r\n", false, feed);
        assertEquals(List.of(
                new Piece("z".repeat(16384), false, false),
                new Piece("z".repeat(10), true, true),
                new Piece("next", true, false)), r.pieces());
        assertEquals("QUIT\r\n", r.rest());
    }

    @Test
    void aLineOfExactlyTheMaximumPieceIsOnePiece() throws IOException {
        Result r = read("z".repeat(16384) + "\r\n.\r\n", false);
        assertEquals(List.of(new Piece("z".repeat(16384), true, false)), r.pieces());
    }

    @Test
    void dotAfterALongLinePieceIsNotTheEnd() throws IOException {
        // the piece boundary falls right before ".": the "." continues a line, it does not start one
        Result r = read("z".repeat(16384) + ".\r\n.\r\nQUIT\r\n", false);
        assertEquals(List.of("z".repeat(16384) + "."), r.lines());
        assertEquals("QUIT\r\n", r.rest());
    }

    @ParameterizedTest
    @EnumSource(Feed.class)
    void endOfStreamBeforeTheTerminatorIsAnError(Feed feed) {
        assertThrows(EOFException.class, () -> read("Subject: x\r\n\r\nbody\r\n.\n", false, feed));
        assertThrows(EOFException.class, () -> read("", false, feed));
    }
}
