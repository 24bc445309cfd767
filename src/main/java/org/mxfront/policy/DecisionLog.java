// One greppable line per decision, in Postfix's spirit, so fail2ban and log shippers can read it:
//   reject: RCPT from unknown[192.0.2.7]: 550 5.7.1 XM-RJCT06 Unauthorized relay attempt; from=<a@b> to=<c@d> helo=<x> check=relay
// Lines go to the SLF4J logger "mxfront.decision". docs/logging.md documents the format.
package org.mxfront.policy;

import org.mxfront.codes.Reply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Formats and writes decision lines. Thread-safe; one instance per daemon. */
public final class DecisionLog {
    private static final Logger LOG = LoggerFactory.getLogger("mxfront.decision");

    /**
     * Writes one decision line.
     *
     * @param action    {@code reject}, {@code defer}, {@code disconnect}, {@code reject_warning} (log-only), {@code accept}, ...
     * @param stage     the SMTP stage name as Postfix prints it (CONNECT, HELO, MAIL, RCPT, DATA, END-OF-MESSAGE)
     * @param reply     the reply sent (or that would have been sent)
     * @param check     the deciding check, or null
     */
    public void write(String action, String stage, Facts f, Reply reply, String check) {
        if (!LOG.isInfoEnabled()) return;
        LOG.info(format(action, stage, f, reply, check));
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
