// The engine's view of one client connection: the facts gathered so far, the delayed verdict from
// CONNECT/HELO, and the transaction's recipients and content policy. A front door drives it stage by
// stage; it never sees a socket.
//
// Mixed content policies: the first accepted recipient fixes the transaction's content policy.
// A later recipient whose domain has a different content policy gets 452 4.5.3 (XM-RJCT52), so the
// client sends it in a separate transaction, as RFC 5321 lets it do with any 452; each message is
// then scanned under exactly one policy. Recipients that differ in a safe entry (policy store lists)
// are kept apart the same way when the content policy has a check a safe entry lifts.
//
// Safe entries: with a Safelist check in the default policy, a refusal at CONNECT, HELO or MAIL by a
// check that yields to safe entries is held for RCPT (as smtpd_delay_reject does), whatever the
// door or delay-reject says, so that each recipient's own safe entry can lift it.
package org.mxfront.policy;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.mxfront.codes.Code;
import org.mxfront.mail.ClientInfo;
import org.mxfront.mail.Mailbox;
import org.mxfront.mail.TlsInfo;
import org.slf4j.LoggerFactory;

/**
 * Policy state of one connection. Not thread-safe: one front-door thread drives it.
 */
public final class PolicySession {
    private final PolicyEngine engine;
    private Facts facts;
    private Decision pending;
    /** A MAIL refusal held for RCPT because a recipient's safe entry may lift it. */
    private Decision mailPending;
    /** The safe entry of the transaction's first accepted recipient, or null. */
    private String transactionSafe;
    private Mailbox lastRecipient;
    private String lastRecipientSafe;
    private Policy contentPolicy;
    private final List<Mailbox> recipients = new ArrayList<>();
    private final Map<ConfiguredCheck, MessageCheck.MessageReader> readers = new LinkedHashMap<>();

    private Consumer<Finding> tracer;
    private boolean refuseAtOnce;
    private boolean prefetched;
    private String door;

    /** Names the door running this session, for the decision feed ({@code smtp}, {@code policy}, {@code milter}). */
    public PolicySession door(String name) {
        this.door = name;
        facts.state().put(DecisionLog.DOOR, name);
        return this;
    }

    /** Postfix's queue id, once the door learns it (for the decision feed and the message trace). */
    public void queueId(String id) {
        if (id != null && !id.isEmpty()) facts.state().put(DecisionLog.QUEUE_ID, id);
    }

    /**
     * Applies CONNECT and HELO refusals when they are found, whatever {@code delay-reject} says: for a
     * door whose client already chose when to ask (Postfix's {@code smtpd_delay_reject}). A refusal
     * still sticks to the session.
     */
    public PolicySession refuseAtOnce() {
        this.refuseAtOnce = true;
        return this;
    }

    /**
     * Reports every check's verdict to the tracer (explain mode). A traced session is a dry run:
     * checks with side effects (greylisting records tuples) only read their stores.
     */
    public void trace(Consumer<Finding> t) {
        this.tracer = t;
        facts.state().markDryRun();
    }

    private Decision run(Policy policy, Stage stage) {
        return engine.evaluate(policy, stage, facts, readers, tracer, null);
    }

    PolicySession(PolicyEngine engine, ClientInfo client) {
        this.engine = engine;
        this.facts = Facts.connect(client);
    }

    public Facts facts() { return facts; }
    public PolicyEngine engine() { return engine; }

    /**
     * CONNECT stage. Checks first start their background work (DNS queries), then the client is
     * completed (verified host name), then the CONNECT checks run. A Disconnect is immediate; other
     * refusals wait for RCPT when delay-reject is on.
     */
    public Decision connect() {
        return connect(pause -> false);
    }

    /** The front door's look at a connection before greeting it. */
    @FunctionalInterface
    public interface PregreetProbe {
        /** Waits up to {@code pause} without greeting; true when the client sent anything meanwhile. */
        boolean talkedWithin(Duration pause);
    }

    /**
     * CONNECT stage with a pregreet test: when a check asks for a pause before the greeting
     * ({@link Check#greetingPause}), the probe waits it out (while the prefetched DNS queries run) and
     * a client that talked first is tagged {@link SessionState#PREGREET} for the checks.
     */
    public Decision connect(PregreetProbe probe) {
        prepare();
        Duration pause = engine.greetingPause(facts);
        if (!pause.isZero() && probe.talkedWithin(pause)) facts.state().tag(SessionState.PREGREET);
        facts = facts.withClient(engine.enrich(facts.client()));
        return early(Stage.CONNECT, run(engine.defaultPolicy(), Stage.CONNECT));
    }

