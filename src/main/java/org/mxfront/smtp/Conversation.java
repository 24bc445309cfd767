// The SMTP protocol for one inbound connection: parses commands, asks the policy engine at each
// stage, relays what passes to the downstream, and answers. SubEtha SMTP owns the socket, the
// thread (one virtual thread per connection) and the command loop; this class owns everything the
// client hears. No 250 for DATA is sent before the downstream said 250 for that message.
package org.mxfront.smtp;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.mxfront.address.PathParser;
import org.mxfront.address.Xtext;
import org.mxfront.codes.Code;
import org.mxfront.codes.Reply;
import org.mxfront.config.DaemonConfig;
import org.mxfront.config.Settings;
import org.mxfront.policy.Decision;
import org.mxfront.policy.HeaderCollector;
import org.mxfront.policy.Mailbox;
import org.mxfront.policy.PolicySession;
import org.mxfront.policy.Stage;
import org.mxfront.policy.Verdict;
import org.mxfront.relay.ClientIdentity;
import org.mxfront.relay.DownstreamException;
import org.mxfront.relay.DownstreamRelay;
import org.mxfront.relay.DownstreamReply;
import org.mxfront.relay.DownstreamTransaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subethamail.smtp.server.Session;

/** One connection's protocol state. Driven by its session's thread only (the deadline sweeper only closes it). */
final class Conversation {
    private static final Logger LOG = LoggerFactory.getLogger(Conversation.class);
    private static final int HEADER_COLLECT_LIMIT = 256 * 1024;
    private static final int FORWARD_CHUNK = 16 * 1024;
    private static final byte[] CRLF = {'\r', '\n'};

    private final SmtpFrontDoor door;
    private final Session session;
    private final DaemonConfig config;
    private final PolicySession policy;
    private InetAddress clientAddress;
    private int clientPort;
    private String helo;
    private boolean esmtp;
    private int errors;
    volatile long deadline;
    volatile boolean timedOut;
    volatile long forceCloseAt;
    volatile boolean forceClosed;

    // The current transaction
    private Mailbox sender;
    private boolean smtputf8;
    private DownstreamTransaction downstream;
    private int acceptedRecipients;

    Conversation(SmtpFrontDoor door, Session session, DaemonConfig config, InetAddress address, int port,
            int connectionsFromAddress) {
        this.door = door;
        this.session = session;
        this.config = config;
        this.clientAddress = address;
        this.clientPort = port;
        this.policy = config.engine().newSession(address, port, connectionsFromAddress);
        armCommandDeadline();
    }

    InetAddress clientAddress() { return clientAddress; }
    Session session() { return session; }

    private Settings.SmtpSettings server() { return config.settings().smtp(); }

    void armCommandDeadline() {
        deadline = System.nanoTime() + server().commandTimeout().toNanos();
    }

    /** Refusal at connect made by the front door itself (server full, shutting down). */
    Decision refuse(Code code, String reason) {
        return policy.refuse(Stage.CONNECT, new Verdict.Disconnect(code, Map.of()), reason);
    }

    /** True between MAIL and the end of the transaction. */
    boolean inTransaction() {
        return sender != null;
    }

    /** CONNECT stage; the reply to send instead of the greeting, or null to greet. */
    Decision connect() {
        Decision d = policy.connect(pause -> session.getSocket() instanceof StockReplies.FilteredSocket fs
                && fs.talkedWithin(pause));
        return d.proceed() ? null : d;
    }

    // ---- replies ------------------------------------------------------------------------------

    void send(Reply r) throws IOException {
        session.sendResponse(r.wire(server().enhancedStatusCodes()));
    }

    private void ok(int code, String enhanced, String text) throws IOException {
        send(Reply.of(code, enhanced, text));
    }

    /** A protocol error of the client's: counts toward max-errors. */
    private void error(int code, String enhanced, String text) throws IOException {
        send(Reply.of(code, enhanced, text));
        countError();
    }

    private void countError() throws IOException {
        if (++errors >= server().maxErrors()) {
            Decision d = policy.refuse(Stage.RCPT, new Verdict.Disconnect(Code.TOO_MANY_ERRORS, Map.of()), "protocol");
            send(d.reply());
            session.quit();
        }
    }

    /** Sends a policy decision; closes the connection when it says so. */
    private void decision(Decision d) throws IOException {
        send(d.reply());
        if (d.disconnect()) {
            session.quit();
            return;
        }
        Code c = d.verdict().code();
        if (c != Code.TOO_MANY_RECIPIENTS && c != Code.MIXED_CONTENT_POLICY) countError();
    }

    // ---- commands -----------------------------------------------------------------------------

