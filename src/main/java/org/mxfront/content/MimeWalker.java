// Walks a message's MIME tree with Mime4j's streaming MimeTokenStream: every entity (part, nested
// multipart, attached message/rfc822 and its own parts) is reported with its names, and every leaf
// body as a decoded stream (base64 and quoted-printable undone). Nothing is buffered beyond
// Mime4j's bounded line and header limits, so memory stays flat whatever the message size.
//
// Malformed MIME is scanned as far as it goes (missing closing boundaries, bad base64, junk headers:
// Mime4j's lenient mode, DecodeMonitor.SILENT); only the limits that bound our own work refuse the
// message (MalformedMimeException): nesting deeper than maxDepth, more than maxParts entities, a
// header line over 64 KiB or a header field over 256 KiB, more than 10000 fields in one header.
package org.mxfront.content;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.io.MaxLineLimitException;
import org.apache.james.mime4j.stream.EntityState;
import org.apache.james.mime4j.stream.Field;
import org.apache.james.mime4j.stream.MimeConfig;
import org.apache.james.mime4j.stream.MimeTokenStream;

/** Streaming MIME walk. Stateless; one call per message. */
public final class MimeWalker {
    private MimeWalker() {}

    static final int MAX_HEADER_LINE = 64 * 1024;
    static final int MAX_FIELD = 256 * 1024;
    static final int MAX_FIELDS = 10_000;

    /**
     * @param maxDepth nesting of multiparts and attached messages allowed
     * @param maxParts entities allowed in one message
     */
    public record Limits(int maxDepth, int maxParts) {}

    /**
     * One MIME entity as its header describes it.
     *
     * @param depth       0 for the message itself, +1 per enclosing multipart or attached message
     * @param mimeType    the lower-case type, {@code text/plain} when absent
     * @param disposition the lower-case Content-Disposition value, empty when absent
     * @param names       every file name the header gives (filename, name; RFC 2231 and 2047 decoded), as sent
     */
    public record Entity(int depth, String mimeType, String disposition, List<String> names) {}

    /** Receives the walk, on the walking thread. Throw {@link ScanStop} to end it early with a finding. */
    public interface Visitor {
        /** Every entity, once its header is read. */
        void entity(Entity e) throws Exception;

        /** Every leaf body, decoded; the visitor may read as much of it as it likes. */
        void body(Entity e, InputStream decoded) throws Exception;
    }

    /** Walks the message. */
    public static void walk(InputStream in, Limits limits, Visitor v) throws Exception {
        MimeConfig cfg = MimeConfig.custom().setStrictParsing(false).setMaxLineLen(MAX_HEADER_LINE)
                .setMaxHeaderLen(MAX_FIELD).setMaxHeaderCount(MAX_FIELDS).setMaxContentLen(-1).build();
        MimeTokenStream ts = new MimeTokenStream(cfg, DecodeMonitor.SILENT, null);
        ts.parse(in);
        int depth = 0;
        int parts = 0;
        List<String> names = new ArrayList<>();
        String contentType = null;
        String disposition = null;
        Entity current = null;
        try {
            for (EntityState s = ts.getState(); s != EntityState.T_END_OF_STREAM; s = ts.next()) {
                switch (s) {
                    case T_START_MESSAGE, T_START_MULTIPART -> {
                        if (s == EntityState.T_START_MULTIPART || current != null) depth++;
                        if (depth > limits.maxDepth()) {
                            throw new MalformedMimeException("nested more than " + limits.maxDepth() + " levels deep");
                        }
                    }
                    case T_END_MESSAGE, T_END_MULTIPART -> depth = Math.max(0, depth - 1);
                    case T_START_HEADER -> {
                        if (++parts > limits.maxParts()) {
                            throw new MalformedMimeException("more than " + limits.maxParts() + " parts");
                        }
                        names = new ArrayList<>();
                        contentType = null;
                        disposition = null;
                    }
                    case T_FIELD -> {
                        Field f = ts.getField();
                        String name = f.getName();
                        if (name.equalsIgnoreCase("Content-Type") && contentType == null) {
                            MimeParams p = MimeParams.parse(f.getBody());
                            contentType = p.value();
                            addAll(names, p.all("name"));
                            addAll(names, p.all("filename"));
                        } else if (name.equalsIgnoreCase("Content-Disposition") && disposition == null) {
                            MimeParams p = MimeParams.parse(f.getBody());
                            disposition = p.value();
                            addAll(names, p.all("filename"));
                            addAll(names, p.all("name"));
                        }
                    }
                    case T_END_HEADER -> {
                        String type = contentType == null || !contentType.contains("/") ? "text/plain" : contentType;
                        current = new Entity(depth, type, disposition == null ? "" : disposition, List.copyOf(names));
                        v.entity(current);
                    }
                    case T_BODY -> v.body(current, ts.getDecodedInputStream());
                    default -> { }
                }
            }
        } catch (MimeException e) {
            throw new MalformedMimeException(reason(e));
        }
    }

    private static String reason(MimeException e) {
        Throwable c = e.getCause() != null ? e.getCause() : e;
        if (c instanceof MaxLineLimitException) {
            return "a header line is longer than " + MAX_HEADER_LINE + " bytes";
        }
        String m = String.valueOf(c.getMessage());
        if (m.contains("Maximum header limit")) return "more than " + MAX_FIELDS + " header fields in one part";
        if (m.contains("Maximum header length")) return "a header field is longer than " + MAX_FIELD + " bytes";
        return "unparseable header";
    }

    private static void addAll(List<String> names, List<String> more) {
        for (String n : more) {
            if (!n.isBlank() && !names.contains(n)) names.add(n);
        }
    }
}