    /**
     * Lets the checks start their background work (DNS queries) for this client, once; {@link #connect}
     * does it if the door has not. Never blocks: a door calls it before {@link #mayBlock} at CONNECT.
     */
    public void prepare() {
        if (prefetched) return;
        prefetched = true;
        engine.prefetch(facts);
    }

    /**
     * Whether the next call for {@code stage} may wait on DNS, a store or a scanner (see
     * {@link Check#mayBlock}); false when every check involved answers from memory. A door with an event
     * loop runs the stage there when this is false, else on a thread that may block.
     *
     * @param recipient the recipient of a RCPT stage (its domain's policy decides); ignored at other stages
     */
    public boolean mayBlock(Stage stage, Mailbox recipient) {
        return switch (stage) {
            case CONNECT, HELO -> engine.mayBlock(engine.defaultPolicy(), stage, facts, readers);
            // the sender is not known yet: a domain's own-sender checks (a directory lookup) may run
            case MAIL -> engine.judgesSenders() || engine.mayBlock(engine.mailPolicy(), stage, facts, readers);
            case RCPT -> (pending == null || engine.hasSafelist()) && engine.mayBlock(engine.policyFor(recipient), stage, facts, readers);
            case HEADERS, END_OF_DATA -> engine.mayBlock(content(), stage, facts, readers);
        };
    }

    /**
     * HELO/EHLO stage. A refusal sticks to the connection: a later HELO with a good name does not
     * wash it.
     */
    public Decision helo(String name) {
        facts = facts.withHelo(name);
        return early(Stage.HELO, run(engine.defaultPolicy(), Stage.HELO));
    }

    private Decision early(Stage stage, Decision d) {
        if (d.proceed()) return d;
        if (engine.hasSafelist() && engine.liftable(engine.defaultPolicy(), d)) {
            // a recipient's safe entry may lift it: held for RCPT, whatever delay-reject says
            if (pending == null) pending = d;
            return Decision.PROCEED;
        }
        // The refusal sticks with or without delay-reject: a client that ignores a refused greeting or
        // HELO (or sends a better HELO) still gets it at every RCPT.
        if (pending == null && !d.disconnect()) pending = d;
        if (d.disconnect() || !engine.delayReject() || refuseAtOnce) {
            engine.applied(d, stage, facts);
            return d;
        }
        return Decision.PROCEED;
    }

    /** Replaces the client (XCLIENT from a trusted proxy): facts, and the verdicts drawn from them, start over. */
    public Decision changeClient(InetAddress address, int port, String helo, int connectionsFromAddress) {
        facts = Facts.connect(engine.client(address, port, connectionsFromAddress));
        if (door != null) facts.state().put(DecisionLog.DOOR, door);
        pending = null;
        prefetched = false;
        resetTransaction();
        Decision d = connect();
        if (d.proceed() && helo != null) d = helo(helo);
        return d;
    }

    /**
     * The client completed a STARTTLS handshake. As RFC 3207 says, what it said before is forgotten
     * (its HELO, any transaction); a refusal already held for the connection stays.
     */
    public void tlsStarted(TlsInfo tls) {
        resetTransaction();
        facts = facts.withClient(facts.client().withTls(tls)).withHelo(null);
    }

    /** MAIL stage: starts a transaction. */
    public Decision mail(Mailbox sender, long declaredSize) {
        resetTransaction();
        facts.state().clearNotes();
        facts = facts.withSender(sender, declaredSize);
        Decision d = run(engine.mailPolicy(), Stage.MAIL);
        if (d.proceed()) {
            // a local domain's own checks on its senders (unlisted senders): that domain's settings
            Policy own = engine.senderPolicy(sender);
            if (own != null) d = run(own, Stage.MAIL);
        }
        if (engine.hasSafelist() && engine.liftable(engine.defaultPolicy(), d)) {
            mailPending = d;
            return Decision.PROCEED;
        }
        return applied(Stage.MAIL, d);
    }

    /**
     * RCPT stage: decides one recipient. The front door calls {@link #recipientAccepted} once the
     * recipient is also accepted downstream.
     */
    public Decision rcpt(Mailbox recipient) {
        Facts f = facts.withRecipients(recipients).withRecipient(recipient);
        Policy policy = engine.policyFor(recipient);
        String safe = engine.safeEntry(policy, f);
        lastRecipient = recipient;
        lastRecipientSafe = safe;
        for (Decision held : new Decision[] {pending, mailPending}) {
            if (held == null) continue;
            if (safe != null && engine.liftable(policy, held)) {
                LoggerFactory.getLogger(PolicySession.class).info("safe entry lifts {} ({}) for {} to <{}>: {}",
                        held.check(), engine.catalogue().id(held.verdict().code()), f.client().logName(), recipient.address(), safe);
                if (tracer != null) {
                    tracer.accept(new Finding(Stage.RCPT, held.check() + " (lifted by safe entry: " + safe + ")", Mode.ENFORCE,
                            Verdict.CONTINUE, null));
                }
                continue;
            }
            engine.applied(held, Stage.RCPT, f);
            return held;
        }
        Decision d = engine.evaluate(policy, Stage.RCPT, f, readers, tracer, safe);
        if (d.proceed() && contentPolicy != null && (!contentPolicy.contentKey().equals(policy.contentKey())
                || (transactionSafe != null) != (safe != null) && engine.contentLiftable(policy))) {
            Verdict v = new Verdict.Defer(Code.MIXED_CONTENT_POLICY, Map.of("recipient", recipient.address()));
            d = new Decision(v, "content-policy", engine.render(v, f));
        }
        if (!d.proceed()) engine.applied(d, Stage.RCPT, f);
        return d;
    }

