// The SMTP verbs the door knows, as constants, so that the conversation's dispatch, the door's
// registration with SubEtha and the tests name them one way.
package org.mxfront.smtp;

import java.util.List;
import java.util.Set;

/** SMTP command verbs (upper case). */
final class SmtpVerbs {
    static final String HELO = "HELO";
    static final String EHLO = "EHLO";
    static final String MAIL = "MAIL";
    static final String RCPT = "RCPT";
    static final String DATA = "DATA";
    static final String BDAT = "BDAT";
    static final String RSET = "RSET";
    static final String NOOP = "NOOP";
    static final String QUIT = "QUIT";
    static final String HELP = "HELP";
    static final String VRFY = "VRFY";
    static final String XCLIENT = "XCLIENT";
    static final String PROXY = "PROXY";
    static final String STARTTLS = "STARTTLS";

    /** What a client may say before STARTTLS where TLS is required (RFC 3207 4). */
    static final Set<String> BEFORE_STARTTLS = Set.of(EHLO, HELO, STARTTLS, NOOP, RSET, QUIT);

    /** Known verbs that this door does not offer: 502 5.5.1. */
    static final Set<String> NOT_IMPLEMENTED = Set.of("EXPN", "AUTH", "ETRN", "TURN", "ATRN");

    /** Every verb the door hands to the conversation. */
    static final List<String> ALL = List.of(HELO, EHLO, MAIL, RCPT, DATA, BDAT, RSET, NOOP, QUIT, HELP, VRFY, XCLIENT, PROXY,
            STARTTLS, "EXPN", "AUTH", "ETRN", "TURN", "ATRN");

    private SmtpVerbs() {}
}
