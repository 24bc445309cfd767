// What a check says. Sealed so that the engine and every front door switch over all cases.
package org.mxfront.policy;

import java.util.Map;
import org.mxfront.codes.Code;

/** A check's verdict at one stage. Negative verdicts name a catalogue entry and the values for its template. */
public sealed interface Verdict {
    /** No opinion: the next check decides. */
    record Continue() implements Verdict {}

    /** Stop evaluating this stage and let the conversation go on (an allow-list hit). */
    record Accept(String reason) implements Verdict {}

    /**
     * Permanent refusal (5xx).
     *
     * @param smtpCode the reply code to print instead of the entry's (a 5xx, same enhanced code), or 0
     *                 for the entry's own: an operator may choose 551 for the spam refusal, as seed 003 does
     */
    record Reject(Code code, Map<String, String> vars, int smtpCode) implements Verdict {
        public Reject {
            if (code.smtpCode() < 500) throw new IllegalArgumentException(code + " is not a 5xx code");
            if (smtpCode != 0 && (smtpCode < 500 || smtpCode > 599)) throw new IllegalArgumentException(smtpCode + " is not a 5xx code");
            vars = Map.copyOf(vars);
        }

        public Reject(Code code, Map<String, String> vars) {
            this(code, vars, 0);
        }
    }

    /**
     * Temporary refusal (4xx): the client should try again later. A 5xx entry here is sent in its
     * temporary form (550 5.4.6 as 450 4.4.6): an operator made a permanent refusal temporary
     * (a rate-limit rule's {@code temporary: true}).
     */
    record Defer(Code code, Map<String, String> vars) implements Verdict {
        public Defer {
            if (code.smtpCode() == 421) throw new IllegalArgumentException(code + " closes the connection: a Disconnect");
            vars = Map.copyOf(vars);
        }
    }

    /** Refuse and close the connection (421, or a 5xx followed by closing). */
    record Disconnect(Code code, Map<String, String> vars) implements Verdict {
        public Disconnect {
            vars = Map.copyOf(vars);
        }
    }

    Continue CONTINUE = new Continue();

    static Verdict reject(Code code, Map<String, String> vars) { return new Reject(code, vars); }
    static Verdict defer(Code code, Map<String, String> vars) { return new Defer(code, vars); }

    /** The catalogue entry of a negative verdict, null for Continue and Accept. */
    default Code code() {
        return switch (this) {
            case Reject r -> r.code();
            case Defer d -> d.code();
            case Disconnect d -> d.code();
            case Continue c -> null;
            case Accept a -> null;
        };
    }

    default Map<String, String> vars() {
        return switch (this) {
            case Reject r -> r.vars();
            case Defer d -> d.vars();
            case Disconnect d -> d.vars();
            case Continue c -> Map.of();
            case Accept a -> Map.of();
        };
    }

    /** The SMTP reply code to print: the entry's own unless a Reject overrides it. */
    default int replyCode() {
        if (this instanceof Reject r && r.smtpCode() != 0) return r.smtpCode();
        Code c = code();
        return c == null ? 0 : c.smtpCode();
    }

    /** True for Reject, Defer and Disconnect. */
    default boolean negative() { return code() != null; }
}
