// What the door remembers of one message between Postfix's requests: the engine session, which of
// the early stages (CONNECT, HELO, MAIL) ran, and a refusal from one of them, which every later
// request of the message gets again (Postfix lets a client go on sending RCPT after a refusal).
package org.mxfront.policyserver;

import org.mxfront.mail.TlsInfo;
import org.mxfront.policy.Decision;
import org.mxfront.policy.PolicySession;
import org.mxfront.policy.Stage;

/** One message's policy state. Driven by one thread at a time (requests of a message come in order on one connection). */
final class MessageState {
    private final PolicySession session;
    private boolean connected;
    private boolean heloDone;
    private boolean mailDone;
    private Decision refusal;

    MessageState(PolicySession session) {
        this.session = session;
    }

    PolicySession session() { return session; }

    /**
     * Whether {@link #upTo} and the stage's own step (RCPT, END-OF-MESSAGE) may wait on DNS or a
     * store for request {@code r}. Starts the checks' DNS queries for a new message (never blocks).
     */
    boolean mayBlock(Stage stage, PolicyRequest r) {
        if (refusal != null) return false;
        if (!connected) {
            session.prepare();
            if (session.mayBlock(Stage.CONNECT, null)) return true;
        }
        if (stage.compareTo(Stage.HELO) >= 0 && !heloDone && !r.helo().isEmpty() && session.mayBlock(Stage.HELO, null)) return true;
        if (stage.compareTo(Stage.MAIL) >= 0 && !mailDone && session.mayBlock(Stage.MAIL, null)) return true;
        return switch (stage) {
            case RCPT -> !r.recipient().isEmpty() && session.mayBlock(Stage.RCPT, PolicyMapper.mailbox(r.recipient()));
            case END_OF_DATA -> session.mayBlock(Stage.END_OF_DATA, null);
            default -> false;
        };
    }

    /**
     * Runs, with the facts of request {@code r}, the stages before {@code stage} (and {@code stage} itself when it is CONNECT, HELO or MAIL)
     * that have not run yet for this message.
     *
     * @return the first refusal, or {@link Decision#PROCEED}
     */
    Decision upTo(Stage stage, PolicyRequest r) {
        if (refusal != null) return session.refuse(stage, refusal.verdict(), refusal.check());
        Decision d = Decision.PROCEED;
        if (!connected) {
            connected = true;
            d = session.connect();
            TlsInfo tls = r.tls();
            if (tls != null) session.tlsStarted(tls);
        }
        if (d.proceed() && stage.compareTo(Stage.HELO) >= 0 && !heloDone && !r.helo().isEmpty()) {
            heloDone = true;
            d = session.helo(r.helo());
        }
        if (d.proceed() && stage.compareTo(Stage.MAIL) >= 0 && !mailDone) {
            session.facts().state().authenticatedUser(r.saslUsername());
            d = session.mail(PolicyMapper.mailbox(r.sender()), r.size());
            mailDone = d.proceed();
        }
        if (!d.proceed()) refusal = d;
        return d;
    }
}
