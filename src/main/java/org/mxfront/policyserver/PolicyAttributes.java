// The attribute names and protocol states of Postfix's policy-delegation protocol
// (SMTPD_POLICY_README, smtpd_check.c check_policy_service) that the door reads, in one place:
// the decoder, the request record and the mapper use these constants, never string literals.
package org.mxfront.policyserver;

import java.util.Locale;

/** Names from Postfix's policy-delegation protocol. */
public final class PolicyAttributes {
    private PolicyAttributes() {}

    public static final String REQUEST = "request";
    /** The only request type this door serves. */
    public static final String SMTPD_ACCESS_POLICY = "smtpd_access_policy";
    public static final String PROTOCOL_STATE = "protocol_state";
    public static final String CLIENT_ADDRESS = "client_address";
    public static final String CLIENT_PORT = "client_port";
    /** The verified (forward-confirmed) name, {@code unknown} when there is none. */
    public static final String CLIENT_NAME = "client_name";
    public static final String HELO_NAME = "helo_name";
    /** Empty for the null sender {@code <>}. */
    public static final String SENDER = "sender";
    public static final String RECIPIENT = "recipient";
    /** Empty before MAIL FROM (CONNECT, EHLO/HELO, VRFY, ETRN); unique per message afterwards. */
    public static final String INSTANCE = "instance";
    /** Postfix's queue id, once smtpd has a queue file (after the first accepted RCPT); for the decision feed. */
    public static final String QUEUE_ID = "queue_id";
    /** MAIL FROM's SIZE= (0 when none) until END-OF-MESSAGE, the actual size there. */
    public static final String SIZE = "size";
    public static final String ACTION = "action";
    /** TLS protocol of the client's session (TLSv1.3), empty in clear. */
    public static final String ENCRYPTION_PROTOCOL = "encryption_protocol";
    /** The SASL login name of an authenticated client (Postfix 2.2+), empty when it did not authenticate. */
    public static final String SASL_USERNAME = "sasl_username";
    public static final String ENCRYPTION_CIPHER = "encryption_cipher";
    public static final String ENCRYPTION_KEYSIZE = "encryption_keysize";

    /** The value Postfix gives {@link #CLIENT_NAME} when the name is not verified. */
    public static final String UNKNOWN_NAME = "unknown";

    /** Values of {@code protocol_state}. */
    public enum State {
        CONNECT, EHLO, HELO, MAIL, RCPT, DATA, END_OF_MESSAGE, VRFY, ETRN, OTHER;

        /** The state a {@code protocol_state} value names; {@link #OTHER} for anything else. */
        public static State of(String value) {
            if (value == null) return OTHER;
            return switch (value) {
                case "CONNECT" -> CONNECT;
                case "EHLO" -> EHLO;
                case "HELO" -> HELO;
                case "MAIL" -> MAIL;
                case "RCPT" -> RCPT;
                case "DATA" -> DATA;
                case "END-OF-MESSAGE" -> END_OF_MESSAGE;
                case "VRFY" -> VRFY;
                case "ETRN" -> ETRN;
                default -> OTHER;
            };
        }

        /** The metric label: the wire value in lower case ({@code end-of-message}). */
        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }
}
