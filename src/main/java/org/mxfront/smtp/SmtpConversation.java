// The SMTP protocol of one inbound connection as a state machine without a socket: it is fed
// command lines and, after 354, message bytes, and it answers through a Transport. It asks the
// policy engine at each stage and relays what passes through a Downstream. SmtpFrontDoor puts it
// on a SubEtha socket; SmtpConversationTest feeds it bytes in memory, as Netty tests a codec with
// EmbeddedChannel. No 250 for a message is sent before the downstream said 250 for it.
// Also here: DSN parameters (RFC 3461, validated and passed on), BDAT (RFC 3030: counted chunks read
// like DATA, forwarded as DATA) and Postfix's error limits (soft: a pause per error, hard: 421,
// both forgiven by a delivered message).
package org.mxfront.smtp;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.mxfront.address.PathParser;
import org.mxfront.address.Xtext;
import org.mxfront.codes.Code;
import org.mxfront.codes.Reply;
import org.mxfront.door.DoorContext;
import org.mxfront.config.Settings;
import org.mxfront.mail.Mailbox;
import org.mxfront.mail.TlsInfo;
import org.mxfront.metrics.MxMeters;
import org.mxfront.policy.AddedHeader;
import org.mxfront.policy.Decision;
import org.mxfront.policy.DecisionLog;
import org.mxfront.policy.HeaderCollector;
import org.mxfront.policy.HeaderRemoval;
import org.mxfront.policy.PolicySession;
import org.mxfront.policy.Stage;
import org.mxfront.policy.Verdict;
import org.mxfront.relay.Downstream;
import org.mxfront.relay.DownstreamException;
import org.mxfront.relay.DownstreamReply;
import org.mxfront.tls.ServerTls;
import org.mxfront.tls.TlsSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection's SMTP state. Driven by one thread at a time (the session's); only the deadline
 * fields are read by the door's sweeper.
 */
public final class SmtpConversation {
    private static final Logger LOG = LoggerFactory.getLogger(SmtpConversation.class);
    /** Postfix's text for an unknown address of a virtual domain (virtual(5) mailbox or alias table). */
    private static final java.util.regex.Pattern POSTFIX_VIRTUAL_UNKNOWN =
            java.util.regex.Pattern.compile("User unknown in virtual (mailbox|alias) table");
    private static final int HEADER_COLLECT_LIMIT = 256 * 1024;
    private static final byte[] CRLF = {'\r', '\n'};

    /** Where replies go and what the conversation may ask of the connection. */
    public interface Transport {
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
    public interface ClientCounts {
        /** Moves one connection's count; returns the new address's count, this one included. */
        int move(InetAddress from, InetAddress to);
    }

    private final DoorContext<SmtpDoorSettings> config;
    private final Settings.SmtpSettings smtp;
    private final Downstream relay;
    private final Transport transport;
    private final ClientCounts counts;
    private final MxMeters meters;
    private final PolicySession policy;
    private String helo;
    private boolean esmtp;
    private int errors;
    private boolean closed;

    // The current transaction
    private Mailbox sender;
    private boolean smtputf8;
    private Downstream.Transaction downstream;
    private int acceptedRecipients;
    /** Non-null between 354 and the end of the message, or from the first BDAT chunk to LAST. */
    private Message message;
    /** Bytes of the current BDAT chunk still to read; -1 outside a chunk. */
    private long chunkLeft = -1;
    private long chunkSize;
    private boolean chunkLast;
    /** The answer to a BDAT whose chunk is read only to be thrown away (a refused BDAT); null otherwise. */
    private Answer discardAnswer;
    /** A BDAT message of this transaction was refused at one of its chunks: later BDATs are told so. */
    private boolean chunkRefused;

    /** A reply deferred until a BDAT chunk's bytes are read. */
    @FunctionalInterface
    private interface Answer {
        void send() throws IOException;
    }

    /** Set by the door: when the current command or DATA phase must be over (System.nanoTime()). */
    volatile long deadline;

