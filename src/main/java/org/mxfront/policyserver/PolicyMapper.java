// From a Postfix policy request to the engine's decision, without any socket: which stages to run
// for the request's protocol_state, on which session. With Postfix's default smtpd_delay_reject=yes
// the first request of a message is a RCPT request carrying client, HELO and sender: the mapper then
// runs connect, helo, mail and rcpt; the next recipient of the same instance runs rcpt only.
package org.mxfront.policyserver;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.function.Supplier;
import org.mxfront.mail.Mailbox;
import org.mxfront.policy.Decision;
import org.mxfront.policy.PolicyEngine;
import org.mxfront.policy.PolicySession;
import org.mxfront.policy.Stage;
import org.mxfront.policyserver.PolicyAttributes.State;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides policy requests. Stages per {@code protocol_state}:
 * <ul>
 * <li>CONNECT, EHLO/HELO (Postfix sends no {@code instance} yet): a session of their own, CONNECT
 *     (and HELO) checks, a refusal answered at once: Postfix's smtpd_delay_reject already chose when
 *     to ask, so the engine's {@code delay-reject} does not apply at this door.</li>
 * <li>MAIL, RCPT, DATA, END-OF-MESSAGE: the instance's session; the stages up to MAIL that have not run
 *     yet run first; RCPT then decides the recipient, END-OF-MESSAGE runs the END_OF_DATA checks on the
 *     actual {@code size}; DATA has nothing more to run (no content reaches this door).</li>
 * <li>VRFY, ETRN and unknown states: DUNNO (no mxfront check applies).</li>
 * </ul>
 * The client's TLS session (Postfix's {@code encryption_*} attributes) reaches the engine as after
 * STARTTLS, so tls-required works here. Connections per address are unknown (0): connection-limit has
 * no opinion, and is skipped anyway (org.mxfront.door.DoorEngine: it needs what this door cannot supply).
 * A refusal at CONNECT, HELO or MAIL stage sticks to the message: every later request of it gets it.
 */
