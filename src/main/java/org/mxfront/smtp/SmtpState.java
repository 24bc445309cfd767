// One SMTP connection's state, apart from the verbs that change it: the client and its HELO, the
// transaction (sender, recipients accepted, the downstream transaction), the message or BDAT chunk
// being read, the error count and the deadline; and the few things every verb does with it (reply,
// count an error, apply a decision, end the transaction, close). The command classes (HeloCommand,
// EnvelopeCommands, DataCommands, XclientCommand, StartTlsCommand) work on it; none of them calls
// back into SmtpConversation, which only dispatches.
package org.mxfront.smtp;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import org.mxfront.codes.Code;
import org.mxfront.codes.Reply;
import org.mxfront.door.DoorContext;
import org.mxfront.mail.Mailbox;
import org.mxfront.mail.TlsInfo;
import org.mxfront.metrics.MxMeters;
import org.mxfront.policy.Decision;
import org.mxfront.policy.PolicySession;
import org.mxfront.policy.Stage;
import org.mxfront.policy.Verdict;
import org.mxfront.relay.Downstream;
import org.mxfront.tls.ServerTls;

/**
 * One connection's SMTP state. Driven by one thread at a time (the session's); only {@link #deadline}
 * is read by the door's sweeper.
 */
final class SmtpState {
    /** Where replies go and what the conversation may ask of the connection. */
    interface Transport {
        /** Sends one reply: its lines joined by CRLF, without the final CRLF. */
        void send(String reply) throws IOException;

        /** Ends the connection once the replies sent so far are out. */
        void close();

        /** Waits up to {@code pause} without greeting; true when the client sent anything meanwhile. */
        boolean talkedWithin(Duration pause);

        /** The peer's own address (a trusted proxy's, when PROXY or XCLIENT named another client). */
        InetAddress realRemote();

