// A milter client broke the protocol (a malformed packet, a length over the limit, an unknown or
// out-of-order command). The door closes that connection and logs and counts the reason; Postfix
// then applies milter_default_action to that one SMTP client, and other sessions go on.
package org.mxfront.milter;

/** A protocol fault that ends one milter connection. */
public final class MilterFault extends RuntimeException {
    /** Why, as the {@code reason} label of mxfront_milter_faults_total. */
    public enum Reason {
        MALFORMED("malformed"),
        TOO_LONG("too_long"),
        UNKNOWN_COMMAND("unknown_command"),
        OUT_OF_ORDER("out_of_order"),
        TOO_MANY_CONNECTIONS("too_many_connections"),
        IDLE("idle"),
        INTERNAL_ERROR("internal_error");

        private final String label;

        Reason(String label) { this.label = label; }

        public String label() { return label; }
    }

    private final Reason reason;

    public MilterFault(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() { return reason; }
}