    public SmtpConversation(DoorContext<SmtpDoorSettings> config, Downstream relay, Transport transport, ClientCounts counts,
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
    public InetAddress clientAddress() { return policy.facts().client().address(); }

    /** The engine's view of this connection. */
    public PolicySession policy() { return policy; }

    /** True between MAIL and the end of the transaction. */
    public boolean inTransaction() { return sender != null; }

    /**
     * True between 354 and the end of the message, and while a BDAT chunk is read: feed {@link #data}
     * instead of {@link #command}.
     */
    public boolean inData() { return chunkLeft >= 0 || message != null && !message.chunked; }

    /** True once the conversation ended the connection (QUIT, a disconnect verdict, too many errors). */
    public boolean closed() { return closed; }

    void armCommandDeadline() {
        deadline = System.nanoTime() + smtp.commandTimeout().toNanos();
    }

    /** Refusal at connect made by the door itself (server full, shutting down). */
    public Decision refuse(Code code, String reason) {
        return policy.refuse(Stage.CONNECT, new Verdict.Disconnect(code, Map.of()), reason);
    }

    /** CONNECT stage; the refusal to send instead of the greeting, or null to greet. */
    public Decision connect() {
        Decision d = policy.connect(transport::talkedWithin);
        return d.proceed() ? null : d;
    }

    /** The greeting line. */
    public String greeting() {
        return "220 " + config.hostname() + " ESMTP mxfront";
    }

    // ---- commands -----------------------------------------------------------------------------

    /**
     * One command line, without its CRLF. Unknown verbs get 500 5.5.2 and count as errors (on a
     * socket SubEtha answers them first, with the same reply).
     */
    public void command(String line) throws IOException {
        if (closed) return;
        int sp = line.indexOf(' ');
        String verb = (sp < 0 ? line : line.substring(0, sp)).toUpperCase(Locale.ROOT);
        String arg = sp < 0 ? "" : line.substring(sp + 1);
        if (tlsRequiredFirst(verb)) {
            // a BDAT's chunk follows its command at once: read it and throw it away, then refuse
            long chunk = verb.equals(SmtpVerbs.BDAT) ? bdatCount(arg) : -1;
            if (chunk > 0) discard(chunk, () -> error(530, "5.7.0", "Must issue a STARTTLS command first"));
            else error(530, "5.7.0", "Must issue a STARTTLS command first");
            if (chunkLeft < 0) armCommandDeadline();
            return;
        }
        switch (verb) {
            case SmtpVerbs.HELO -> helo(arg, false);
            case SmtpVerbs.EHLO -> helo(arg, true);
            case SmtpVerbs.MAIL -> mail(arg);
            case SmtpVerbs.RCPT -> rcpt(arg);
            case SmtpVerbs.DATA -> data(arg);
            case SmtpVerbs.BDAT -> bdat(arg);
            case SmtpVerbs.RSET -> rset();
            case SmtpVerbs.NOOP -> ok(250, "2.0.0", "Ok");
            case SmtpVerbs.QUIT -> quit();
            case SmtpVerbs.HELP -> ok(214, "2.0.0", "See https://www.rfc-editor.org/rfc/rfc5321");
            case SmtpVerbs.VRFY -> error(502, "5.5.1", "VRFY command is disabled");
            case SmtpVerbs.XCLIENT -> xclient(arg);
            case SmtpVerbs.PROXY -> proxy();
            case SmtpVerbs.STARTTLS -> starttls(arg);
            default -> {
                if (SmtpVerbs.NOT_IMPLEMENTED.contains(verb)) error(502, "5.5.1", "Error: " + verb + " not implemented");
                else error(500, "5.5.2", "Error: command not recognized");
            }
        }
        if (chunkLeft < 0) armCommandDeadline();
    }

    // ---- replies ------------------------------------------------------------------------------

    void send(Reply r) throws IOException {
        transport.send(r.wire(smtp.enhancedStatusCodes()));
    }

    private void ok(int code, String enhanced, String text) throws IOException {
        send(Reply.of(code, enhanced, text));
    }

    /** A protocol error of the client's: counted (see {@link #sendError}). */
    private void error(int code, String enhanced, String text) throws IOException {
        sendError(Reply.of(code, enhanced, text));
    }

    /**
     * Sends an error reply, counted as Postfix counts them: past soft-error-limit it waits
     * error-delay first; when it reaches hard-error-limit, 421 4.7.0 XM-RJCT51 follows and the
     * connection ends. A delivered message forgives all errors before it.
     */
    private void sendError(Reply r) throws IOException {
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

    /** The message held for headers added at its end, if any; deleted when the transaction ends. */
    private HeldMessage held;

    private void releaseHeld() {
        if (held != null) held.close();
        held = null;
    }

    /**
     * Sends a policy decision; closes the connection when it says so. Every refusal counts as an
     * error (as in Postfix), but for our own per-transaction limits (452 too many recipients,
     * 452 different content policy): the client did nothing wrong and is told to send them later.
     */
    private void decision(Decision d) throws IOException {
        if (d.disconnect()) {
            send(d.reply());
            close();
            return;
        }
        Code c = d.verdict().code();
        if (c != Code.TOO_MANY_RECIPIENTS && c != Code.MIXED_CONTENT_POLICY) sendError(d.reply());
        else send(d.reply());
    }

    // ---- HELO, MAIL, RCPT -----------------------------------------------------------------------

    private void helo(String arg, boolean extended) throws IOException {
        String name = arg.trim();
        if (name.isEmpty()) {
            error(501, "5.5.4", "Syntax: " + (extended ? SmtpVerbs.EHLO : SmtpVerbs.HELO) + " hostname");
            return;
        }
        if (name.indexOf(' ') >= 0) name = name.substring(0, name.indexOf(' '));
        endTransaction();
        chunkRefused = false;
        helo = name;
        esmtp = extended;
        Decision d = policy.helo(name);
        if (!d.proceed()) {
            decision(d);
            return;
        }
        if (!extended) {
            ok(250, null, config.hostname());
            return;
        }
        List<String> lines = new ArrayList<>();
        lines.add(config.hostname());
        lines.add("PIPELINING");
        long size = config.engine().advertisedMaxSize();
        if (size < Long.MAX_VALUE) lines.add("SIZE " + size);
        Set<String> ds = relay.knownExtensions();
        if (ds != null && ds.contains("8BITMIME")) lines.add("8BITMIME");
        if (ds != null && ds.contains("DSN")) lines.add("DSN");
        if (smtp.enhancedStatusCodes()) lines.add("ENHANCEDSTATUSCODES");
        if (config.settings().tls() != null && policy.facts().client().tls() == null) lines.add(SmtpVerbs.STARTTLS);
        if (ds != null && ds.contains("SMTPUTF8")) lines.add("SMTPUTF8");
        lines.add("CHUNKING");
        transport.send(new Reply(250, null, lines).wire(false));
    }

    private void mail(String arg) throws IOException {
        if (message != null && message.chunked) {
            error(503, "5.5.1", "Error: MAIL after BDAT");
            return;
        }
        if (sender != null) {
            error(503, "5.5.1", "Error: nested MAIL command");
            return;
        }
        PathParser.Parsed p = PathParser.parse(arg, "FROM", true, true);
        if (p.error() != null) {
            decision(policy.refuse(Stage.MAIL, Verdict.reject(Code.BAD_SENDER_SYNTAX, Map.of("reason", p.error())),
                    "syntax"));
            return;
        }
        long size = 0;
        List<String> forward = new ArrayList<>();
        Set<String> ds = relay.knownExtensions();
        boolean utf8 = false;
        for (Map.Entry<String, String> e : p.params().entrySet()) {
            String k = e.getKey();
            String v = e.getValue();
            switch (k) {
                case "SIZE" -> {
                    if (v == null || !v.matches("\\d{1,30}")) {
                        error(501, "5.5.4", "Bad SIZE parameter");
                        return;
                    }
                    size = v.length() > 18 ? Long.MAX_VALUE : Long.parseLong(v);
                    forward.add("SIZE=" + v);
                }
                case "BODY" -> {
                    String body = v == null ? "" : v.toUpperCase(Locale.ROOT);
                    if (!body.equals("7BIT") && !(body.equals("8BITMIME") && ds != null && ds.contains("8BITMIME"))) {
                        error(555, "5.5.4", "Unsupported BODY parameter");
                        return;
                    }
                    forward.add("BODY=" + body);
                }
                case "SMTPUTF8" -> {
                    if (v != null || ds == null || !ds.contains("SMTPUTF8")) {
                        error(555, "5.5.4", "Unsupported SMTPUTF8 parameter");
                        return;
                    }
                    utf8 = true;
                    forward.add("SMTPUTF8");
                }
                case "RET" -> {
                    if (!offers(ds, "DSN")) {
                        error(555, "5.5.4", "Unsupported option: " + k);
                        return;
                    }
                    if (v == null || !v.equalsIgnoreCase("FULL") && !v.equalsIgnoreCase("HDRS")) {
                        error(501, "5.5.4", "Bad RET parameter: expected RET=FULL or RET=HDRS");
                        return;
                    }
                    forward.add("RET=" + v);
                }
                case "ENVID" -> {
                    if (!offers(ds, "DSN")) {
                        error(555, "5.5.4", "Unsupported option: " + k);
                        return;
                    }
                    if (v == null || v.isEmpty() || v.length() > 100 || !Xtext.valid(v, false)) {
                        error(501, "5.5.4", "Bad ENVID parameter: expected xtext of 1 to 100 characters");
                        return;
                    }
                    forward.add("ENVID=" + v);
                }
                default -> {
                    error(555, "5.5.4", "Unsupported option: " + k);
                    return;
                }
            }
        }
        if (!utf8 && !ascii(p.mailbox().address())) {
            decision(policy.refuse(Stage.MAIL, Verdict.reject(Code.BAD_SENDER_SYNTAX,
                    Map.of("reason", PathParser.NEEDS_SMTPUTF8)), "syntax"));
            return;
        }
        Decision d = policy.mail(p.mailbox(), size);
        if (!d.proceed()) {
            decision(d);
            return;
        }
        sender = p.mailbox();
        smtputf8 = utf8;
        chunkRefused = false;
        acceptedRecipients = 0;
        downstream = relay.open(policy.facts().client(), helo, esmtp);
        downstream.mail(sender.address(), forward);
        ok(250, "2.1.0", "Ok");
    }

    private void rcpt(String arg) throws IOException {
        if (message != null && message.chunked) {
            error(503, "5.5.1", "Error: RCPT after BDAT");
            return;
        }
        if (sender == null) {
            error(503, "5.5.1", "Error: need MAIL command");
            return;
        }
        PathParser.Parsed p = PathParser.parse(arg, "TO", false, smtputf8);
        if (p.error() != null) {
            decision(policy.refuse(Stage.RCPT, Verdict.reject(Code.BAD_RECIPIENT_SYNTAX, Map.of("reason", p.error())),
                    "syntax"));
            return;
        }
        List<String> forward = new ArrayList<>(2);
        Set<String> ds = relay.knownExtensions();
        for (Map.Entry<String, String> e : p.params().entrySet()) {
            String k = e.getKey();
            String v = e.getValue();
            if (!(k.equals("NOTIFY") || k.equals("ORCPT")) || !offers(ds, "DSN")) {
                error(555, "5.5.4", "Unsupported option: " + k);
                return;
            }
            if (k.equals("NOTIFY") && !validNotify(v)) {
                error(501, "5.5.4", "Bad NOTIFY parameter: expected NEVER, or SUCCESS, FAILURE and DELAY joined by commas");
                return;
            }
            if (k.equals("ORCPT") && !validOrcpt(v, smtputf8)) {
                error(501, "5.5.4", "Bad ORCPT parameter: expected addr-type;xtext, as in ORCPT=rfc822;bob@example.com");
                return;
            }
            forward.add(k + "=" + v);
        }
        Mailbox r = p.mailbox();
        Decision d = policy.rcpt(r);
        if (!d.proceed()) {
            decision(d);
            return;
        }
        DownstreamReply dr;
        try {
            dr = downstream.rcpt(r.address(), forward);
        } catch (DownstreamException e) {
            downstreamFailed(Stage.RCPT, e);
            return;
        }
        if (!dr.positive()) {
            decision(downstreamRefusal(Stage.RCPT, dr, r));
            return;
        }
        policy.recipientAccepted(r);
        acceptedRecipients++;
        ok(250, "2.1.5", "Ok");
    }

    /** The downstream is down, stalled or gone: drop its connection and tell the client to retry (451 4.4.1). */
    private void downstreamFailed(Stage stage, DownstreamException e) throws IOException {
        if (stage == Stage.END_OF_DATA) meters.transaction(451, 0);
        LOG.warn("downstream failed at {} for {}: {}", stage, policy.facts().client().logName(), e.getMessage());
        downstream.stop();
        decision(policy.refuse(stage, Verdict.defer(Code.DOWNSTREAM_UNAVAILABLE, Map.of()), "downstream"));
    }

    /**
     * Renders a downstream refusal in our style, keeping its codes. An unknown recipient (5.1.1) reads
     * as XM-RJCT02 when Postfix names a virtual table ("User unknown in virtual mailbox table", "...
     * virtual alias table"), else as XM-RJCT01 ("User unknown in local recipient table", "... relay
     * recipient table"); other refusals as XM-RJCT43 (5xx) or 58 (4xx).
     */
    private Decision downstreamRefusal(Stage stage, DownstreamReply dr, Mailbox r) {
        String enhanced = dr.enhanced() != null ? dr.enhanced() : (dr.code() >= 500 ? "5.0.0" : "4.0.0");
        Code code;
        if (r != null && dr.code() >= 500 && "5.1.1".equals(dr.enhanced())) {
            code = POSTFIX_VIRTUAL_UNKNOWN.matcher(dr.text()).find() ? Code.INVALID_VIRTUAL_RECIPIENT : Code.INVALID_USERNAME;
        } else {
            code = dr.code() >= 500 ? Code.DOWNSTREAM_REJECTED : Code.DOWNSTREAM_DEFERRED;
        }
        Map<String, String> vars = Map.of("downstream", dr.text(), "recipient", r == null ? "" : r.address());
        Verdict v = dr.code() >= 500 ? new Verdict.Reject(code, vars) : new Verdict.Defer(code, vars);
        // A downstream 421 closes the downstream connection, not the client's: the client hears 451.
        int smtpCode = dr.code() == 421 ? 451 : dr.code();
        Reply reply = config.engine().catalogue().render(code, smtpCode, enhanced, vars, policy.facts().client().ip(),
                config.hostname());
        policy.refuse(stage, v, "downstream");
        return new Decision(v, "downstream", reply);
    }

    // ---- DATA ---------------------------------------------------------------------------------

    private void data(String arg) throws IOException {
        if (!arg.isBlank()) {
            error(501, "5.5.4", "Syntax: DATA");
            return;
        }
        if (message != null && message.chunked) {
            error(503, "5.5.1", "Error: DATA after BDAT");
            return;
        }
        if (sender == null) {
            error(503, "5.5.1", "Error: need MAIL command");
            return;
        }
        if (acceptedRecipients == 0) {
            error(554, "5.5.1", "Error: no valid recipients");
            return;
        }
        try {
            // The downstream's answer to DATA is collected before the first data goes out; a refusal
            // there is the client's answer at the end of its message.
            downstream.startData();
        } catch (DownstreamException e) {
            downstreamFailed(Stage.END_OF_DATA, e);
            endTransaction();
            return;
        }
        deadline = System.nanoTime() + smtp.dataTimeout().toNanos();
        policy.openMessage();
        message = new Message(false);
        if (smtp.receivedHeader()) message.prepend(receivedHeader());
        transport.send("354 End data with <CR><LF>.<CR><LF>");
    }

    // ---- BDAT (RFC 3030) ------------------------------------------------------------------------

    /**
     * BDAT count [LAST]. The chunk's bytes follow the command line at once, so they are read even
     * when the command is refused (then thrown away, and the refusal sent after them): a refused BDAT
     * never turns message bytes into commands. Only a count that cannot be read leaves the bytes to
     * the command loop (as in Postfix: 501 5.5.4, the session goes on). The message goes downstream
     * as DATA; each chunk but the last gets 250 once read, LAST gets the downstream's answer.
     */
    private void bdat(String arg) throws IOException {
        long n = bdatCount(arg);
        if (n < 0) {
            error(501, "5.5.4", "Syntax: BDAT count [LAST]");
            return;
        }
        boolean last = arg.trim().split(" +").length == 2;
        if (message == null) {
            Answer refusal = null;
            if (chunkRefused) {
                // pipelined after a refused chunk: the client could not know yet; not counted again
                refusal = () -> ok(503, "5.5.1", "Error: the message was refused at an earlier chunk; send MAIL to start again");
            } else if (sender == null) {
                refusal = () -> error(503, "5.5.1", "Error: need MAIL command");
            } else if (acceptedRecipients == 0) {
                refusal = () -> error(554, "5.5.1", "Error: no valid recipients");
            } else {
                try {
                    downstream.startData();
                } catch (DownstreamException e) {
                    refusal = () -> {
                        downstreamFailed(Stage.END_OF_DATA, e);
                        endTransaction();
                    };
                }
            }
            if (refusal != null) {
                discard(n, refusal);
                return;
            }
            policy.openMessage();
            message = new Message(true);
            if (smtp.receivedHeader()) message.prepend(receivedHeader());
        }
        chunkSize = n;
        chunkLast = last;
        if (n == 0) {
            endOfChunk();
            return;
        }
        chunkLeft = n;
        deadline = System.nanoTime() + smtp.dataTimeout().toNanos();
    }

    /** The count of "BDAT count [LAST]", or -1 when the argument is not that. */
    private static long bdatCount(String arg) {
        String[] a = arg.trim().split(" +");
        if (arg.isBlank() || a.length > 2 || !a[0].matches("\\d{1,18}") || a.length == 2 && !a[1].equalsIgnoreCase("LAST")) {
            return -1;
        }
        return Long.parseLong(a[0]);
    }

    /** Reads a refused BDAT's chunk and throws it away; the answer goes out after its last byte. */
    private void discard(long n, Answer answer) throws IOException {
        if (n == 0) {
            answer.send();
            return;
        }
        discardAnswer = answer;
        chunkLeft = n;
        deadline = System.nanoTime() + smtp.dataTimeout().toNanos();
    }

    /** The chunk's bytes are all read: 250 for it, the message's answer after LAST, or the message's refusal. */
    private void endOfChunk() throws IOException {
        Message m = message;
        if (!chunkLast) {
            Decision early = m.refusal();
            if (early == null) {
                ok(250, "2.0.0", "Ok: " + chunkSize + " bytes");
                return;
            }
            downstream.stop();
            meters.transaction(early.reply().code(), m.bytes);
            chunkRefused = true;
            decision(early);
            endTransaction();
            return;
        }
        m.reader.finish(m);
        message = null;
        finishData(m);
    }

    /**
     * Message bytes after 354, as they arrive. Returns how many were taken: all of them, or, when
     * they complete the message (CRLF.CRLF), those up to and including the terminator; the rest are
     * commands again (pipelined after the dot).
     */
    public int data(byte[] buf, int off, int len) throws IOException {
        if (chunkLeft >= 0) return chunk(buf, off, len);
        Message m = message;
        if (m == null) throw new IllegalStateException("not in DATA");
        int end = m.reader.feed(buf, off, len, m);
        if (end < 0) return len;
        message = null;
        finishData(m);
        armCommandDeadline();
        return end - off;
    }

    /** BDAT chunk bytes: takes at most what is left of the chunk; the rest is commands again. */
    private int chunk(byte[] buf, int off, int len) throws IOException {
        int take = (int) Math.min(len, chunkLeft);
        if (discardAnswer == null) message.reader.feed(buf, off, take, message);
        chunkLeft -= take;
        if (chunkLeft > 0) return take;
        chunkLeft = -1;
        Answer a = discardAnswer;
        discardAnswer = null;
        if (a != null) a.send();
        else endOfChunk();
        if (!closed) armCommandDeadline();
        return take;
    }

    /**
     * The client hung up (or shut down its sending side) in DATA or in a BDAT chunk: nothing is
     * relayed and nobody is left to answer.
     */
    public void clientGone() {
        if (message == null && chunkLeft < 0) return;
        chunkLeft = -1;
        discardAnswer = null;
        LOG.info("client {} closed the connection during {}", policy.facts().client().logName(),
                message != null && message.chunked ? "BDAT" : "DATA");
        if (message != null) downstream.stop();
        message = null;
        endTransaction();
        close();
    }

    private void finishData(Message m) throws IOException {
        Decision d;
        if (m.reader.sawBareNewline() && smtp.bareNewline() == Settings.BareNewline.REJECT) {
            d = policy.refuse(Stage.END_OF_DATA, Verdict.reject(Code.BARE_NEWLINE, Map.of()), "bare-newline");
        } else {
            d = m.headerDecision != null ? m.headerDecision : policy.headers(m.headers.section());
            if (d.proceed()) d = policy.endOfData(m.bytes);
        }
        if (!d.proceed()) {
            downstream.stop();
            meters.transaction(d.reply().code(), m.bytes);
            if (m.chunked) chunkRefused = true;
            decision(d);
            endTransaction();
            return;
        }
        if (!m.release()) {
            downstream.stop();
            decision(policy.refuse(Stage.END_OF_DATA, Verdict.defer(Code.INTERNAL, Map.of()), "held-message"));
            endTransaction();
            return;
        }
        DownstreamReply dr;
        try {
            dr = downstream.finish();
        } catch (DownstreamException e) {
            downstreamFailed(Stage.END_OF_DATA, e);
            endTransaction();
            return;
        }
        if (dr.code() == 354) throw new IllegalStateException("finish() returned 354");
        meters.transaction(dr.code() == 250 ? 250 : dr.code() == 421 ? 451 : dr.code(), m.bytes);
        if (dr.code() == 250) {
            errors = 0; // forgiven, as Postfix does after each delivered message
            downstream.completed();
            accepted(m.bytes, dr);
            send(new Reply(250, dr.enhanced() != null ? dr.enhanced() : "2.0.0", dr.lines()));
        } else {
            if (m.chunked) chunkRefused = true;
            decision(downstreamRefusal(Stage.END_OF_DATA, dr, null));
        }
        endTransaction();
    }

    /** A message was accepted downstream: one decision log line. */
    private void accepted(long bytes, DownstreamReply dr) {
        Reply r = new Reply(dr.code(), dr.enhanced(), List.of(dr.text()));
        policy.engine().decisionLog().accepted("END-OF-MESSAGE", policy.facts(), r,
                " size=" + bytes + " nrcpt=" + policy.recipients().size());
    }

    /** One message in DATA or BDAT: reads it, collects headers, counts bytes, hands it to the checks and the downstream. */
    private final class Message implements DataReader.LineSink {
        final boolean chunked;
        final DataReader reader;
        final HeaderCollector headers = new HeaderCollector(HEADER_COLLECT_LIMIT);
        final long limit = policy.maxMessageBytes();
        final boolean readers = policy.readsMessage();
        long bytes;
        Decision headerDecision;
        boolean forwarding = true;

        /** Drops the incoming header fields a check asked to remove (forged Authentication-Results). */
        final HeaderStripper stripper;

        Message(boolean chunked) {
            this.chunked = chunked;
            this.reader = new DataReader(smtp.bareNewline() == Settings.BareNewline.NORMALIZE, chunked);
            releaseHeld();
            if (AddedHeader.takeExpectedAtEnd(policy.facts().state())) held = new HeldMessage();
            this.stripper = new HeaderStripper(HeaderRemoval.of(policy.facts().state()), this::send);
        }

        /** Onward: to the downstream as it comes, or into the held copy. */
        private void send(byte[] buf, int len, boolean complete, boolean continued) {
            if (!forwarding) return;
            if (held != null) held.line(buf, len, complete);
            else forwarding = downstream.line(buf, len, complete, continued);
        }

        /**
         * The message passed the checks: the headers they added go first, then the held message (or
         * the rest of a streamed one). False when the held copy is lost (spool I/O error).
         */
        boolean release() {
            stripper.finish();
            List<AddedHeader> added = AddedHeader.take(policy.facts().state());
            if (held == null) {
                if (!added.isEmpty()) LOG.debug("{} header(s) added at end of message not passed on: the message was not held", added.size());
                return true;
            }
            if (held.failure() != null) {
                LOG.error("holding a message for {} failed: {}", policy.facts().client().logName(), held.failure().getMessage());
                return false;
            }
            for (AddedHeader h : added) {
                for (String l : (h.name() + ": " + h.value()).split("\r\n")) {
                    byte[] b = l.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    if (forwarding) forwarding = downstream.line(b, b.length, true, false);
                }
            }
            try {
                held.replay((buf, len, complete, continued) -> forwarding = forwarding && downstream.line(buf, len, complete, continued));
            } catch (IOException e) {
                LOG.error("replaying a held message for {} failed: {}", policy.facts().client().logName(), e.getMessage());
                return false;
            }
            return true;
        }

        /** A refusal known before the end of the message (bare CR/LF, the headers, the size), or null. */
        Decision refusal() {
            if (reader.sawBareNewline() && smtp.bareNewline() == Settings.BareNewline.REJECT) {
                return policy.refuse(Stage.END_OF_DATA, Verdict.reject(Code.BARE_NEWLINE, Map.of()), "bare-newline");
            }
            if (headerDecision != null && !headerDecision.proceed()) return headerDecision;
            if (bytes > limit) {
                return policy.refuse(Stage.END_OF_DATA, Verdict.reject(Code.MESSAGE_TOO_LARGE,
                        Map.of("limit", Long.toString(limit))), "message-size");
            }
            return null;
        }

        /**
         * Lines of our own put before the client's message (the Received header): the checks and the
         * downstream see them as part of the message (they count toward the hop limit); the size
         * limit counts only the client's bytes.
         */
        void prepend(String header) {
            for (String l : header.split("\r\n")) {
                byte[] b = l.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                if (!headers.done() && headers.line(b, b.length, true, false)) headerDecision = policy.headers(headers.section());
                if (readers) {
                    policy.messageBytes(b, 0, b.length);
                    policy.messageBytes(CRLF, 0, 2);
                }
                send(b, b.length, true, false);
            }
        }

        @Override
        public void line(byte[] buf, int len, boolean complete, boolean continued) {
            bytes += len + (complete ? 2 : 0);
            if (!headers.done() && headers.line(buf, len, complete, continued)) {
                headerDecision = policy.headers(headers.section());
            }
            if (readers && bytes <= limit) {
                policy.messageBytes(buf, 0, len);
                if (complete) policy.messageBytes(CRLF, 0, 2);
            }
            if (!forwarding) return;
            if (bytes > limit || reader.sawBareNewline() && smtp.bareNewline() == Settings.BareNewline.REJECT
                    || headerDecision != null && !headerDecision.proceed()) {
                // refused whatever the downstream says: nothing more goes out, nothing is delivered
                forwarding = false;
                downstream.stop();
                return;
            }
            stripper.line(buf, len, complete, continued);
        }
    }

    // ---- the rest -----------------------------------------------------------------------------

    private void quit() throws IOException {
        ok(221, "2.0.0", "Bye");
        close();
    }

    private void rset() throws IOException {
        endTransaction();
        chunkRefused = false;
        ok(250, "2.0.0", "Ok");
    }

    private void xclient(String arg) throws IOException {
        if (!config.settings().trustedProxies().contains(transport.realRemote())) {
            decision(policy.refuse(Stage.CONNECT, Verdict.reject(Code.PROXY_NOT_ALLOWED,
                    Map.of("command", SmtpVerbs.XCLIENT)), "xclient"));
            return;
        }
        if (sender != null) {
            error(503, "5.5.1", "Error: MAIL transaction in progress");
            return;
        }
        InetAddress addr = clientAddress();
        int port = policy.facts().client().port();
        String newHelo = null;
        for (String attr : arg.trim().split(" +")) {
            int eq = attr.indexOf('=');
            if (eq < 0) {
                error(501, "5.5.4", "Bad XCLIENT attribute: " + attr);
                return;
            }
            String k = attr.substring(0, eq).toUpperCase(Locale.ROOT);
            String v = Xtext.decode(attr.substring(eq + 1));
            boolean unavailable = v.equalsIgnoreCase("[UNAVAILABLE]") || v.equalsIgnoreCase("[TEMPUNAVAIL]");
            switch (k) {
                case "ADDR" -> {
                    if (unavailable) break;
                    String a = v.regionMatches(true, 0, "IPV6:", 0, 5) ? v.substring(5) : v;
                    if (!a.matches("[0-9a-fA-F:.]+")) {
                        error(501, "5.5.4", "Bad XCLIENT address");
                        return;
                    }
                    addr = InetAddress.getByName(a);
                }
                case "PORT" -> {
                    if (!unavailable && v.matches("\\d{1,5}")) port = Integer.parseInt(v);
                }
                case "HELO" -> newHelo = unavailable ? null : v;
                case "NAME", "PROTO", "LOGIN", "DESTADDR", "DESTPORT" -> { }
                default -> {
                    error(501, "5.5.4", "Bad XCLIENT attribute name: " + k);
                    return;
                }
            }
        }
        int count = counts.move(clientAddress(), addr);
        helo = newHelo;
        esmtp = false;
        Decision d = policy.changeClient(addr, port, newHelo, count);
        if (!d.proceed()) {
            decision(d);
            return;
        }
        transport.send(greeting());
    }

    /** With tls.security-level encrypt, before STARTTLS: true for every verb but the few RFC 3207 lets through. */
    private boolean tlsRequiredFirst(String verb) {
        return config.settings().tls() != null && config.settings().tls().level() == TlsSettings.SecurityLevel.ENCRYPT
                && policy.facts().client().tls() == null && !SmtpVerbs.BEFORE_STARTTLS.contains(verb);
    }

    private void starttls(String arg) throws IOException {
        ServerTls tls = config.settings().tls();
        if (tls == null) {
            error(502, "5.5.1", "Error: STARTTLS not implemented");
            return;
        }
        if (!arg.isBlank()) {
            error(501, "5.5.4", "Syntax: STARTTLS");
            return;
        }
        if (policy.facts().client().tls() != null) {
            error(554, "5.5.1", "Error: TLS already active");
            return;
        }
        if (sender != null) {
            error(503, "5.5.1", "Error: MAIL transaction in progress");
            return;
        }
        transport.send("220 2.0.0 Ready to start TLS");
        TlsInfo info;
        try {
            info = transport.startTls(tls);
        } catch (IOException e) {
            meters.tlsHandshake(null, null, false);
            LOG.info("TLS handshake with {} failed: {}", policy.facts().client().logName(), e.getMessage());
            close();
            return;
        }
        meters.tlsHandshake(info.protocol(), info.cipher(), true);
        // RFC 3207 4.2: forget what the client said in clear; it must say EHLO again.
        helo = null;
        esmtp = false;
        endTransaction();
        policy.tlsStarted(info);
    }

    /** The trace line mxfront adds to every message it relays (RFC 5321 4.4), in Postfix's shape. */
    private String receivedHeader() {
        var client = policy.facts().client();
        TlsInfo tls = client.tls();
        String addr = client.address() instanceof java.net.Inet6Address ? "IPv6:" + client.ip() : client.ip();
        String proto = (smtputf8 ? "UTF8SMTP" : esmtp ? "ESMTP" : "SMTP") + (tls != null ? "S" : "");
        StringBuilder h = new StringBuilder(256);
        h.append("Received: from ").append(helo == null ? "unknown" : helo)
                .append(" (").append(client.reverseName() == null ? "unknown" : client.reverseName())
                .append(" [").append(addr).append("])");
        if (tls != null) {
            h.append("\r\n\t(using ").append(tls.protocol()).append(" with cipher ").append(tls.cipher());
            if (tls.bits() > 0) h.append(" (").append(tls.bits()).append('/').append(tls.bits()).append(" bits)");
            h.append(')');
        }
        h.append("\r\n\tby ").append(config.hostname()).append(" (mxfront) with ").append(proto)
                .append(" id ").append(policy.facts().state().id());
        List<Mailbox> rcpts = policy.recipients();
        if (rcpts.size() == 1) h.append("\r\n\tfor <").append(rcpts.get(0).address()).append('>');
        h.append("; ").append(RECEIVED_DATE.format(java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC)))
                .append(" (UTC)");
        return h.toString();
    }

    private static final java.time.format.DateTimeFormatter RECEIVED_DATE =
            java.time.format.DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.US);

