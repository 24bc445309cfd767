// Reads message data after 354 straight from the client's input, because SubEtha's own DATA
// stream passes bare CR and LF through (the SMTP smuggling hole). Only CRLF ends a line and only
// CRLF.CRLF ends the data. Lines are un-stuffed and handed on one by one; a bare CR or LF is
// recorded, and in normalize mode turned into a line end (which can never end the data).
//
// The reader is fed bytes in chunks as they arrive (no socket needed) and says where the final dot
// ended, so that pipelined commands after it go back to the command loop; readAll() does the same
// over a BufferedInputStream with mark/reset.
//
// For BDAT (RFC 3030) the same reader runs in chunked mode: no dot-stuffing and no terminator (the
// conversation counts the chunk's bytes), the same line splitting and bare CR/LF handling, and
// finish() hands on the last line when the message does not end with CRLF.
package org.mxfront.smtp;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.Arrays;

/** One DATA phase's reader. Not reusable. */
final class DataReader {
    /** Receives the un-stuffed lines. */
    interface LineSink {
        /**
         * One line, or one piece of a line longer than the reader's buffer.
         *
         * @param complete true when this piece ends the line (the CRLF is not included in buf)
         * @param continued true when this piece continues a line begun by an earlier piece
         */
        void line(byte[] buf, int len, boolean complete, boolean continued) throws IOException;
    }

    static final int CHUNK = 8192;
    private static final int MAX_LINE_PIECE = 16384;

    private final boolean normalize;
    private final boolean chunked;
    private byte[] line = new byte[1024];
    private int len;
    private boolean atLineStart = true;
    private boolean lineStartReal = true;
    private boolean dotDropped;
    private boolean crPending;
    private boolean continued;
    private boolean bareNewline;
    private long wireBytes;

    DataReader(boolean normalize) {
        this(normalize, false);
    }

    /** @param chunked BDAT data: no dot-stuffing, no terminator; end it with {@link #finish} */
    DataReader(boolean normalize, boolean chunked) {
        this.normalize = normalize;
        this.chunked = chunked;
    }

    /**
     * The end of BDAT data: a CR left at the very end is bare, a last line without CRLF is handed on
     * as complete (the relay ends every line it forwards with CRLF).
     */
    void finish(LineSink sink) throws IOException {
        if (crPending) {
            crPending = false;
            bareNewline = true;
            if (normalize) {
                endLine(false, sink);
                return;
            }
            append((byte) '\r', sink);
        }
        if (len > 0 || continued) endLine(false, sink);
    }

    /** True when a bare CR or LF was seen. */
    boolean sawBareNewline() { return bareNewline; }

    /** Bytes read from the client, terminator included. */
    long wireBytes() { return wireBytes; }

    /**
     * Takes the next bytes of the message, handing every completed line (or piece) to the sink.
     *
     * @return the index just past the terminating CRLF.CRLF when these bytes complete the message
     *         (the bytes from there on are not consumed), or -1 when all were consumed and more are needed
     */
    int feed(byte[] buf, int off, int n, LineSink sink) throws IOException {
        int end = off + n;
        for (int i = off; i < end; i++) {
            if (!crPending && !atLineStart) {
                // Fast path: the rest of a line up to the next CR or LF is copied in one go.
                int j = i;
                while (j < end && buf[j] != '\r' && buf[j] != '\n') j++;
                if (j > i) {
                    appendRun(buf, i, j - i, sink);
                    i = j - 1;
                    continue;
                }
            }
            if (step(buf[i], sink)) {
                wireBytes += i + 1 - off;
                return i + 1;
            }
        }
        wireBytes += n;
        return -1;
    }

    /** Reads up to and including the terminating CRLF.CRLF from a stream, leaving what follows in it. */
    void readAll(BufferedInputStream in, LineSink sink) throws IOException {
        byte[] chunk = new byte[CHUNK];
        while (true) {
            in.mark(CHUNK);
            int n = in.read(chunk, 0, CHUNK);
            if (n < 0) throw new EOFException("client closed the connection during DATA");
            int used = feed(chunk, 0, n, sink);
            if (used >= 0) {
                in.reset();
                long skip = used;
                while (skip > 0) skip -= in.skip(skip);
                return;
            }
        }
    }

    /** Feeds one byte; returns true when it completed the end-of-data marker. */
    private boolean step(byte b, LineSink sink) throws IOException {
        if (crPending) {
            crPending = false;
            if (b == '\n') return endLine(true, sink);
            bareNewline = true;
            if (normalize) endLine(false, sink);
            else append((byte) '\r', sink);
        }
        if (b == '\r') {
            crPending = true;
            return false;
        }
        if (b == '\n') {
            bareNewline = true;
            if (normalize) endLine(false, sink);
            else append(b, sink);
            return false;
        }
        if (atLineStart) {
            atLineStart = false;
            if (b == '.' && !chunked) {
                dotDropped = true;
                return false;
            }
        }
        append(b, sink);
        return false;
    }

    private boolean endLine(boolean real, LineSink sink) throws IOException {
        if (real && lineStartReal && dotDropped && len == 0 && !continued && !chunked) return true;
        sink.line(line, len, true, continued);
        len = 0;
        continued = false;
        atLineStart = true;
        dotDropped = false;
        lineStartReal = real;
        return false;
    }

    /** Appends bytes that contain no CR or LF, in the middle of a line. */
    private void appendRun(byte[] src, int off, int count, LineSink sink) throws IOException {
        while (count > 0) {
            if (len == line.length) makeRoom(sink);
            int k = Math.min(count, line.length - len);
            System.arraycopy(src, off, line, len, k);
            len += k;
            off += k;
            count -= k;
        }
    }

    private void append(byte b, LineSink sink) throws IOException {
        atLineStart = false;
        if (len == line.length) makeRoom(sink);
        line[len++] = b;
    }

    /** The line buffer is full: grow it, or once it holds MAX_LINE_PIECE bytes hand them on as a piece. */
    private void makeRoom(LineSink sink) throws IOException {
        if (len >= MAX_LINE_PIECE) {
            sink.line(line, len, false, continued);
            continued = true;
            len = 0;
        } else {
            line = Arrays.copyOf(line, Math.min(line.length * 2, MAX_LINE_PIECE));
        }
    }
}
