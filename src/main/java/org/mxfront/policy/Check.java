// The one interface through which the policy engine knows a check.
package org.mxfront.policy;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One inbound check: small, configured by a record given to its constructor, immutable.
 *
 * <p>Threading: {@link #evaluate} is called by the engine on the session's own thread (a virtual
 * thread per connection), concurrently for different sessions; implementations must be thread-safe
 * and may block (DNS, stores) within their own timeouts.
 */
public interface Check {
    /** The stages this check wants to see; the engine calls it at no other. */
    Set<Stage> stages();

    /**
     * What this check needs from the door beyond the envelope. A door that cannot supply all of it
     * runs the policy without this check (one startup WARN). By default: the message, for a check that
     * looks at nothing but message content; nothing otherwise (a check with an envelope stage as well,
     * such as message-size's SIZE=, still has something to do without the message).
     */
    default Set<Fact> needs() {
        return Policy.CONTENT_STAGES.containsAll(stages()) ? Set.of(Fact.MESSAGE) : Set.of();
    }

    /** The verdict at one stage. Returns {@link Verdict#CONTINUE} when the check has no opinion. */
    Verdict evaluate(Stage stage, Facts facts);

    /**
     * Called once when a client connects (again when XCLIENT replaces it), before anything that may
     * block, with the default policy's checks: start background work here (DNS queries) and keep it
     * in {@link Facts#state()}, so that the answer is ready by the stage that needs it. Must not block.
     */
    default void prefetch(Facts facts) {}

    /**
     * How long the front door should hold back its greeting to see whether this client talks first
     * (the session is then tagged {@link SessionState#PREGREET} before the CONNECT stage). The longest
     * pause any of the default policy's checks asks for is used; zero (the default) asks for none.
     */
    default Duration greetingPause(Facts facts) {
        return Duration.ZERO;
    }

    /**
     * Whether {@link #evaluate} at {@code stage} may wait (for DNS not answered yet, a remote store, a
     * scanner) given what the check has started for this session; false when it will answer from memory
     * at once. The Netty doors (policy delegation, milter) ask before a stage and run it on their event
     * loop when no check may block, saving two thread hand-offs per request; a wrong {@code false} would
     * stall every connection of that event loop, so the default is {@code true}. {@code facts} are the
     * session's facts as they are before the stage (the HELO name, sender or recipient of that stage
     * may not be set yet): answer from the check's own state and resources, not from them.
     */
    default boolean mayBlock(Stage stage, Facts facts) {
        return true;
    }

    /**
     * Called after a refusal was applied in a session, whoever made it (a check, or the door relaying
     * the downstream's refusal), with the default policy's checks: for checks that learn from what
     * others refused (the dictionary-attack guard counts unknown recipients). Must not block for long.
     */
    default void refusalApplied(Stage stage, Facts facts, Verdict verdict) {}

    /**
     * The admin actions this check offers on what it keeps (its store), if any: the CLI, the HTTP admin
     * endpoint and the console reach them by {@link CheckAdmin#name()} through the engine.
     */
    default Optional<CheckAdmin> admin() {
        return Optional.empty();
    }

    /**
     * Whether a recipient's safe entry (see {@link Safelist}) lifts this check's negative verdict
     * {@code v} for that recipient. False by default: relay, recipient validation, size, attachments
     * and viruses are never lifted. Checks about the sender's or client's reputation (greylisting,
     * DNSBL except zones marked {@code safelist-exempt}, rDNS, HELO, SPF/DMARC, sender-keyed rate
     * limits, the sender domain, the operator's block lists) return true. {@code v} is null when the
     * engine asks whether any of the check's verdicts may be lifted (to keep recipients that differ in
     * exemption out of one transaction when the check looks at the message).
     */
    default boolean liftedBySafeEntry(Verdict v) {
        return false;
    }

    /**
     * A line {@code mxfront explain} prints of a check's own result for the transaction it just ran
     * (the SPF, DKIM or DMARC result with its reason), under the stage that produced it.
     */
    record Explained(Stage stage, String text) {}

    /**
     * What this check found that its verdict does not say, for {@code mxfront explain}: read from what
     * the check left in the session state. Empty (the default) for most checks.
     */
    default List<Explained> explain(SessionState state) {
        return List.of();
    }

    /**
     * Whether this check's MAIL stage judges a local domain's own senders: it then runs at MAIL under
     * the policy of the sender's domain when that domain is local (that domain's settings: its recipient
     * source knows its addresses), and not under the default policy. False (the default) for every
     * check whose MAIL stage is about the client or the sender from outside.
     */
    default boolean judgesOwnSenders() {
        return false;
    }

    /** The largest message this check lets through; the front door stops reading into the downstream beyond it. */
    default long maxMessageBytes() {
        return Long.MAX_VALUE;
    }
}
