// STARTTLS (RFC 3207): the handshake through the transport, which drops what the client sent in clear
// after the command (CVE-2011-0411); afterwards the client must say EHLO again. With
// tls.security-level encrypt, most verbs are refused until it has run.
package org.mxfront.smtp;

import java.io.IOException;
import org.mxfront.mail.TlsInfo;
import org.mxfront.tls.ServerTls;
import org.mxfront.tls.TlsSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** STARTTLS. */
final class StartTlsCommand {
    private static final Logger LOG = LoggerFactory.getLogger(SmtpConversation.class);

    private StartTlsCommand() {}

    /** With tls.security-level encrypt, before STARTTLS: true for every verb but the few RFC 3207 lets through. */
    static boolean requiredFirst(SmtpState s, String verb) {
        return s.config.settings().tls() != null && s.config.settings().tls().level() == TlsSettings.SecurityLevel.ENCRYPT
                && s.policy.facts().client().tls() == null && !SmtpVerbs.BEFORE_STARTTLS.contains(verb);
    }

    static void starttls(SmtpState s, String arg) throws IOException {
        ServerTls tls = s.config.settings().tls();
        if (tls == null) {
            s.error(502, "5.5.1", "Error: STARTTLS not implemented");
            return;
        }
        if (!arg.isBlank()) {
            s.error(501, "5.5.4", "Syntax: STARTTLS");
            return;
        }
        if (s.policy.facts().client().tls() != null) {
            s.error(554, "5.5.1", "Error: TLS already active");
            return;
        }
        if (s.sender != null) {
            s.error(503, "5.5.1", "Error: MAIL transaction in progress");
            return;
        }
        s.transport.send("220 2.0.0 Ready to start TLS");
        TlsInfo info;
        try {
            info = s.transport.startTls(tls);
        } catch (IOException e) {
            s.meters.tlsHandshake(null, null, false);
            LOG.info("TLS handshake with {} failed: {}", s.policy.facts().client().logName(), e.getMessage());
            s.close();
            return;
        }
        s.meters.tlsHandshake(info.protocol(), info.cipher(), true);
        // RFC 3207 4.2: forget what the client said in clear; it must say EHLO again.
        s.helo = null;
        s.esmtp = false;
        s.endTransaction();
        s.policy.tlsStarted(info);
    }
}
