// The SMTP protocol of one inbound connection as a state machine without a socket: it is fed
// command lines and, after 354, message bytes, and it answers through a Transport. It only
// dispatches: the connection's state is an SmtpState, and each verb group is a class of its own
// working on that state (HeloCommand, EnvelopeCommands with DsnParameters, DataCommands with
// IncomingMessage, XclientCommand, StartTlsCommand, ReceivedHeader, DownstreamRefusals), the shape
// of James's protocols-smtp (one handler per command). SmtpFrontDoor puts it on a SubEtha socket;
// the tests feed it bytes in memory. No 250 for a message is sent before the downstream said 250.
package org.mxfront.smtp;

import java.io.IOException;
import java.net.InetAddress;
import java.util.Locale;
import java.util.Map;
import org.mxfront.codes.Code;
import org.mxfront.door.DoorContext;
import org.mxfront.metrics.MxMeters;
import org.mxfront.policy.Decision;
import org.mxfront.policy.PolicySession;
import org.mxfront.policy.Stage;
import org.mxfront.policy.Verdict;
import org.mxfront.relay.Downstream;

/**
 * One connection's SMTP dispatcher. Driven by one thread at a time (the session's); only
 * {@link #deadline()} and {@link #timeout()} are used by the door's sweeper.
 */
public final class SmtpConversation {
    private final SmtpState s;

    SmtpConversation(DoorContext<SmtpDoorSettings> config, Downstream relay, SmtpState.Transport transport,
            SmtpState.ClientCounts counts, MxMeters meters, InetAddress address, int port, int connectionsFromAddress) {
        this.s = new SmtpState(config, relay, transport, counts, meters, address, port, connectionsFromAddress);
    }

    /** The client's address (after a trusted PROXY header or XCLIENT). */
    public InetAddress clientAddress() { return s.clientAddress(); }

    /** The engine's view of this connection. */
    public PolicySession policy() { return s.policy; }

    /** True between MAIL and the end of the transaction. */
    public boolean inTransaction() { return s.sender != null; }

    /**
     * True between 354 and the end of the message, and while a BDAT chunk is read: feed {@link #data}
     * instead of {@link #command}.
     */
    public boolean inData() { return s.chunkLeft >= 0 || s.message != null && !s.message.chunked; }

    /** True once the conversation ended the connection (QUIT, a disconnect verdict, too many errors). */
    public boolean closed() { return s.closed; }

    /** When the current command or DATA phase must be over (System.nanoTime()). */
    long deadline() { return s.deadline; }

    /** Refusal at connect made by the door itself (server full, shutting down). */
    public Decision refuse(Code code, String reason) {
        return s.policy.refuse(Stage.CONNECT, new Verdict.Disconnect(code, Map.of()), reason);
    }

    /** CONNECT stage; the refusal to send instead of the greeting, or null to greet. */
    public Decision connect() {
        Decision d = s.policy.connect(s.transport::talkedWithin);
        return d.proceed() ? null : d;
    }

    /** The greeting line. */
    public String greeting() { return s.greeting(); }