    /** A PROXY header arriving as a command: the client is not a trusted proxy (trusted ones were handled first). */
    private void proxy() throws IOException {
        decision(policy.refuse(Stage.CONNECT, new Verdict.Disconnect(Code.PROXY_NOT_ALLOWED,
                Map.of("command", SmtpVerbs.PROXY)), "proxy"));
    }

    /** Deadline passed: tell the client and close. Called from the door's sweeper, on a thread of its own. */
    public void timeout() {
        try {
            send(policy.refuse(Stage.CONNECT, new Verdict.Disconnect(Code.TIMEOUT, Map.of()), "timeout").reply());
        } catch (IOException | RuntimeException e) {
            // the client may be gone already
        }
        close();
    }

    /** True when replies carry RFC 3463 codes. */
    boolean enhancedCodes() {
        return smtp.enhancedStatusCodes();
    }

    /** Ends the current transaction, giving its downstream connection back. */
    public void endTransaction() {
        releaseHeld();
        if (downstream != null) downstream.close();
        downstream = null;
        sender = null;
        acceptedRecipients = 0;
        smtputf8 = false;
        message = null;
        policy.resetTransaction();
    }

    private static boolean offers(Set<String> downstreamExtensions, String extension) {
        return downstreamExtensions != null && downstreamExtensions.contains(extension);
    }

