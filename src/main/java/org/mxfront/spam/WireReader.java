// The answers of both classifiers have one shape: a status line, header fields, an empty line and a
// body (rspamd's HTTP/1.1 and spamd's SPAMD/1.1 alike). This reads that shape off a channel, bounded
// everywhere (line length, field count, body size): CRLF or LF lines, the fields, and the body by its
// Content-Length, chunked, or up to the end of the connection. Every fault is a SpamProtocolException
// naming the classifier, so the check's on-failure decides; a read past the optional deadline is a
// SocketTimeoutException.
package org.mxfront.spam;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/** Reads one answer off a channel; not thread-safe (one per exchange). */
final class WireReader {
    static final int MAX_LINE = 8192;
    private static final Pattern LENGTH = Pattern.compile("\\d{1,18}");
    private static final Pattern CHUNK_SIZE = Pattern.compile("[0-9A-Fa-f]{1,7}");
    private static final Pattern CONTROL = Pattern.compile("[\\x00-\\x1f]");

    private final ReadableByteChannel ch;
    private final String peer;
    private final boolean timed;
    private final long deadline;
    /**
     * Small at first: rspamd's and spamd's status line and fields fit, the body goes straight into its
     * own array. It waits with the request for the answer (hundreds of milliseconds on a busy MX), so
     * its size is held per message in flight; it grows only for a long line.
     */
    private ByteBuffer buf = ByteBuffer.allocate(2048).flip();

    /** @param peer the classifier's name for the messages ("rspamd", "spamd") */
    WireReader(ReadableByteChannel ch, String peer) {
        this(ch, peer, false, 0);
    }

    /** @param deadline a {@link System#nanoTime()} after which no more is read */
    WireReader(ReadableByteChannel ch, String peer, long deadline) {
        this(ch, peer, true, deadline);
    }

    private WireReader(ReadableByteChannel ch, String peer, boolean timed, long deadline) {
        this.ch = ch;
        this.peer = peer;
        this.timed = timed;
        this.deadline = deadline;
    }

    SpamProtocolException fault(String what) {
        return new SpamProtocolException(peer + "'s answer " + what);
    }

    /** The next line without its CRLF (or LF); null at the end of the connection before any byte of it. */
    String line() throws IOException {
        int from = buf.position();
        while (true) {
            for (int i = from; i < buf.limit(); i++) {
                if (buf.get(i) == '\n') {
                    if (i - buf.position() > MAX_LINE) throw fault("has a line over " + MAX_LINE + " bytes");
                    int end = i > buf.position() && buf.get(i - 1) == '\r' ? i - 1 : i;
                    String s = new String(buf.array(), buf.position(), end - buf.position(), StandardCharsets.ISO_8859_1);
                    buf.position(i + 1);
                    return s;
                }
            }
            if (buf.remaining() >= MAX_LINE) throw fault("has a line over " + MAX_LINE + " bytes");
            from = buf.remaining();
            if (!fill()) {
                if (buf.hasRemaining()) throw fault("ends in the middle of a line");
                return null;
            }
        }
    }

    /** The next line; the end of the connection is a fault here ("ends before its {@code what}"). */
    String required(String what) throws IOException {
        String s = line();
        if (s == null) throw fault("ends before its " + what);
        return s;
    }

    /** The header fields up to the empty line, names in lower case (a repeated one: its last value). */
    Map<String, String> fields(int max) throws IOException {
        Map<String, String> fields = new LinkedHashMap<>();
        int count = 0;
        for (String h; !(h = required("header")).isEmpty(); ) {
            if (++count > max) throw fault("has over " + max + " header fields");
            int colon = h.indexOf(':');
            if (colon <= 0) throw fault("has a broken header field: " + excerpt(h));
            fields.put(h.substring(0, colon).strip().toLowerCase(Locale.ROOT), h.substring(colon + 1).strip());
        }
        return fields;
    }

    /** The body the fields announce: chunked, by Content-Length, or up to the end of the connection; at most {@code max} bytes. */
    byte[] body(Map<String, String> fields, int max) throws IOException {
        if (fields.getOrDefault("transfer-encoding", "").toLowerCase(Locale.ROOT).endsWith("chunked")) return chunked(max);
        String length = fields.get("content-length");
        if (length == null) return untilClose(max);
        if (!LENGTH.matcher(length).matches()) throw fault("has a bad Content-Length: " + length);
        long n = Long.parseLong(length);
        if (n > max) throw fault("is too large: " + n + " bytes");
        return exactly((int) n);
    }

    private byte[] chunked(int max) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String size = required("chunk size");
            int semi = size.indexOf(';');
            String hex = (semi < 0 ? size : size.substring(0, semi)).strip();
            if (!CHUNK_SIZE.matcher(hex).matches()) throw fault("has a bad chunk size: " + size);
            int n = Integer.parseInt(hex, 16);
            if (body.size() + (long) n > max) throw fault("is over " + max + " bytes");
            if (n == 0) {
                while (!required("trailer").isEmpty()) {
                    // trailer fields: not used
                }
                return body.toByteArray();
            }
            body.writeBytes(exactly(n));
            if (!required("chunk end").isEmpty()) throw fault("has a broken chunk");
        }
    }

    private byte[] exactly(int n) throws IOException {
        byte[] out = new byte[n];
        int have = Math.min(n, buf.remaining());
        buf.get(out, 0, have);
        ByteBuffer rest = ByteBuffer.wrap(out, have, n - have);
        while (rest.hasRemaining()) {
            checkDeadline();
            if (ch.read(rest) < 0) throw fault("ended after " + rest.position() + " of " + n + " bytes");
        }
        return out;
    }

    private byte[] untilClose(int max) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        do {
            body.write(buf.array(), buf.position(), buf.remaining());
            buf.position(buf.limit());
            if (body.size() > max) throw fault("is over " + max + " bytes");
        } while (fill());
        return body.toByteArray();
    }

    /**
     * Reads more into the buffer, keeping what is unread at its start (in a larger buffer when that
     * fills it: a line up to MAX_LINE); false at the end of the connection.
     */
    private boolean fill() throws IOException {
        checkDeadline();
        buf.compact();
        if (buf.remaining() < 256 && buf.capacity() <= MAX_LINE) {
            ByteBuffer larger = ByteBuffer.allocate(buf.capacity() * 2);
            buf = larger.put(buf.flip());
        }
        try {
            return ch.read(buf) >= 0;
        } finally {
            buf.flip();
        }
    }

    private void checkDeadline() throws SocketTimeoutException {
        if (timed && System.nanoTime() - deadline > 0) throw new SocketTimeoutException(peer + " did not answer within the timeout");
    }

    /** At most 200 characters of a peer's bytes for an error message, control characters as '?'. */
    static String excerpt(byte[] bytes) {
        return excerpt(new String(bytes, 0, Math.min(bytes.length, 200), StandardCharsets.UTF_8));
    }

    /** At most 200 characters of a peer's text for an error message, control characters as '?'. */
    static String excerpt(String s) {
        return CONTROL.matcher(s.length() > 200 ? s.substring(0, 200) : s).replaceAll("?");
    }
}
