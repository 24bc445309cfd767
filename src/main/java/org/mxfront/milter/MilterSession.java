// The milter door's state machine for one Postfix connection, socket-free: each decoded command goes
// in, the replies come out. It drives one PolicySession per SMTP client of Postfix (a new one after
// SMFIC_QUIT_NC), keeps the macros, resets the transaction on SMFIC_ABORT, and streams the message
// (headers as name/value pairs, then body chunks) into the engine's readers once, as the bytes Postfix
// received. Not thread-safe: the connection handler calls it from one task at a time.
package org.mxfront.milter;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.mxfront.address.PathParser;
import org.mxfront.codes.Reply;
import org.mxfront.mail.Mailbox;
import org.mxfront.mail.TlsInfo;
import org.mxfront.milter.MilterFault.Reason;
import org.mxfront.milter.MilterRequest.Abort;
import org.mxfront.milter.MilterRequest.Body;
import org.mxfront.milter.MilterRequest.Connect;
import org.mxfront.milter.MilterRequest.Data;
import org.mxfront.milter.MilterRequest.EndOfHeaders;
import org.mxfront.milter.MilterRequest.EndOfMessage;
import org.mxfront.milter.MilterRequest.Header;
import org.mxfront.milter.MilterRequest.Helo;
import org.mxfront.milter.MilterRequest.Macros;
import org.mxfront.milter.MilterRequest.Mail;
import org.mxfront.milter.MilterRequest.OptionNegotiation;
import org.mxfront.milter.MilterRequest.Quit;
import org.mxfront.milter.MilterRequest.QuitNewConnection;
import org.mxfront.milter.MilterRequest.Rcpt;
import org.mxfront.milter.MilterRequest.Unknown;
import org.mxfront.policy.AddedHeader;
import org.mxfront.policy.Decision;
import org.mxfront.policy.DecisionLog;
import org.mxfront.policy.HeaderCollector;
import org.mxfront.policy.HeaderRemoval;
import org.mxfront.policy.PolicyEngine;
import org.mxfront.policy.PolicySession;
import org.mxfront.policy.ReplacedHeader;
import org.mxfront.policy.Stage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One milter connection's conversation. */
public final class MilterSession implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MilterSession.class);
    private static final Logger DECISIONS = LoggerFactory.getLogger("mxfront.decision");
    private static final byte[] CRLF = {'\r', '\n'};
    /** Header bytes kept for the header checks (as the SMTP door); more is counted, not kept. */
    private static final int HEADER_COLLECT_LIMIT = 256 * 1024;

    /** The actions this door asks for: add headers (SMFIR_INSHEADER), and its own macro lists. */
    static final int ACTIONS = MilterProtocol.SMFIF_ADDHDRS | MilterProtocol.SMFIF_CHGHDRS | MilterProtocol.SMFIF_SETSYMLIST;
    /**
     * The steps this door asks to change: no UNKNOWN events, no reply to DATA, to each header, body
     * chunk or end of headers (the header checks' verdict is given at end of message, where Postfix
     * applies it anyway; Postfix then streams the message without a round trip per event), header
     * values with their leading space (the message is rebuilt exactly).
     */
    static final int PROTOCOL = MilterProtocol.SMFIP_NOUNKNOWN | MilterProtocol.SMFIP_NR_DATA
            | MilterProtocol.SMFIP_NR_HDR | MilterProtocol.SMFIP_NR_BODY | MilterProtocol.SMFIP_NR_EOH
            | MilterProtocol.SMFIP_HDR_LEADSPC;
    /**
     * With delay-reject the engine holds CONNECT and HELO refusals for RCPT: those events need no
     * reply either, two round trips less per connection. A Disconnect verdict there is given at MAIL.
     */
    static final int PROTOCOL_DELAYED = PROTOCOL | MilterProtocol.SMFIP_NR_CONN | MilterProtocol.SMFIP_NR_HELO;
    /** The macros asked for, per stage (Postfix's defaults lack {client_addr} and friends). */
    static final Map<Integer, String> MACROS = Map.of(
            MilterProtocol.SMFIM_CONNECT, "j {daemon_name} {client_addr} {client_port} {client_name} _",
            MilterProtocol.SMFIM_HELO, "{tls_version} {cipher} {cipher_bits}",
            MilterProtocol.SMFIM_ENVFROM, "i {auth_authen} {mail_addr}",
            MilterProtocol.SMFIM_ENVRCPT, "i {rcpt_addr}",
            MilterProtocol.SMFIM_DATA, "i",
            MilterProtocol.SMFIM_EOH, "i",
            MilterProtocol.SMFIM_EOM, "i");

    /** What the session answers one command: replies (possibly none) and whether to close afterwards. */
    public record Answer(List<MilterResponse> replies, boolean close) {
        static final Answer NONE = new Answer(List.of(), false);
        static final Answer CLOSE = new Answer(List.of(), true);

        static Answer of(MilterResponse r) {
            return new Answer(List.of(r), false);
        }
    }

    private final Supplier<PolicyEngine> engines;
    private final MilterSettings.ContentReject contentReject;
    private boolean negotiated;
    private int protocol;
    private int actions;
    private final Map<String, String> macros = new HashMap<>();
    private PolicySession policy;
    private Message message;
    private Decision heloDecision;
    /** A CONNECT or HELO refusal that could not be answered at once (no reply agreed); given at MAIL. */
    private Decision heldEarly;
    /** The CONNECT whose engine session {@link #mayBlock} made ahead (its DNS queries started). */
    private Connect prepared;

    /**
     * @param engines       the engine in force (a reload applies to the next SMTP client)
     * @param contentReject what a 5xx at end of message becomes
     */
    public MilterSession(Supplier<PolicyEngine> engines, MilterSettings.ContentReject contentReject) {
        this.engines = engines;
        this.contentReject = contentReject;
    }

    /** Handles one command. Throws {@link MilterFault} when the client breaks the protocol. */
    public Answer handle(MilterRequest r) {
        if (!negotiated && !(r instanceof OptionNegotiation)) {
            throw new MilterFault(Reason.OUT_OF_ORDER, r.name() + " before option negotiation");
        }
        return switch (r) {
            case OptionNegotiation o -> negotiate(o);
            case Macros m -> macros(m);
            case Connect c -> connect(c);
            case Helo h -> helo(h);
            case Mail m -> mail(m);
            case Rcpt rc -> rcpt(rc);
            case Data d -> data();
            case Header h -> header(h);
            case EndOfHeaders e -> endOfHeaders();
            case Body b -> body(b);
            case EndOfMessage e -> endOfMessage(e);
            case Abort a -> abort();
            case Quit q -> {
                close();
                yield Answer.CLOSE;
            }
            case QuitNewConnection q -> {
                close();
                macros.clear();
                yield Answer.NONE;
            }
            case Unknown u -> Answer.of(MilterReplies.CONTINUE);
        };
    }

    /**
     * Whether {@link #handle} of {@code r} may wait on DNS, a store, a scanner or a full content queue;
     * false when it answers from memory, so the door may run it on its event loop. For CONNECT it makes
     * the engine session ahead and starts its DNS queries (never blocking); handle then uses that session.
     */
    public boolean mayBlock(MilterRequest r) {
        if (!negotiated) return false;
        return switch (r) {
            case OptionNegotiation o -> false;
            case Macros m -> false;
            case Connect c -> {
                close();
                policy = engines.get().newSession(address(c), c.port(), verifiedName(c), 0).door("milter");
                policy.prepare();
                prepared = c;
                yield policy.mayBlock(Stage.CONNECT, null);
            }
            case Helo h -> policy != null && policy.mayBlock(Stage.HELO, null);
            case Mail m -> policy != null && heldEarly == null && policy.mayBlock(Stage.MAIL, null);
            case Rcpt rc -> policy != null && policy.mayBlock(Stage.RCPT, recipient(rc));
            case Data d -> false; // opening the readers starts their scan threads and spools; nothing waits
            case Header h -> message != null && policy.messageBytesMayBlock(h.name().length() + 2 * h.value().length() + 4);
            case EndOfHeaders e -> message == null || policy.mayBlock(Stage.HEADERS, null) || policy.messageBytesMayBlock(2);
            case Body b -> message == null || policy.messageBytesMayBlock(b.chunk().length);
            case EndOfMessage e -> message == null || policy.messageBytesMayBlock(e.chunk().length)
                    || (!message.headersDone && policy.mayBlock(Stage.HEADERS, null))
                    || policy.mayBlock(Stage.END_OF_DATA, null);
            case Abort a -> false;
            case Quit q -> false;
            case QuitNewConnection q -> false;
            case Unknown u -> false;
        };
    }

    // ---- negotiation and macros ----------------------------------------------------------------

    private Answer negotiate(OptionNegotiation o) {
        if (negotiated) throw new MilterFault(Reason.OUT_OF_ORDER, "a second option negotiation");
        if (o.version() < 2) throw new MilterFault(Reason.MALFORMED, "milter protocol version " + o.version());
        negotiated = true;
        // Ask only for what the MTA offers: Postfix drops a milter that asks for more.
        actions = ACTIONS & o.actions();
        protocol = (engines.get().delayReject() ? PROTOCOL_DELAYED : PROTOCOL) & o.protocol();
        Map<Integer, String> lists = (actions & MilterProtocol.SMFIF_SETSYMLIST) != 0 ? MACROS : Map.of();
        return Answer.of(new MilterResponse.Negotiated(Math.min(o.version(), MilterProtocol.VERSION), actions, protocol, lists));
    }

    private Answer macros(Macros m) {
        for (Map.Entry<String, String> e : m.values().entrySet()) macros.put(bare(e.getKey()), e.getValue());
        if (policy != null) policy.queueId(macros.get("i"));
        return Answer.NONE;
    }

    private static String bare(String name) {
        return name.startsWith("{") && name.endsWith("}") ? name.substring(1, name.length() - 1) : name;
    }

    /** A macro's value by name without braces ({@code client_addr}, {@code i}), or null. */
    public String macro(String name) {
        return macros.get(name);
    }

    /** The protocol steps agreed (for tests). */
    int protocol() { return protocol; }

    // ---- the SMTP stages -----------------------------------------------------------------------

    private Answer connect(Connect c) {
        if (prepared != c) {
            close();
            policy = engines.get().newSession(address(c), c.port(), verifiedName(c), 0).door("milter");
        }
        prepared = null;
        heloDecision = null;
        heldEarly = null;
        return early(policy.connect(), MilterProtocol.SMFIP_NR_CONN);
    }

    private static String verifiedName(Connect c) {
        return c.hostname().startsWith("[") || c.hostname().equals("unknown") ? null : c.hostname();
    }

    private InetAddress address(Connect c) {
        String a = c.address();
        if (c.family() == MilterProtocol.SMFIA_UNKNOWN || c.family() == MilterProtocol.SMFIA_UNIX) {
            a = macros.getOrDefault("client_addr", "");
        }
        if (a.regionMatches(true, 0, "IPv6:", 0, 5)) a = a.substring(5);
        try {
            if (a.matches("[0-9a-fA-F:.]+")) return InetAddress.getByName(a);
        } catch (UnknownHostException e) {
            // fall through
        }
        // A local submission (unix socket, sendmail -bs): no address to check; loopback stands in.
        LOG.debug("milter CONNECT without a usable address ({}), using loopback", c.address());
        return InetAddress.getLoopbackAddress();
    }

    private PolicySession policy(String what) {
        if (policy == null) throw new MilterFault(Reason.OUT_OF_ORDER, what + " before CONNECT");
        return policy;
    }

    private Answer helo(Helo h) {
        PolicySession p = policy("HELO");
        String version = macros.get("tls_version");
        if (version != null && !version.isEmpty() && p.facts().client().tls() == null) {
            int bits = 0;
            try {
                bits = Integer.parseInt(macros.getOrDefault("cipher_bits", "0"));
            } catch (NumberFormatException e) {
                // unknown
            }
            p.tlsStarted(new TlsInfo(version, macros.getOrDefault("cipher", ""), bits));
        }
        heloDecision = p.helo(h.name());
        return early(heloDecision, MilterProtocol.SMFIP_NR_HELO);
    }

    /** A CONNECT or HELO decision: answered, or (no reply agreed) a refusal kept for MAIL. */
    private Answer early(Decision d, int noReplyFlag) {
        if ((protocol & noReplyFlag) == 0) return Answer.of(MilterReplies.render(d));
        if (!d.proceed() && heldEarly == null) heldEarly = d;
        return Answer.NONE;
    }

    private Answer mail(Mail m) {
        PolicySession p = policy("MAIL");
        if (heldEarly != null) return Answer.of(MilterReplies.render(heldEarly));
        closeMessage();
        PathParser.Parsed parsed = PathParser.parse("FROM:" + String.join(" ", m.args()), "FROM", true, true);
        Mailbox sender = parsed.mailbox() != null ? parsed.mailbox() : loose(m.args().get(0));
        long size = 0;
        String declared = parsed.params().get("SIZE");
        if (declared != null && declared.matches("\\d{1,18}")) size = Long.parseLong(declared);
        p.facts().state().authenticatedUser(macros.get("auth_authen")); // sent with MAIL (Postfix's milter_mail_macros)
        return Answer.of(MilterReplies.render(p.mail(sender, size)));
    }

    private static Mailbox recipient(Rcpt r) {
        PathParser.Parsed parsed = PathParser.parse("TO:" + String.join(" ", r.args()), "TO", false, true);
        return parsed.mailbox() != null ? parsed.mailbox() : loose(r.args().get(0));
    }

    private Answer rcpt(Rcpt r) {
        PolicySession p = policy("RCPT");
        Mailbox rcpt = recipient(r);
        Decision d = p.rcpt(rcpt);
        // Postfix asks its milters last, after its own restrictions: a recipient we let pass is accepted.
        if (d.proceed()) p.recipientAccepted(rcpt);
        return Answer.of(MilterReplies.render(d));
    }

    /** Postfix already checked the syntax; whatever PathParser is stricter about still gets a mailbox. */
    private static Mailbox loose(String path) {
        String a = path.startsWith("<") && path.endsWith(">") ? path.substring(1, path.length() - 1) : path;
        int at = a.lastIndexOf('@');
        return at < 0 ? new Mailbox(a, "", false) : new Mailbox(a.substring(0, at), a.substring(at + 1), false);
    }

    private Answer data() {
        PolicySession p = policy("DATA");
        p.openMessage();
        message = new Message(p);
        return (protocol & MilterProtocol.SMFIP_NR_DATA) != 0 ? Answer.NONE : Answer.of(MilterReplies.CONTINUE);
    }

    private Message message(String what) {
        if (message == null) {
            // Postfix leaves DATA out for a milter that asked SMFIP_NODATA; we do not, but be lenient.
            data();
        }
        return message;
    }

    private Answer header(Header h) {
        message("header").header(h.name(), h.value(), (protocol & MilterProtocol.SMFIP_HDR_LEADSPC) != 0);
        return (protocol & MilterProtocol.SMFIP_NR_HDR) != 0 ? Answer.NONE : Answer.of(MilterReplies.CONTINUE);
    }

    private Answer endOfHeaders() {
        Message m = message("EOH");
        Decision d = m.endOfHeaders();
        // Without a reply agreed for EOH, the header checks' refusal is given at end of message.
        return (protocol & MilterProtocol.SMFIP_NR_EOH) != 0 ? Answer.NONE : Answer.of(MilterReplies.render(d));
    }

    private Answer body(Body b) {
        message("body").bytes(b.chunk(), b.chunk().length);
        return (protocol & MilterProtocol.SMFIP_NR_BODY) != 0 ? Answer.NONE : Answer.of(MilterReplies.CONTINUE);
    }

    private Answer endOfMessage(EndOfMessage e) {
        Message m = message("EOM");
        if (!m.headersDone) m.endOfHeaders();
        if (e.chunk().length > 0) m.bytes(e.chunk(), e.chunk().length);
        PolicySession p = policy;
        Decision d = m.headerDecision != null && !m.headerDecision.proceed() ? m.headerDecision : p.endOfData(m.bytes);
        List<MilterResponse> out = new ArrayList<>(2);
        if (d.proceed()) {
            if ((actions & MilterProtocol.SMFIF_CHGHDRS) != 0) {
                // forged fields claiming our authserv-id go first, so the indexes are Postfix's own
                for (int[] r : m.removals) out.add(new MilterResponse.ChangeHeader(r[1], m.removalNames.get(r[0]), ""));
            }
            if ((actions & MilterProtocol.SMFIF_CHGHDRS) != 0) {
                // fields a check rewrites in place (the spam check's subject): the first of that name
                for (ReplacedHeader r : ReplacedHeader.take(p.facts().state())) {
                    String v = (protocol & MilterProtocol.SMFIP_HDR_LEADSPC) != 0 ? " " + r.value() : r.value();
                    out.add(new MilterResponse.ChangeHeader(1, r.name(), v));
                }
            }
            if ((actions & MilterProtocol.SMFIF_ADDHDRS) != 0) {
                // several fields asked at one index keep their order: SMFIR_INSHEADER at index, index+1, ...
                Map<Integer, Integer> atIndex = new HashMap<>();
                for (AddedHeader h : AddedHeader.take(p.facts().state())) {
                    int index = h.index() + atIndex.merge(h.index(), 1, Integer::sum) - 1;
                    // libmilter folds with a bare LF; Postfix splits the value at LF into lines (a CR would stay in the line)
                    // and with SMFIP_HDR_LEADSPC agreed, it writes "name:" + value as given: the space is ours to send
                    String v = h.value().replace("\r\n", "\n");
                    if ((protocol & MilterProtocol.SMFIP_HDR_LEADSPC) != 0) v = " " + v;
                    out.add(new MilterResponse.InsertHeader(index, h.name(), v));
                }
            }
            out.add(MilterReplies.CONTINUE);
            // The reply slot says what was decided, in the SMTP door's shape: Postfix answers its client
            // "250 2.0.0 Ok: queued as QUEUEID" once the milter continues (queue id from the {i} macro).
            String qid = macros.getOrDefault("i", "");
            Reply said = new Reply(250, "2.0.0", List.of(qid.isEmpty() ? "Ok: accepted (milter)" : "Ok: queued as " + qid));
            p.queueId(qid);
            p.engine().decisionLog().accepted("END-OF-MESSAGE", p.facts(), said,
                    " size=" + m.bytes + " nrcpt=" + p.recipients().size() + " door=milter queue_id=" + qid);
        } else if (contentReject == MilterSettings.ContentReject.DISCARD && d.reply() != null && d.reply().permanentFailure()) {
            out.add(new MilterResponse.Discard());
            DECISIONS.info("discard: END-OF-MESSAGE from {}: check={} session={} door=milter queue_id={}",
                    p.facts().client().logName(), d.check(), p.facts().state().id(), macros.getOrDefault("i", ""));
        } else {
            out.add(MilterReplies.render(d));
        }
        lastMessage = new Outcome(d.proceed() ? 250 : d.reply() == null ? 451 : d.reply().code(), m.bytes);
        endTransaction();
        return new Answer(List.copyOf(out), false);
    }

    /** The last message's outcome (code given to Postfix's client, bytes), for the door's meters; null when none. */
    record Outcome(int code, long bytes) {}

    private Outcome lastMessage;

    /** Takes the outcome of the message that just ended, if one did. */
    Outcome takeOutcome() {
        Outcome o = lastMessage;
        lastMessage = null;
        return o;
    }

    private Answer abort() {
        endTransaction();
        return Answer.NONE;
    }

    private void endTransaction() {
        message = null;
        macros.remove("i");
        macros.remove("mail_addr");
        macros.remove("rcpt_addr");
        macros.remove("auth_authen");
        if (policy != null) policy.resetTransaction();
    }

    private void closeMessage() {
        message = null;
        if (policy != null) policy.closeMessage();
    }

    /** True while a message is being received (a client gone now left a message unfinished). */
    public boolean inMessage() {
        return message != null;
    }

    /** Ends the current SMTP client's session: message readers closed, the engine's session dropped. */
    @Override
    public void close() {
        if (policy != null) policy.resetTransaction();
        message = null;
        policy = null;
    }

    /**
     * One message: header fields rebuilt into the bytes Postfix received ({@code Name:value} with the
     * value's own leading space, LF turned back into CRLF), the empty line, then the body chunks as
     * they come; each byte goes once to the header collector (headers) and the engine's readers.
     */
    private static final class Message {
        final PolicySession policy;
        final HeaderCollector headers = new HeaderCollector(HEADER_COLLECT_LIMIT);
        final long limit;
        final boolean readers;
        long bytes;
        boolean headersDone;
        Decision headerDecision;

        Message(PolicySession policy) {
            this.policy = policy;
            this.limit = policy.maxMessageBytes();
            this.readers = policy.readsMessage();
        }

        /** Fields to delete at end of message: (index into removalNames, occurrence of that name, 1-based). */
        final List<int[]> removals = new ArrayList<>();
        final List<String> removalNames = new ArrayList<>();
        private final Map<String, Integer> seen = new HashMap<>();

        /** @param leadingSpace SMFIP_HDR_LEADSPC was agreed: the value is exactly what followed the colon */
        void header(String name, String value, boolean leadingSpace) {
            if (headersDone) return;
            String lower = name.toLowerCase(Locale.ROOT);
            int occurrence = seen.merge(lower, 1, Integer::sum);
            if (HeaderRemoval.anyMatches(HeaderRemoval.of(policy.facts().state()), name, value)) {
                removalNames.add(name);
                removals.add(new int[] {removalNames.size() - 1, occurrence});
            }
            // With SMFIP_HDR_LEADSPC the value is verbatim ("X-A:b" stays without a space: DKIM's simple
            // canonicalisation needs every byte); without, Postfix ate one space after the colon.
            String v = value;
            if (!leadingSpace && !v.isEmpty() && v.charAt(0) != ' ' && v.charAt(0) != '\t') v = " " + v;
            String[] lines = (name + ":" + v).replace("\r\n", "\n").split("\n", -1);
            int n = lines.length;
            if (n > 1 && lines[n - 1].isEmpty()) n--; // a value ending in a line break adds no empty line
            for (int i = 0; i < n; i++) {
                byte[] l = lines[i].getBytes(MilterRequestDecoder.CHARSET);
                headers.line(l, l.length, true, false);
                bytes(l, l.length);
                bytes(CRLF, 2);
            }
        }

        Decision endOfHeaders() {
            if (headersDone) return headerDecision;
            headersDone = true;
            headers.line(new byte[0], 0, true, false);
            bytes(CRLF, 2);
            headerDecision = policy.headers(headers.section());
            return headerDecision;
        }

        void bytes(byte[] b, int len) {
            bytes += len;
            if (readers && bytes <= limit) policy.messageBytes(b, 0, len);
        }
    }
}