    /** RFC 3461 4.1: NEVER alone, or one or more of SUCCESS, FAILURE, DELAY (any case, each once). */
    static boolean validNotify(String v) {
        if (v == null || v.isEmpty()) return false;
        if (v.equalsIgnoreCase("NEVER")) return true;
        Set<String> seen = new java.util.HashSet<>();
        for (String t : v.split(",", -1)) {
            String u = t.toUpperCase(Locale.ROOT);
            if (!(u.equals("SUCCESS") || u.equals("FAILURE") || u.equals("DELAY")) || !seen.add(u)) return false;
        }
        return true;
    }

    /**
     * RFC 3461 4.2: addr-type ";" xtext, at most 500 characters; with SMTPUTF8 the address may also
     * carry UTF-8 as it is (RFC 6533's utf-8-addr-unitext).
     */
    static boolean validOrcpt(String v, boolean utf8) {
        if (v == null || v.length() > 500) return false;
        int semi = v.indexOf(';');
        if (semi <= 0 || semi == v.length() - 1) return false;
        return v.substring(0, semi).matches("[A-Za-z0-9][A-Za-z0-9-]*") && Xtext.valid(v.substring(semi + 1), utf8);
    }

    private static boolean ascii(String s) {
        for (int i = 0; i < s.length(); i++) if (s.charAt(i) >= 0x80) return false;
        return true;
    }
}
