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

    /** Permanent refusal (5xx). */
    record Reject(Code code, Map<String, String> vars) implements Verdict {
        public Reject {
            if (code.smtpCode() < 500) throw new IllegalArgumentException(code + " is not a 5xx code");
            vars = Map.copyOf(vars);
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

    /** True for Reject, Defer and Disconnect. */
    default boolean negative() { return code() != null; }
}
