// The Authentication-Results header (RFC 8601) on every accepted message: spf=, dkim= (one per
// signature), dmarc=, from what the spf, dkim and dmarc checks left in the session state; listed
// after them (CheckTypes says so, the configuration loader enforces it). When a message starts it
// asks the door to drop every incoming Authentication-Results field claiming our authserv-id (a
// forgery, RFC 8601 5) and says that a header comes at the end, so the SMTP door holds the message
// until the final dot; the header is prepended (AddedHeader index 0). Never refuses anything.
package org.mxfront.checks.authresults;

import java.util.List;
import java.util.Set;
import org.mxfront.checks.CheckContext;
import org.mxfront.checks.dkim.DkimResults;
import org.mxfront.checks.dmarc.DmarcCheck;
import org.mxfront.checks.spf.SpfCheck;
import org.mxfront.dkim.DkimResult;
import org.mxfront.dmarc.DmarcResult;
import org.mxfront.policy.AddedHeader;
import org.mxfront.policy.Fact;
import org.mxfront.policy.Facts;
import org.mxfront.policy.HeaderRemoval;
import org.mxfront.policy.MessageCheck;
import org.mxfront.policy.SessionState;
import org.mxfront.policy.Stage;
import org.mxfront.policy.Verdict;
import org.mxfront.spf.SpfResult;

/** Writes Authentication-Results. Thread-safe. */
public final class AuthResultsCheck implements MessageCheck {
    public static final String HEADER = "Authentication-Results";
    private final String authservId;

    public AuthResultsCheck(AuthResultsConfig config, CheckContext ctx) {
        this.authservId = config.authservId() != null ? config.authservId() : ctx.hostname();
    }

    @Override
    public Set<Stage> stages() { return Set.of(Stage.END_OF_DATA); }

    @Override
    public Set<Fact> needs() { return Set.of(Fact.MESSAGE, Fact.HEADER_EDIT); }

    @Override
    public Verdict evaluate(Stage stage, Facts facts) {
        return Verdict.CONTINUE; // at END_OF_DATA the reader answers
    }

    @Override
    public MessageReader open(Facts facts) {
        SessionState s = facts.state();
        AddedHeader.take(s); // nothing left over from a refused message
        HeaderRemoval.add(s, new HeaderRemoval(HEADER, authservId));
        AddedHeader.expectAtEnd(s);
        return new MessageReader() {
            @Override
            public void write(byte[] buf, int off, int len) {}

            @Override
            public Verdict finish(Facts f) {
                AddedHeader.add(f.state(), new AddedHeader(HEADER, value(f.state()), 0));
                return Verdict.CONTINUE;
            }

            @Override
            public void close() {}
        };
    }

    /** The header's value: authserv-id, then one resinfo per method, folded one a line. */
    public String value(SessionState s) {
        StringBuilder sb = new StringBuilder(authservId).append(';');
        SpfResult spf = s.get(SpfCheck.RESULT);
        if (spf == null) {
            sb.append("\r\n\tspf=none");
        } else {
            sb.append("\r\n\tspf=").append(spf.token());
            sb.append(spf.identity().equals("helo") ? " smtp.helo=" + value(spf.domain()) : " smtp.mailfrom=" + value(spf.sender()));
        }
        sb.append(';');
        List<DkimResult> dkim = DkimResults.get(s);
        if (dkim == null || dkim.isEmpty()) {
            sb.append("\r\n\tdkim=none;");
        } else {
            for (DkimResult d : dkim) {
                sb.append("\r\n\tdkim=").append(d.outcome().token());
                if (!d.passed() && d.reason() != null) sb.append(" (").append(comment(d.reason())).append(')');
                if (d.domain() != null) sb.append(" header.d=").append(value(d.domain()));
                if (d.selector() != null) sb.append(" header.s=").append(value(d.selector()));
                if (d.headerB() != null && !d.headerB().isEmpty()) sb.append(" header.b=").append(value(d.headerB()));
                sb.append(';');
            }
        }
        DmarcResult dmarc = s.get(DmarcCheck.RESULT);
        if (dmarc == null) {
            sb.append("\r\n\tdmarc=none");
        } else {
            sb.append("\r\n\tdmarc=").append(dmarc.token());
            if (dmarc.policy() != null) {
                sb.append(" (p=").append(dmarc.policy().token());
                if (dmarc.applied() != null) sb.append(" dis=").append(dmarc.applied().token());
                sb.append(')');
            }
            sb.append(" header.from=").append(value(dmarc.fromDomain()));
        }
        return sb.toString();
    }

    /** A pvalue: as is when it is a plain token, else a quoted string; never a control character. */
    static String value(String v) {
        if (v.matches("[\\x21-\\x7e&&[^;()\"\\\\\\[\\]<>,:]]+")) return v;
        StringBuilder sb = new StringBuilder("\"");
        for (char c : v.toCharArray()) {
            if (c < 0x20 || c > 0x7e) sb.append('?');
            else if (c == '"' || c == '\\') sb.append('\\').append(c);
            else sb.append(c);
        }
        return sb.append('"').toString();
    }

    static String comment(String text) {
        StringBuilder sb = new StringBuilder();
        for (char c : text.toCharArray()) {
            if (c < 0x20 || c > 0x7e || c == '(' || c == ')' || c == '\\') sb.append(' ');
            else sb.append(c);
        }
        return sb.toString().trim();
    }
}