    void helo(String arg, boolean extended) throws IOException {
        String name = arg.trim();
        if (name.isEmpty()) {
            error(501, "5.5.4", "Syntax: " + (extended ? "EHLO" : "HELO") + " hostname");
            return;
        }
        if (name.indexOf(' ') >= 0) name = name.substring(0, name.indexOf(' '));
        endTransaction();
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
        Set<String> ds = door.relay().knownExtensions();
        if (ds != null && ds.contains("8BITMIME")) lines.add("8BITMIME");
        if (server().enhancedStatusCodes()) lines.add("ENHANCEDSTATUSCODES");
        if (ds != null && ds.contains("SMTPUTF8")) lines.add("SMTPUTF8");
        session.sendResponse(new Reply(250, null, lines).wire(false));
    }

    void mail(String arg) throws IOException {
        if (sender != null) {
            error(503, "5.5.1", "Error: nested MAIL command");
            return;
        }
        PathParser.Parsed p = PathParser.parse(arg, "FROM", true, true);
        if (p.error() != null) {
            Decision d = policy.refuse(Stage.MAIL, Verdict.reject(Code.BAD_SENDER_SYNTAX, Map.of("reason", p.error())), "syntax");
            decision(d);
            return;
        }
        long size = 0;
        List<String> forward = new ArrayList<>();
        Set<String> ds = door.relay().knownExtensions();
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
                default -> {
                    error(555, "5.5.4", "Unsupported option: " + k);
                    return;
                }
            }
        }
        if (!utf8 && !ascii(p.mailbox().address())) {
            decision(policy.refuse(Stage.MAIL, Verdict.reject(Code.BAD_SENDER_SYNTAX,
                    Map.of("reason", "non-ASCII address without SMTPUTF8")), "syntax"));
            return;
        }
        Decision d = policy.mail(p.mailbox(), size);
        if (!d.proceed()) {
            decision(d);
            return;
        }
        sender = p.mailbox();
        smtputf8 = utf8;
        acceptedRecipients = 0;
        downstream = door.relay().transaction(new ClientIdentity(clientAddress, clientPort,
                policy.facts().client().reverseName(), helo, esmtp));
        downstream.mail(sender.address(), forward);
        ok(250, "2.1.0", "Ok");
    }

    void rcpt(String arg) throws IOException {
        if (sender == null) {
            error(503, "5.5.1", "Error: need MAIL command");
            return;
        }
        PathParser.Parsed p = PathParser.parse(arg, "TO", false, smtputf8);
        if (p.error() != null) {
            decision(policy.refuse(Stage.RCPT, Verdict.reject(Code.BAD_RECIPIENT_SYNTAX, Map.of("reason", p.error())), "syntax"));
            return;
        }
        if (!p.params().isEmpty()) {
            error(555, "5.5.4", "Unsupported option: " + p.params().keySet().iterator().next());
            return;
        }
        Mailbox r = p.mailbox();
        Decision d = policy.rcpt(r);
        if (!d.proceed()) {
            decision(d);
            return;
        }
        DownstreamReply dr;
        try {
            dr = downstream.rcpt(r.address());
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
        if (stage == Stage.END_OF_DATA) door.transactionEnded(451, 0);
        LOG.warn("downstream failed at {} for {}: {}", stage, policy.facts().client().logName(), e.getMessage());
        downstream.abort();
        decision(policy.refuse(stage, Verdict.defer(Code.DOWNSTREAM_UNAVAILABLE, Map.of()), "downstream"));
    }

    /** Renders a downstream refusal in our style, keeping its codes; 5.1.1 reads as XM-RJCT01. */
    private Decision downstreamRefusal(Stage stage, DownstreamReply dr, Mailbox r) {
        String enhanced = dr.enhanced() != null ? dr.enhanced() : (dr.code() >= 500 ? "5.0.0" : "4.0.0");
        Code code;
        if (r != null && dr.code() >= 500 && "5.1.1".equals(dr.enhanced())) code = Code.INVALID_USERNAME;
        else code = dr.code() >= 500 ? Code.DOWNSTREAM_REJECTED : Code.DOWNSTREAM_DEFERRED;
        Map<String, String> vars = Map.of("downstream", dr.text(), "recipient", r == null ? "" : r.address());
        Verdict v = dr.code() >= 500 ? new Verdict.Reject(code, vars) : new Verdict.Defer(code, vars);
        // A downstream 421 closes the downstream connection, not the client's: the client hears 451.
        int smtpCode = dr.code() == 421 ? 451 : dr.code();
        Reply reply = config.engine().catalogue().render(code, smtpCode, enhanced, vars, policy.facts().client().ip(),
                config.hostname());
        policy.refuse(stage, v, "downstream");
        return new Decision(v, "downstream", reply);
    }

    void data(String arg) throws IOException {
        if (!arg.isBlank()) {
            error(501, "5.5.4", "Syntax: DATA");
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
        deadline = System.nanoTime() + server().dataTimeout().toNanos();
        policy.openMessage();
        session.sendResponse("354 End data with <CR><LF>.<CR><LF>");
        Pump pump = new Pump();
        DataReader reader = new DataReader((java.io.BufferedInputStream) session.getRawInput(),
                server().bareNewline() == Settings.BareNewline.NORMALIZE);
        pump.reader = reader;
        try {
            reader.readAll(pump);
        } catch (IOException e) {
            pump.release();
            downstream.abort();
            if (!(e instanceof java.io.EOFException)) throw e;
            // The client hung up (or shut down its sending side) in DATA: nothing is relayed and nobody
            // is left to answer, so no stack trace and no stock 421, just the end of the session.
            LOG.info("client {} closed the connection during DATA", policy.facts().client().logName());
            endTransaction();
            session.quit();
            return;
        }
        finishData(pump, reader);
    }

    private void finishData(Pump pump, DataReader reader) throws IOException {
        Decision d;
        if (reader.sawBareNewline() && server().bareNewline() == Settings.BareNewline.REJECT) {
            d = policy.refuse(Stage.END_OF_DATA, Verdict.reject(Code.BARE_NEWLINE, Map.of()), "bare-newline");
        } else {
            d = pump.headerDecision != null ? pump.headerDecision : policy.headers(pump.headers.section());
            if (d.proceed()) d = policy.endOfData(pump.bytes);
        }
        if (!d.proceed()) {
            pump.release();
            downstream.abort();
            door.transactionEnded(d.reply().code(), pump.bytes);
            decision(d);
            endTransaction();
            return;
        }
        if (pump.failure == null && pump.refusal == null) pump.dataAccepted();
        if (pump.failure != null) {
            pump.release();
            downstreamFailed(Stage.END_OF_DATA, pump.failure);
            endTransaction();
            return;
        }
        if (pump.refusal != null) {
            pump.release();
            decision(downstreamRefusal(Stage.END_OF_DATA, pump.refusal, null));
            endTransaction();
            return;
        }
        DownstreamReply dr;
        try {
            ByteBuf last = pump.out != null ? pump.out : downstream.alloc().buffer(0);
            pump.out = null;
            dr = downstream.finish(last);
        } catch (DownstreamException e) {
            downstreamFailed(Stage.END_OF_DATA, e);
            endTransaction();
            return;
        }
        door.transactionEnded(dr.code() == 250 ? 250 : dr.code() == 421 ? 451 : dr.code(), pump.bytes);
        if (dr.code() == 250) {
            downstream.completed();
            door.accepted(policy, pump.bytes, dr);
            send(new Reply(250, dr.enhanced() != null ? dr.enhanced() : "2.0.0", dr.lines()));
        } else {
            decision(downstreamRefusal(Stage.END_OF_DATA, dr, null));
        }
        endTransaction();
    }

    /** Takes the un-stuffed lines: collects headers, counts bytes, forwards re-stuffed data downstream. */
    private final class Pump implements DataReader.LineSink {
        DataReader reader;
        long bytes;
        final HeaderCollector headers = new HeaderCollector(HEADER_COLLECT_LIMIT);
        Decision headerDecision;
        ByteBuf out;
        boolean forwarding = true;
        DownstreamException failure;
        DownstreamReply refusal;
        boolean downstreamReady;
        final long limit = policy.maxMessageBytes();
        final boolean readers = policy.readsMessage();

        @Override
        public void line(byte[] buf, int len, boolean complete, boolean continued) throws IOException {
            bytes += len + (complete ? 2 : 0);
            if (!headers.done()) header(buf, len, complete, continued);
            if (readers && bytes <= limit) {
                policy.messageBytes(buf, 0, len);
                if (complete) policy.messageBytes(CRLF, 0, 2);
            }
            if (!forwarding) return;
            if (bytes > limit || reader.sawBareNewline() && server().bareNewline() == Settings.BareNewline.REJECT
                    || headerDecision != null && !headerDecision.proceed()) {
                stopForwarding();
                return;
            }
            if (out == null) out = downstream.alloc().buffer(FORWARD_CHUNK + 1024);
            if (!continued && len > 0 && buf[0] == '.') out.writeByte('.');
            out.writeBytes(buf, 0, len);
            if (complete) out.writeByte('\r').writeByte('\n');
            if (out.readableBytes() >= FORWARD_CHUNK) {
                if (!dataAccepted()) return;
                ByteBuf chunk = out;
                out = null;
                try {
                    downstream.write(chunk);
                } catch (DownstreamException e) {
                    failure = e;
                    stopForwarding();
                }
            }
        }

        /**
         * Waits (once) for the downstream's 354. Anything else stops the forwarding: a refusal is
         * kept as the answer to the message, a failure becomes a 4xx.
         */
        boolean dataAccepted() {
            if (downstreamReady) return true;
            try {
                DownstreamReply r = downstream.dataReply();
                if (r.code() == 354) {
                    downstreamReady = true;
                    return true;
                }
                refusal = r;
            } catch (DownstreamException e) {
                failure = e;
            }
            stopForwarding();
            return false;
        }

        private void header(byte[] buf, int len, boolean complete, boolean continued) {
            if (headers.line(buf, len, complete, continued)) headerDecision = policy.headers(headers.section());
        }

        void stopForwarding() {
            forwarding = false;
            release();
            downstream.abort();
        }

        void release() {
            if (out != null) {
                out.release();
                out = null;
            }
        }
    }

    void noop() throws IOException {
        ok(250, "2.0.0", "Ok");
    }

    void quit() throws IOException {
        ok(221, "2.0.0", "Bye");
        session.quit();
    }

    void help() throws IOException {
        ok(214, "2.0.0", "See https://www.rfc-editor.org/rfc/rfc5321");
    }

    boolean enhancedCodes() {
        return server().enhancedStatusCodes();
    }

    /**
     * One of SubEtha's own error replies went out (unknown command and the like). Counts it; past
     * max-errors returns the 421 reply to append, after which the caller closes the connection.
     */
    String stockError() {
        if (++errors < server().maxErrors()) return null;
        Decision d = policy.refuse(Stage.RCPT, new Verdict.Disconnect(Code.TOO_MANY_ERRORS, Map.of()), "protocol");
        return d.reply().wire(server().enhancedStatusCodes()) + "\r\n";
    }

    void rset() throws IOException {
        endTransaction();
        ok(250, "2.0.0", "Ok");
    }

    void xclient(String arg) throws IOException {
        if (!config.trustedProxies().contains(realRemote())) {
            decision(policy.refuse(Stage.CONNECT, Verdict.reject(Code.PROXY_NOT_ALLOWED,
                    Map.of("command", "XCLIENT")), "xclient"));
            return;
        }
        if (sender != null) {
            error(503, "5.5.1", "Error: MAIL transaction in progress");
            return;
        }
        InetAddress addr = clientAddress;
        int port = clientPort;
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
        int count = door.moveClient(this, addr);
        clientAddress = addr;
        clientPort = port;
        helo = newHelo;
        esmtp = false;
        Decision d = policy.changeClient(addr, port, newHelo, count);
        if (!d.proceed()) {
            decision(d);
            return;
        }
        ok(220, null, config.hostname() + " ESMTP mxfront");
    }

    InetAddress realRemote() {
        return session.getRealRemoteAddress().getAddress();
    }

    /** A PROXY header arriving as a command: the client is not a trusted proxy (trusted ones were handled first). */
    void proxy() throws IOException {
        Decision d = policy.refuse(Stage.CONNECT, new Verdict.Disconnect(Code.PROXY_NOT_ALLOWED,
                Map.of("command", "PROXY")), "proxy");
        decision(d);
    }

    void notImplemented(String verb) throws IOException {
        error(502, "5.5.1", "Error: " + verb + " not implemented");
    }

    void vrfy() throws IOException {
        error(502, "5.5.1", "VRFY command is disabled");
    }

    /** Deadline passed: tell the client and close. Called by the sweeper thread. */
    void timeout() {
        try {
            Decision d = policy.refuse(Stage.CONNECT, new Verdict.Disconnect(Code.TIMEOUT, Map.of()), "timeout");
            send(d.reply());
        } catch (IOException | RuntimeException e) {
            // the client may be gone already
        }
        session.quit();
    }

    /** Closes the socket under the session's thread (the sweeper's last resort). */
    void forceClose() {
        try {
            session.getSocket().close();
        } catch (IOException | RuntimeException e) {
            // already closed
        }
    }

    /** Ends the current transaction, giving its downstream connection back. */
    void endTransaction() {
        if (downstream != null) downstream.close();
        downstream = null;
        sender = null;
        acceptedRecipients = 0;
        smtputf8 = false;
        policy.resetTransaction();
    }

    private static boolean ascii(String s) {
        for (int i = 0; i < s.length(); i++) if (s.charAt(i) >= 0x80) return false;
        return true;
    }
}