    /**
     * One command line, without its CRLF. Unknown verbs get 500 5.5.2 and count as errors (on a
     * socket SubEtha answers them first, with the same reply).
     */
    public void command(String line) throws IOException {
        if (s.closed) return;
        int sp = line.indexOf(' ');
        String verb = (sp < 0 ? line : line.substring(0, sp)).toUpperCase(Locale.ROOT);
        String arg = sp < 0 ? "" : line.substring(sp + 1);
        if (StartTlsCommand.requiredFirst(s, verb)) {
            // a BDAT's chunk follows its command at once: read it and throw it away, then refuse
            long chunk = verb.equals(SmtpVerbs.BDAT) ? DataCommands.bdatCount(arg) : -1;
            if (chunk > 0) DataCommands.discard(s, chunk, () -> s.error(530, "5.7.0", "Must issue a STARTTLS command first"));
            else s.error(530, "5.7.0", "Must issue a STARTTLS command first");
            if (s.chunkLeft < 0) s.armCommandDeadline();
            return;
        }
        switch (verb) {
            case SmtpVerbs.HELO -> HeloCommand.helo(s, arg, false);
            case SmtpVerbs.EHLO -> HeloCommand.helo(s, arg, true);
            case SmtpVerbs.MAIL -> EnvelopeCommands.mail(s, arg);
            case SmtpVerbs.RCPT -> EnvelopeCommands.rcpt(s, arg);
            case SmtpVerbs.DATA -> DataCommands.data(s, arg);
            case SmtpVerbs.BDAT -> DataCommands.bdat(s, arg);
            case SmtpVerbs.RSET -> rset();
            case SmtpVerbs.NOOP -> s.ok(250, "2.0.0", "Ok");
            case SmtpVerbs.QUIT -> quit();
            case SmtpVerbs.HELP -> s.ok(214, "2.0.0", "See https://www.rfc-editor.org/rfc/rfc5321");
            case SmtpVerbs.VRFY -> s.error(502, "5.5.1", "VRFY command is disabled");
            case SmtpVerbs.XCLIENT -> XclientCommand.xclient(s, arg);
            case SmtpVerbs.PROXY -> proxy();
            case SmtpVerbs.STARTTLS -> StartTlsCommand.starttls(s, arg);
            default -> {
                if (SmtpVerbs.NOT_IMPLEMENTED.contains(verb)) s.error(502, "5.5.1", "Error: " + verb + " not implemented");
                else s.error(500, "5.5.2", "Error: command not recognized");
            }
        }
        if (s.chunkLeft < 0) s.armCommandDeadline();
    }

    /**
     * Message bytes after 354, as they arrive. Returns how many were taken: all of them, or, when
     * they complete the message (CRLF.CRLF), those up to and including the terminator; the rest are
     * commands again (pipelined after the dot).
     */
    public int data(byte[] buf, int off, int len) throws IOException {
        return DataCommands.bytes(s, buf, off, len);
    }

    /**
     * The client hung up (or shut down its sending side) in DATA or in a BDAT chunk: nothing is
     * relayed and nobody is left to answer.
     */
    public void clientGone() {
        DataCommands.clientGone(s);
    }

    private void quit() throws IOException {
        s.ok(221, "2.0.0", "Bye");
        s.close();
    }

    private void rset() throws IOException {
        s.endTransaction();
        s.chunkRefused = false;
        s.ok(250, "2.0.0", "Ok");
    }

    /** A PROXY header arriving as a command: the client is not a trusted proxy (trusted ones were handled first). */
    private void proxy() throws IOException {
        s.decision(s.policy.refuse(Stage.CONNECT, new Verdict.Disconnect(Code.PROXY_NOT_ALLOWED,
                Map.of("command", SmtpVerbs.PROXY)), "proxy"));
    }

    /** Deadline passed: tell the client and close. Called from the door's sweeper, on a thread of its own. */
    public void timeout() {
        try {
            s.send(s.policy.refuse(Stage.CONNECT, new Verdict.Disconnect(Code.TIMEOUT, Map.of()), "timeout").reply());
        } catch (IOException | RuntimeException e) {
            // the client may be gone already
        }
        s.close();
    }

    /** Ends the current transaction, giving its downstream connection back. */
    public void endTransaction() { s.endTransaction(); }

    // ---- for the door's stock-reply filter ----

    /** See {@link SmtpState#stockError()}. */
    String stockError() { return s.stockError(); }

    /** Errors counted since the last delivered message. */
    int errors() { return s.errors; }

    /** Ends the connection (also the stock-reply filter's way out past the hard error limit). */
    void close() { s.close(); }

    /** True when replies carry RFC 3463 codes. */
    boolean enhancedCodes() { return s.enhancedCodes(); }
}
