// Rewrites header fields in place (ReplacedHeader: the spam check's subject) in a message the SMTP
// door held back until the final dot, as it is replayed to the downstream: the first field of each
// name, folded lines included, is replaced by "Name: value"; everything else passes unchanged.
// Testable with bytes, no socket.
package org.mxfront.smtp;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.mxfront.policy.ReplacedHeader;

/** One replay's header rewriter. Used by one thread. */
final class HeaderReplacer implements HeldMessage.LineSink {
    private final List<ReplacedHeader> pending;
    private final HeldMessage.LineSink next;
    private boolean body;
    private boolean skipping;
    private boolean lineOpen;

    HeaderReplacer(List<ReplacedHeader> replacements, HeldMessage.LineSink next) {
        this.pending = new ArrayList<>(replacements);
        this.next = next;
    }

    @Override
    public boolean line(byte[] buf, int len, boolean complete, boolean continued) {
        if (body || pending.isEmpty() && !skipping) return next.line(buf, len, complete, continued);
        boolean startOfLine = !lineOpen;
        lineOpen = !complete;
        if (!startOfLine) return skipping || next.line(buf, len, complete, continued);
        if (len == 0 && complete) {
            body = true;
            skipping = false;
            return next.line(buf, len, complete, continued);
        }
        if (len > 0 && (buf[0] == ' ' || buf[0] == '\t')) return skipping || next.line(buf, len, complete, continued);
        skipping = false;
        String start = new String(buf, 0, Math.min(len, 200), StandardCharsets.ISO_8859_1);
        int colon = start.indexOf(':');
        if (colon > 0) {
            String name = start.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            for (ReplacedHeader r : pending) {
                if (r.name().toLowerCase(Locale.ROOT).equals(name)) {
                    pending.remove(r);
                    skipping = true;
                    byte[] l = (r.name() + ": " + r.value()).getBytes(StandardCharsets.UTF_8);
                    return next.line(l, l.length, true, false);
                }
            }
        }
        return next.line(buf, len, complete, continued);
    }
}