        /** Waits before an error reply past smtp.soft-error-limit; on the session's (virtual) thread. */
        default void pause(Duration d) {
            try {
                Thread.sleep(d);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /**
         * After "220 Ready to start TLS" went out: drops whatever the client sent after STARTTLS in
         * clear (CVE-2011-0411), runs the server side of the handshake and from then on reads and
         * writes through TLS.
         *
         * @throws IOException the handshake failed; the connection is unusable
         */
        TlsInfo startTls(ServerTls tls) throws IOException;
    }

    /** The door's per-address connection counts, which XCLIENT moves from one address to another. */
    @FunctionalInterface
    interface ClientCounts {
        /** Moves one connection's count; returns the new address's count, this one included. */
        int move(InetAddress from, InetAddress to);
    }

    final DoorContext<SmtpDoorSettings> config;
    final SmtpSettings smtp;
    final Downstream relay;
    final Transport transport;
    final ClientCounts counts;
    final MxMeters meters;
    final PolicySession policy;
    String helo;
    boolean esmtp;
    int errors;
    boolean closed;

    // The current transaction
    Mailbox sender;
    boolean smtputf8;
    Downstream.Transaction downstream;
    int acceptedRecipients;
    /** Non-null between 354 and the end of the message, or from the first BDAT chunk to LAST. */
    IncomingMessage message;
    /** Bytes of the current BDAT chunk still to read; -1 outside a chunk. */
    long chunkLeft = -1;
    long chunkSize;
    boolean chunkLast;
    /** The answer to a BDAT whose chunk is read only to be thrown away (a refused BDAT); null otherwise. */
    Answer discardAnswer;
    /** A BDAT message of this transaction was refused at one of its chunks: later BDATs are told so. */
    boolean chunkRefused;
    /** The message held for headers added at its end, if any; deleted when the transaction ends. */
    HeldMessage held;

    /** A reply deferred until a BDAT chunk's bytes are read. */
    @FunctionalInterface
    interface Answer {
        void send() throws IOException;
    }

    /** When the current command or DATA phase must be over (System.nanoTime()); read by the door's sweeper. */
    volatile long deadline;

    SmtpState(DoorContext<SmtpDoorSettings> config, Downstream relay, Transport transport, ClientCounts counts,
            MxMeters meters, InetAddress address, int port, int connectionsFromAddress) {
        this.config = config;
        this.smtp = config.settings().section();
        this.relay = relay;
        this.transport = transport;
        this.counts = counts;
        this.meters = meters;
        this.policy = config.engine().newSession(address, port, connectionsFromAddress).door("smtp");
        armCommandDeadline();
    }

    /** The client's address (after a trusted PROXY header or XCLIENT). */
    InetAddress clientAddress() { return policy.facts().client().address(); }

    void armCommandDeadline() {
        deadline = System.nanoTime() + smtp.commandTimeout().toNanos();
    }

    /** The greeting line. */
    String greeting() {
        return "220 " + config.hostname() + " ESMTP mxfront";
    }

    /** True when replies carry RFC 3463 codes. */
    boolean enhancedCodes() {
        return smtp.enhancedStatusCodes();
    }

    // ---- replies ------------------------------------------------------------------------------

    void send(Reply r) throws IOException {
        transport.send(r.wire(smtp.enhancedStatusCodes()));
    }

    void ok(int code, String enhanced, String text) throws IOException {
        send(Reply.of(code, enhanced, text));
    }

    /** A protocol error of the client's: counted (see {@link #sendError}). */
    void error(int code, String enhanced, String text) throws IOException {
        sendError(Reply.of(code, enhanced, text));
    }

    /**
     * For RCPT and DATA, which need a transaction begun by MAIL and not one that BDAT has taken:
     * refuses {@code verb} with 503 and returns true when it is out of sequence.
     */
    boolean outOfSequence(String verb) throws IOException {
        if (message != null && message.chunked) {
            error(503, "5.5.1", "Error: " + verb + " after BDAT");
            return true;
        }
        if (sender == null) {
            error(503, "5.5.1", "Error: need MAIL command");
            return true;
        }
        return false;
    }

    /**
     * Sends an error reply, counted as Postfix counts them: past soft-error-limit it waits
     * error-delay first; when it reaches hard-error-limit, 421 4.7.0 XM-RJCT51 follows and the
     * connection ends. A delivered message forgives all errors before it.
     */
    void sendError(Reply r) throws IOException {
        String extra = stockError();
        send(r);
        if (extra != null) {
            transport.send(extra);
            close();
        }
    }

    /**
     * Counts an error whose reply is about to be sent, and waits first when past the soft limit;
     * returns the 421 to send after that reply (without its final CRLF) when it reached the hard
     * limit, after which the connection is closed. The door also calls it for SubEtha's own error
     * replies, before they go out.
     */
    String stockError() {
        errors++;
        if (errors > smtp.softErrorLimit() && !smtp.errorDelay().isZero()) transport.pause(smtp.errorDelay());
        if (errors < smtp.hardErrorLimit()) return null;
        Decision d = policy.refuse(Stage.RCPT, new Verdict.Disconnect(Code.TOO_MANY_ERRORS, Map.of()), "protocol");
        return d.reply().wire(smtp.enhancedStatusCodes());
    }

    /** Errors counted since the last delivered message. */
    int errors() { return errors; }

    /** Ends the connection (also the stock-reply filter's way out past the hard error limit). */
    void close() {
        closed = true;
        releaseHeld();
        transport.close();
    }

    void releaseHeld() {
        if (held != null) held.close();
        held = null;
    }

    /**
     * Sends a policy decision; closes the connection when it says so. Every refusal counts as an
     * error (as in Postfix), but for our own per-transaction limits (452 too many recipients,
     * 452 different content policy): the client did nothing wrong and is told to send them later.
     */
    void decision(Decision d) throws IOException {
        if (d.disconnect()) {
            send(d.reply());
            close();
            return;
        }
        Code c = d.verdict().code();
        if (c != Code.TOO_MANY_RECIPIENTS && c != Code.MIXED_CONTENT_POLICY) sendError(d.reply());
        else send(d.reply());
    }

    /** Ends the current transaction, giving its downstream connection back. */
    void endTransaction() {
        releaseHeld();
        if (downstream != null) downstream.close();
        downstream = null;
        sender = null;
        acceptedRecipients = 0;
        smtputf8 = false;
        message = null;
        policy.resetTransaction();
    }

}
