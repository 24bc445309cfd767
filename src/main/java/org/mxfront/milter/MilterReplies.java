// Renders the engine's decisions in the milter protocol. A refusal goes out as SMFIR_REPLYCODE so
// that the client of Postfix sees the catalogue's multi-line XM-RJCT reply: the same code on every
// line, an enhanced code of the same class, CRLF between lines and none at the end, '%' doubled
// (Postfix 3.7 checks the first line, 3.12 every line; Postfix reads '%' as a format character).
package org.mxfront.milter;

import java.util.ArrayList;
import java.util.List;
import org.mxfront.codes.Reply;
import org.mxfront.policy.Decision;

/** Decision to milter reply. Stateless. */
public final class MilterReplies {
    private MilterReplies() {}

    static final MilterResponse.Continue CONTINUE = new MilterResponse.Continue();

    /** Continue for a decision that lets the conversation go on, else the refusal as SMFIR_REPLYCODE. */
    public static MilterResponse render(Decision d) {
        if (d.proceed()) return CONTINUE;
        if (d.reply() == null) return new MilterResponse.Tempfail();
        return new MilterResponse.ReplyCode(text(d.reply()));
    }

    /** The SMFIR_REPLYCODE text of a reply. */
    public static String text(Reply r) {
        int code = r.code() < 400 ? 451 : r.code();
        String enhanced = r.enhanced();
        char cls = (char) ('0' + code / 100);
        if (enhanced == null || !enhanced.matches("[245]\\.\\d{1,3}\\.\\d{1,3}")) {
            enhanced = cls + ".7.1";
        } else if (enhanced.charAt(0) != cls) {
            enhanced = cls + enhanced.substring(1);
        }
        List<String> lines = new ArrayList<>(r.lines().size());
        for (int i = 0; i < r.lines().size(); i++) {
            boolean last = i == r.lines().size() - 1;
            String t = r.lines().get(i).replaceAll("[\\x00-\\x1f\\x7f]", " ").replace("%", "%%");
            lines.add(code + (last ? " " : "-") + enhanced + " " + t);
        }
        return String.join("\r\n", lines);
    }
}
