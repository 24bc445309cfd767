// Builds the HeaderSection from message lines as they stream by: unfolds continuation lines,
// stops at the empty line, and keeps at most a bounded amount (the rest is counted, not kept).
// Shared by the SMTP front door and the explain command, so both see the same headers.
package org.mxfront.policy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Collects the header section of one message. Not thread-safe. */
public final class HeaderCollector {
    private final int keepLimit;
    private final List<HeaderSection.Field> fields = new ArrayList<>();
    private final StringBuilder current = new StringBuilder();
    private long bytes;
    private long lineLength;
    private long longestLine;
    private boolean done;

    /** @param keepLimit header bytes kept for the checks; more is counted but not kept */
    public HeaderCollector(int keepLimit) {
        this.keepLimit = keepLimit;
    }

    /**
     * One line (or piece of a long line), without its CRLF.
     *
     * @return true when this line ended the header section (the empty line)
     */
    public boolean line(byte[] buf, int len, boolean complete, boolean continued) {
        if (done) return false;
        bytes += len + (complete ? 2 : 0);
        lineLength = continued ? lineLength + len : len;
        if (lineLength > longestLine) longestLine = lineLength;
        if (len == 0 && complete && !continued) {
            done = true;
            flush();
            return true;
        }
        if (bytes > keepLimit) return false;
        String s = new String(buf, 0, len, StandardCharsets.UTF_8);
        if (continued) {
            current.append(s);
        } else if (s.startsWith(" ") || s.startsWith("\t")) {
            current.append(' ').append(s.strip());
        } else {
            flush();
            current.append(s);
        }
        return false;
    }

    /** True once the empty line ending the header section was seen. */
    public boolean done() { return done; }

    /** The header section so far (all of it once {@link #done()}). */
    public HeaderSection section() {
        flush();
        return new HeaderSection(fields, bytes, longestLine);
    }

    private void flush() {
        if (current.isEmpty()) return;
        String f = current.toString();
        current.setLength(0);
        int colon = f.indexOf(':');
        if (colon > 0) fields.add(new HeaderSection.Field(f.substring(0, colon).trim(), f.substring(colon + 1).trim()));
    }
}