public final class PolicyMapper {
    private static final Logger LOG = LoggerFactory.getLogger(PolicyMapper.class);

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    /** Hex, colons and an optional dotted tail: with a colon InetAddress parses a literal, never looks up. */
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:]*:[0-9a-fA-F:.]*");

    private final Supplier<PolicyEngine> engine;
    private final InstanceTable instances;

    /**
     * @param engine    the engine new messages use (a reload changes it; messages in flight keep theirs)
     * @param instances where messages' state is kept
     */
    PolicyMapper(Supplier<PolicyEngine> engine, InstanceTable instances) {
        this.engine = engine;
        this.instances = instances;
    }

    /** A new policy connection's view of the mapper. */
    public Connection connection() {
        return new Connection();
    }

    /**
     * The requests of one policy connection. Postfix sends all requests of a message over one
     * connection, and once it sends another {@code instance} there the previous message is over
     * (SMTPD_POLICY_README): its state is dropped then, so the table holds about one message per
     * connection instead of every message of the last {@code instance-timeout} (which kept the
     * garbage collector copying thousands of dead sessions). A message whose connection broke keeps
     * its state until it expires: Postfix goes on with it over a new connection.
     * Used by one thread at a time.
     */
    public final class Connection {
        private String lastClient;
        private String lastInstance;

        private Connection() {}

        /** As {@link PolicyMapper#decide}, for a request on this connection. */
        public Decision decide(PolicyRequest r) {
            return prepare(r).decide();
        }

        /** As {@link PolicyMapper#prepare}, for a request on this connection. */
        public Prepared prepare(PolicyRequest r) {
            String instance = r.instance();
            if (!instance.isEmpty() && !(instance.equals(lastInstance) && r.clientAddress().equals(lastClient))) {
                if (lastInstance != null) instances.forget(lastClient, lastInstance);
                lastClient = r.clientAddress();
                lastInstance = instance;
            }
            return PolicyMapper.this.prepare(r);
        }
    }

    /**
     * A request made ready to decide: its stage and its message's state found or made, the checks'
     * DNS queries started. Nothing in preparing blocks.
     */
    public final class Prepared {
        private final PolicyRequest request;
        private final Stage stage;
        private final MessageState message;

        private Prepared(PolicyRequest request, Stage stage, MessageState message) {
            this.request = request;
            this.stage = stage;
            this.message = message;
        }

        /** Whether {@link #decide} may wait on DNS, a store or a scanner (false: every check answers from memory). */
        public boolean mayBlock() {
            return message != null && message.mayBlock(stage, request);
        }

        /** The decision. May block unless {@link #mayBlock} said otherwise. */
        public Decision decide() {
            return message == null ? Decision.PROCEED : PolicyMapper.this.decide(request, stage, message);
        }
    }

    /** The decision for one request. May block (DNS, the greylisting store): never call it on an event loop. */
    public Decision decide(PolicyRequest r) {
        return prepare(r).decide();
    }

    /** Prepares one request (never blocks); its {@link Prepared#decide} gives the decision. */
    public Prepared prepare(PolicyRequest r) {
        State state = r.state();
        Stage stage = switch (state) {
            case CONNECT -> Stage.CONNECT;
            case EHLO, HELO -> Stage.HELO;
            case MAIL -> Stage.MAIL;
            case RCPT -> Stage.RCPT;
            case DATA -> Stage.HEADERS;
            case END_OF_MESSAGE -> Stage.END_OF_DATA;
            case VRFY, ETRN, OTHER -> null;
        };
        if (stage == null) return new Prepared(r, null, null);
        InetAddress client = address(r.clientAddress());
        if (client == null) {
            LOG.warn("policy request ({}) without a usable client_address '{}': DUNNO", state.label(), r.clientAddress());
            return new Prepared(r, null, null);
        }
        MessageState m = r.instance().isEmpty() ? newMessage(client, r)
                : instances.get(r.clientAddress(), r.instance(), () -> newMessage(client, r));
        return new Prepared(r, stage, m);
    }

    private Decision decide(PolicyRequest r, Stage stage, MessageState m) {
        State state = r.state();
        m.session().queueId(r.get(PolicyAttributes.QUEUE_ID));
        Decision d = m.upTo(stage, r);
        if (!d.proceed()) return d;
        PolicySession s = m.session();
        return switch (state) {
            case RCPT -> {
                if (r.recipient().isEmpty()) yield Decision.PROCEED;
                Mailbox rcpt = mailbox(r.recipient());
                Decision rd = s.rcpt(rcpt);
                // Postfix's restrictions after this one may still refuse the recipient: the engine then
                // counts one recipient too many (recipient-limit), never one too few.
                if (rd.proceed()) s.recipientAccepted(rcpt);
                yield rd;
            }
            case END_OF_MESSAGE -> s.endOfData(r.size());
            default -> d;
        };
    }

    private MessageState newMessage(InetAddress client, PolicyRequest r) {
        return new MessageState(engine.get().newSession(client, r.clientPort(), r.verifiedClientName(), 0).refuseAtOnce()
                .door("policy"));
    }

    /**
     * An address as Postfix sends it (its internal form: no angle brackets, no quotes, empty for the
     * null sender), split at the last {@code @}.
     */
    static Mailbox mailbox(String a) {
        if (a.isEmpty()) return Mailbox.NULL_SENDER;
        int at = a.lastIndexOf('@');
        if (at < 0) return new Mailbox(a, "", false);
        return new Mailbox(a.substring(0, at), a.substring(at + 1).toLowerCase(Locale.ROOT), false);
    }

    /** A numeric IPv4 or IPv6 address (never a DNS lookup), or null. */
    static InetAddress address(String text) {
        if (text.length() > 45 || !(IPV4.matcher(text).matches() || IPV6.matcher(text).matches())) return null;
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
