// The trace line mxfront adds to every message it relays (RFC 5321 4.4), in Postfix's shape: with
// XFORWARD, Postfix's own Received line names the proxy, so mxfront writes the client's.
package org.mxfront.smtp;

import java.net.Inet6Address;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import org.mxfront.mail.Mailbox;
import org.mxfront.mail.TlsInfo;

/** The Received header. */
final class ReceivedHeader {
    private static final DateTimeFormatter RECEIVED_DATE = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.US);

    private ReceivedHeader() {}

    /** The trace line mxfront adds to every message it relays (RFC 5321 4.4), in Postfix's shape. */
    static String of(SmtpState s) {
        var client = s.policy.facts().client();
        TlsInfo tls = client.tls();
        String addr = client.address() instanceof Inet6Address ? "IPv6:" + client.ip() : client.ip();
        String proto = (s.smtputf8 ? "UTF8SMTP" : s.esmtp ? "ESMTP" : "SMTP") + (tls != null ? "S" : "");
        StringBuilder h = new StringBuilder(256);
        h.append("Received: from ").append(s.helo == null ? "unknown" : s.helo)
                .append(" (").append(client.reverseName() == null ? "unknown" : client.reverseName())
                .append(" [").append(addr).append("])");
        if (tls != null) {
            h.append("\r\n\t(using ").append(tls.protocol()).append(" with cipher ").append(tls.cipher());
            if (tls.bits() > 0) h.append(" (").append(tls.bits()).append('/').append(tls.bits()).append(" bits)");
            h.append(')');
        }
        h.append("\r\n\tby ").append(s.config.hostname()).append(" (mxfront) with ").append(proto)
                .append(" id ").append(s.policy.facts().state().id());
        List<Mailbox> rcpts = s.policy.recipients();
        if (rcpts.size() == 1) h.append("\r\n\tfor <").append(rcpts.get(0).address()).append('>');
        h.append("; ").append(RECEIVED_DATE.format(ZonedDateTime.now(ZoneOffset.UTC)))
                .append(" (UTC)");
        return h.toString();
    }
}
