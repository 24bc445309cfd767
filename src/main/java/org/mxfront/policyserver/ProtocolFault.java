// Why the door hung up on a policy client without answering: the decoder throws it, the
// connection handler logs it once (WARN), counts it by reason and closes the connection.
package org.mxfront.policyserver;

import io.netty.handler.codec.DecoderException;
import java.util.Locale;

/** A request the door refuses to answer. The connection is closed without a reply. */
public final class ProtocolFault extends DecoderException {
    /** The kinds of fault; the {@code reason} label of {@code mxfront_policy_faults_total}. */
    public enum Reason {
        LINE_TOO_LONG, TOO_MANY_ATTRIBUTES, NOT_TEXT, NO_EQUALS_SIGN, NO_REQUEST, UNKNOWN_REQUEST,
        TOO_MANY_CONNECTIONS, INTERNAL_ERROR;

        public String label() { return name().toLowerCase(Locale.ROOT); }
    }

    private final Reason reason;

    public ProtocolFault(Reason reason, String detail) {
        super(detail);
        this.reason = reason;
    }

    /** No stack trace: a fault is the client's doing, and a flood of them must stay cheap. */
    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }

    public Reason reason() { return reason; }
}
