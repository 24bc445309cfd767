// One greppable line per decision, in Postfix's spirit, so fail2ban and log shippers can read it:
//   reject: RCPT from unknown[192.0.2.7]: 550 5.7.1 XM-RJCT06 Unauthorized relay attempt; from=<a@b> to=<c@d> helo=<x> check=relay
// Lines go to the SLF4J logger "mxfront.decision". docs/logging.md documents the format.
// Each decision is also published as a structured DecisionEvent to the daemon's DecisionFeed (the
// console's live view, dashboard and trace), whatever the log level.
package org.mxfront.policy;

import java.util.ArrayList;
import java.util.List;
import org.mxfront.codes.Reply;
import org.mxfront.mail.Mailbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Formats and writes decision lines. Thread-safe; one instance per daemon. */
public final class DecisionLog {
    private static final Logger LOG = LoggerFactory.getLogger("mxfront.decision");
    /** SessionState key: the door that runs the session ({@code smtp}, {@code policy}, {@code milter}). */
    public static final Object DOOR = new Object();
    /** SessionState key: Postfix's queue id, when the door learns it. */
    public static final Object QUEUE_ID = new Object();
    /** SessionState key: the session's log-only findings so far (a List of String). */
    private static final Object FINDINGS = new Object();

    private final DecisionFeed feed;

    /** Lines only, no feed (tests, explain). */
    public DecisionLog() {
        this(null);
    }

    /** Lines, and events to {@code feed} (null: none). */
    public DecisionLog(DecisionFeed feed) {
        this.feed = feed;
    }

    /** The feed events go to, or null. */
    public DecisionFeed feed() {
        return feed;
    }

    /**
     * Writes one decision line.
     *
     * @param action    {@code reject}, {@code defer}, {@code disconnect}, {@code reject_warning} (log-only), {@code accept}, ...
     * @param stage     the SMTP stage name as Postfix prints it (CONNECT, HELO, MAIL, RCPT, DATA, END-OF-MESSAGE)
     * @param reply     the reply sent (or that would have been sent)
     * @param check     the deciding check, or null
     */
    public void write(String action, String stage, Facts f, Reply reply, String check) {
        if (LOG.isInfoEnabled()) LOG.info(format(action, stage, f, reply, check));
        publish(action, stage, f, reply, check);
    }

    /**
     * Writes an acceptance line (the door adds its own fields, such as {@code size=}) and publishes it.
     *
     * @param extra fields appended to the line, starting with a space, or empty
     */
    public void accepted(String stage, Facts f, Reply reply, String extra) {
        if (LOG.isInfoEnabled()) LOG.info(format("accept", stage, f, reply, null) + extra);
        publish("accept", stage, f, reply, null);
    }

    private void publish(String action, String stage, Facts f, Reply reply, String check) {
        if (feed == null || f.state().dryRun()) return;
        SessionState st = f.state();
        List<String> findings = st.get(FINDINGS);
        List<String> lines = reply == null ? List.of() : reply.lines().stream()
                .map(l -> reply.code() + (reply.enhanced() == null ? " " : " " + reply.enhanced() + " ") + l).toList();
        String code = "";
        if (reply != null && !action.equals("accept")) {
            String first = reply.lines().get(0);
            int colon = first.indexOf(": ");
            if (colon > 0 && first.indexOf(' ') > colon) code = first.substring(0, colon);
        }
        List<String> rcpts = f.recipient() != null ? List.of(f.recipient().address())
                : f.recipients().stream().map(Mailbox::address).toList();
        String door = st.get(DOOR);
        String queueId = st.get(QUEUE_ID);
        feed.publish(new DecisionEvent(System.currentTimeMillis(), door == null ? "" : door, action, stage,
                f.client().ip(), f.client().reverseName() == null ? "unknown" : f.client().reverseName(),
                f.helo() == null ? "" : f.helo(), f.sender() == null ? "" : f.sender().address(), rcpts, code,
                check == null ? "" : check, lines, st.id(), queueId == null ? "" : queueId,
                findings == null ? List.of() : List.copyOf(findings)));
        if (action.equals("reject_warning") && reply != null) {
            if (findings == null) {
                findings = new ArrayList<>();
                st.put(FINDINGS, findings);
            }
            if (findings.size() < 50) findings.add(check + ": " + reply.lines().get(0));
        }
    }

    /** The line without logging it; tests and the explain command use it. */
    public static String format(String action, String stage, Facts f, Reply reply, String check) {
        StringBuilder sb = new StringBuilder(200);
        sb.append(action).append(": ").append(stage).append(" from ").append(f.client().logName()).append(": ");
        if (reply != null) {
            sb.append(reply.code());
            if (reply.enhanced() != null) sb.append(' ').append(reply.enhanced());
            String first = reply.lines().get(0);
            int colon = first.indexOf(": ");
            // "XM-RJCT06: text" is logged as "XM-RJCT06 text" so that the id is one field; an accepting reply
            // keeps its text as the MTA wrote it ("250 2.0.0 Ok: queued as QUEUEID").
            sb.append(' ').append(colon > 0 && reply.code() >= 400 ? first.substring(0, colon) + first.substring(colon + 1) : first);
        }
        sb.append("; from=<").append(f.sender() == null ? "" : f.sender().address()).append('>');
        if (f.recipient() != null) sb.append(" to=<").append(f.recipient().address()).append('>');
        else if (!f.recipients().isEmpty()) sb.append(" to=<").append(f.recipients().get(0).address()).append('>');
        sb.append(" helo=<").append(f.helo() == null ? "" : f.helo()).append('>');
        if (check != null) sb.append(" check=").append(check);
        sb.append(" session=").append(f.state().id());
        sb.append(" tls=").append(f.client().tls() == null ? "none" : f.client().tls().protocol());
        f.state().notes().forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
        return sb.toString();
    }
}
