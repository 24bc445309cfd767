// A message the SMTP door holds back from the downstream until its final dot, because a check adds
// a header at end of message (Authentication-Results needs the DKIM verdict, which needs the whole
// body) and the header must go first. Kept in memory up to 1 MiB, then in a 0600 temp file; deleted
// when the transaction ends. Lines go in as the reader gives them and come out the same, pieces of
// at most 16 KiB, so the downstream leg sees what it would have seen streaming.
package org.mxfront.smtp;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import org.slf4j.LoggerFactory;

/** One held message. Used by one session thread. */
final class HeldMessage implements AutoCloseable {
    static final int MEMORY_LIMIT = 1 << 20;
    static final int PIECE = 16 * 1024;

    /** Where held lines go on replay (the downstream transaction). */
    interface LineSink {
        /** @return false when the sink wants nothing more */
        boolean line(byte[] buf, int len, boolean complete, boolean continued);
    }

    /** A ByteArrayOutputStream whose bytes replay reads in place, without the copy toByteArray makes. */
    private static final class Memory extends ByteArrayOutputStream {
        Memory(int size) {
            super(size);
        }

        byte[] bytes() { return buf; }
    }

    /** Starts small and doubles: it is held for as long as the checks at the final dot take (a classifier's answer). */
    private Memory memory = new Memory(4 * 1024);
    private Path file;
    private OutputStream out;
    private IOException failure;

    /** One line or piece of a line; complete adds its CRLF. */
    void line(byte[] buf, int len, boolean complete) {
        if (failure != null) return;
        try {
            if (out == null && memory.size() + len + 2 > MEMORY_LIMIT) spill();
            OutputStream o = out != null ? out : memory;
            o.write(buf, 0, len);
            if (complete) {
                o.write('\r');
                o.write('\n');
            }
        } catch (IOException e) {
            failure = e;
        }
    }

    private void spill() throws IOException {
        file = Files.createTempFile("mxfront-held-", ".eml",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        out = new BufferedOutputStream(Files.newOutputStream(file), 64 * 1024);
        memory.writeTo(out);
        memory = null;
    }

    /** The spool failed (disk full): the message cannot be passed on. */
    IOException failure() {
        return failure;
    }

    /** Sends the held lines to the sink, in order; stops when the sink says so. */
    void replay(LineSink sink) throws IOException {
        if (failure != null) throw failure;
        Splitter sp = new Splitter(sink);
        if (out == null) {
            if (sp.accept(memory.bytes(), memory.size())) sp.end();
            return;
        }
        out.flush();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] block = new byte[64 * 1024];
            int n;
            while ((n = in.read(block)) >= 0) {
                if (!sp.accept(block, n)) return;
            }
            sp.end();
        }
    }

    /** Cuts the held bytes back into lines (at CRLF) and pieces of at most PIECE bytes. */
    private static final class Splitter {
        private final LineSink sink;
        /** Grows to PIECE for a long line; mail's lines are under 1,000 bytes. */
        private byte[] line = new byte[1024];
        private int n;
        private boolean continued;
        private boolean cr;

        Splitter(LineSink sink) {
            this.sink = sink;
        }

        /** Feeds {@code len} bytes; false once the sink wants nothing more. */
        boolean accept(byte[] bytes, int len) {
            for (int i = 0; i < len; i++) {
                if (!accept(bytes[i] & 0xff)) return false;
            }
            return true;
        }

        private boolean accept(int b) {
            if (cr) {
                cr = false;
                if (b == '\n') {
                    boolean more = sink.line(line, n, true, continued);
                    n = 0;
                    continued = false;
                    return more;
                }
                if (!put('\r')) return false;
            }
            if (b == '\r') {
                cr = true;
                return true;
            }
            return put(b);
        }

        private boolean put(int b) {
            if (n == PIECE) {
                if (!sink.line(line, n, false, continued)) return false;
                n = 0;
                continued = true;
            } else if (n == line.length) {
                line = Arrays.copyOf(line, Math.min(PIECE, line.length * 2));
            }
            line[n++] = (byte) b;
            return true;
        }

        void end() {
            if (cr) put('\r');
            if (n > 0 || continued) sink.line(line, n, false, continued);
        }
    }

    @Override
    public void close() {
        try {
            if (out != null) out.close();
        } catch (IOException e) {
            // the file goes anyway
        }
        try {
            if (file != null) Files.deleteIfExists(file);
        } catch (IOException e) {
            LoggerFactory.getLogger(HeldMessage.class).warn("cannot delete {}: {}", file, e.getMessage());
        }
        memory = null;
        file = null;
        out = null;
    }
}
