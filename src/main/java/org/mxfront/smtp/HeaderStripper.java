// Drops header fields a check asked to remove (HeaderRemoval: Authentication-Results claiming our
// authserv-id) from the message the SMTP door passes on, while it streams: each header field is
// held until the next line shows where it ends (folded lines included), then passed or dropped.
// After the header section everything passes straight through. Testable with bytes, no socket.
package org.mxfront.smtp;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.mxfront.policy.HeaderRemoval;

/** One message's header filter. Used by one session thread. */
final class HeaderStripper {
    /** A field longer than this is passed on, never judged (only short fields are ours to remove). */
    static final int MAX_FIELD = 64 * 1024;

    /** Where the lines go. */
    interface Sink {
        void line(byte[] buf, int len, boolean complete, boolean continued);
    }

    private record Piece(byte[] bytes, boolean complete, boolean continued) {}

    private final List<HeaderRemoval> removals;
    private final Sink next;
    private final List<Piece> field = new ArrayList<>();
    private int fieldBytes;
    private boolean passField;
    private boolean body;
    private boolean lineOpen;
    private int removed;

    HeaderStripper(List<HeaderRemoval> removals, Sink next) {
        this.removals = removals;
        this.next = next;
    }

    void line(byte[] buf, int len, boolean complete, boolean continued) {
        if (body || removals.isEmpty()) {
            next.line(buf, len, complete, continued);
            return;
        }
        if (!continued && !lineOpen) {
            boolean folded = len > 0 && (buf[0] == ' ' || buf[0] == '\t');
            if (!folded) {
                flush();
                passField = false;
                if (len == 0) {
                    body = true;
                    next.line(buf, len, complete, continued);
                    return;
                }
            }
        }
        lineOpen = !complete;
        if (passField) {
            next.line(buf, len, complete, continued);
            return;
        }
        field.add(new Piece(Arrays.copyOf(buf, len), complete, continued));
        fieldBytes += len;
        if (fieldBytes > MAX_FIELD) {
            for (Piece p : field) next.line(p.bytes, p.bytes.length, p.complete, p.continued);
            field.clear();
            fieldBytes = 0;
            passField = true;
        }
    }

    /** The message ended (possibly inside its header section): the last field is judged now. */
    void finish() {
        flush();
    }

    /** How many fields were dropped. */
    int removed() {
        return removed;
    }

    private void flush() {
        if (field.isEmpty()) return;
        StringBuilder sb = new StringBuilder();
        for (Piece p : field) sb.append(new String(p.bytes, StandardCharsets.ISO_8859_1));
        String text = sb.toString();
        int colon = text.indexOf(':');
        boolean drop = colon > 0 && HeaderRemoval.anyMatches(removals, text.substring(0, colon), text.substring(colon + 1));
        if (drop) {
            removed++;
        } else {
            for (Piece p : field) next.line(p.bytes, p.bytes.length, p.complete, p.continued);
        }
        field.clear();
        fieldBytes = 0;
    }
}