    /** Records a recipient accepted by the policy and by the downstream. */
    public void recipientAccepted(Mailbox recipient) {
        if (contentPolicy == null) {
            contentPolicy = engine.policyFor(recipient);
            transactionSafe = recipient.equals(lastRecipient) ? lastRecipientSafe
                    : engine.safeEntry(contentPolicy, facts.withRecipient(recipient));
        }
        recipients.add(recipient);
        facts = facts.withRecipients(recipients);
    }

    public List<Mailbox> recipients() { return List.copyOf(recipients); }

    /** The size limit of this transaction's content policy (of the default policy before any recipient). */
    public long maxMessageBytes() {
        return (contentPolicy != null ? contentPolicy : engine.defaultPolicy()).maxMessageBytes();
    }

    /** HEADERS stage, under the transaction's content policy. */
    public Decision headers(HeaderSection headers) {
        facts = facts.withHeaders(headers);
        return applied(Stage.HEADERS, engine.evaluate(content(), Stage.HEADERS, facts, readers, tracer, transactionSafe));
    }

    /**
     * DATA begins: opens a reader for every message-reading check of the content policy. The front
     * door then passes each piece of the message to {@link #messageBytes}.
     */
    public void openMessage() {
        closeMessage();
        AddedHeader.take(facts.state()); // none left over from a message refused after a check asked for one
        ReplacedHeader.take(facts.state());
        HeaderRemoval.clear(facts.state());
        facts.state().clearNotes();
        for (ConfiguredCheck cc : content().checks()) {
            if (cc.check() instanceof MessageCheck mc && cc.check().stages().contains(Stage.END_OF_DATA)) {
                readers.put(cc, mc.open(facts));
            }
        }
    }

    /** Message bytes as received: un-stuffed, CRLF line ends. */
    public void messageBytes(byte[] buf, int off, int len) {
        for (MessageCheck.MessageReader r : readers.values()) r.write(buf, off, len);
    }

    /** Whether {@link #messageBytes} of {@code len} bytes may wait on a reader (see {@link MessageCheck.MessageReader#mayBlock}). */
    public boolean messageBytesMayBlock(int len) {
        for (MessageCheck.MessageReader r : readers.values()) if (r.mayBlock(len)) return true;
        return false;
    }

    /** True when some check reads the message (the front door then passes the bytes). */
    public boolean readsMessage() {
        return !readers.isEmpty();
    }

    /** END_OF_DATA stage, under the transaction's content policy. */
    public Decision endOfData(long messageBytes) {
        facts = facts.withMessageBytes(messageBytes);
        return applied(Stage.END_OF_DATA, engine.evaluate(content(), Stage.END_OF_DATA, facts, readers, tracer, transactionSafe));
    }

    /** Closes the message readers (spool files, scanner connections). */
    public void closeMessage() {
        for (MessageCheck.MessageReader r : readers.values()) {
            try {
                r.close();
            } catch (RuntimeException e) {
                LoggerFactory.getLogger(PolicySession.class).warn("closing a message reader failed", e);
            }
        }
        readers.clear();
    }

    /** Logs and counts a refusal the front door makes itself (protocol errors, downstream faults). */
    public Decision refuse(Stage stage, Verdict verdict, String reason) {
        Decision d = new Decision(verdict, reason, engine.render(verdict, facts));
        engine.applied(d, stage, facts);
        return d;
    }

    private Policy content() {
        return contentPolicy != null ? contentPolicy : engine.defaultPolicy();
    }

    private Decision applied(Stage stage, Decision d) {
        if (!d.proceed()) engine.applied(d, stage, facts);
        return d;
    }

    /** Ends the transaction (RSET, end of DATA, a new MAIL). The connection's delayed verdict stays. */
    public void resetTransaction() {
        closeMessage();
        recipients.clear();
        contentPolicy = null;
        mailPending = null;
        transactionSafe = null;
        lastRecipient = null;
        lastRecipientSafe = null;
        facts = facts.withSender(null, 0);
    }
}
