// An SMTP reply as it goes on the wire: one code, one enhanced status code, one or more text lines.
package org.mxfront.codes;

import java.util.List;

/**
 * A rendered SMTP reply. {@link #wire(boolean)} produces the multi-line form
 * ({@code 550-5.7.1 text}, ..., {@code 550 5.7.1 last}) with or without the RFC 3463 codes.
 *
 * @param code     the three-digit SMTP code
 * @param enhanced the RFC 3463 code (e.g. {@code 5.7.1}), or null when there is none
 * @param lines    the text lines, at least one, free of CR and LF
 */
public record Reply(int code, String enhanced, List<String> lines) {
    public Reply {
        if (code < 200 || code > 599) throw new IllegalArgumentException("bad SMTP code " + code);
        if (lines.isEmpty()) throw new IllegalArgumentException("a reply needs a line");
        lines = List.copyOf(lines);
    }

    public static Reply of(int code, String enhanced, String line) {
        return new Reply(code, enhanced, List.of(line));
    }

    public boolean positive() { return code < 400; }
    public boolean transientFailure() { return code >= 400 && code < 500; }
    public boolean permanentFailure() { return code >= 500; }

    /** The reply's lines joined with CRLF, without the final CRLF. */
    public String wire(boolean withEnhanced) {
        StringBuilder sb = new StringBuilder(64 * lines.size());
        for (int i = 0; i < lines.size(); i++) {
            if (i > 0) sb.append("\r\n");
            sb.append(code).append(i == lines.size() - 1 ? ' ' : '-');
            if (withEnhanced && enhanced != null) sb.append(enhanced).append(' ');
            sb.append(lines.get(i));
        }
        return sb.toString();
    }

    /** The reply's lines in wire form, one string each, without CRLF. */
    public List<String> wireLines(boolean withEnhanced) {
        return List.of(wire(withEnhanced).split("\r\n"));
    }
}
