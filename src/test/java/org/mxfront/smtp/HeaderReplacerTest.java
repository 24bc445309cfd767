// HeaderReplacer rewrites the first field of a name (folded lines included) in a replayed message,
// leaves later fields of that name, other fields and the body alone, and cares for pieces of long lines.
package org.mxfront.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mxfront.policy.ReplacedHeader;

class HeaderReplacerTest {
    static String replay(List<ReplacedHeader> r, String... lines) {
        StringBuilder out = new StringBuilder();
        HeaderReplacer h = new HeaderReplacer(r, (buf, len, complete, continued) -> {
            out.append(new String(buf, 0, len, StandardCharsets.UTF_8));
            if (complete) out.append("\n");
            return true;
        });
        for (String l : lines) {
            byte[] b = l.getBytes(StandardCharsets.UTF_8);
            h.line(b, b.length, true, false);
        }
        return out.toString();
    }

    @Test
    void firstSubjectWithItsFoldedLinesIsReplaced() {
        assertEquals("From: a@b\nSubject: ***SPAM*** cheap pills\nX-After: 1\n\nSubject: in the body\n",
                replay(List.of(new ReplacedHeader("Subject", "***SPAM*** cheap pills")),
                        "From: a@b", "subject: cheap", "\tpills", "X-After: 1", "", "Subject: in the body"));
    }

    @Test
    void nothingToReplaceOrNoSuchFieldPassesUnchanged() {
        assertEquals("From: a@b\n\nbody\n", replay(List.of(), "From: a@b", "", "body"));
        assertEquals("From: a@b\n\nSubject: x\n", replay(List.of(new ReplacedHeader("Subject", "y")), "From: a@b", "", "Subject: x"));
    }

    @Test
    void piecesOfALongLine() {
        StringBuilder out = new StringBuilder();
        HeaderReplacer h = new HeaderReplacer(List.of(new ReplacedHeader("Subject", "new")), (buf, len, complete, continued) -> {
            out.append(new String(buf, 0, len, StandardCharsets.UTF_8)).append(complete ? "\n" : "|");
            return true;
        });
        for (String[] p : new String[][] {{"Subject: aaa", "0"}, {"bbb", "1"}, {"X-Long: ccc", "0"}, {"ddd", "1"}, {"", "1"}}) {
            byte[] b = p[0].getBytes(StandardCharsets.UTF_8);
            h.line(b, b.length, p[1].equals("1"), false);
        }
        assertEquals("Subject: new\nX-Long: ccc|ddd\n\n", out.toString());
    }
}
