// XCLIENT (Postfix's extension): a trusted proxy names the client it speaks for; the session then
// starts over for that client (a new CONNECT stage, the connection count moved to its address).
package org.mxfront.smtp;

import java.io.IOException;
import java.net.InetAddress;
import java.util.Locale;
import java.util.Map;
import org.mxfront.address.Xtext;
import org.mxfront.codes.Code;
import org.mxfront.policy.Decision;
import org.mxfront.policy.Stage;
import org.mxfront.policy.Verdict;

/** XCLIENT. */
final class XclientCommand {
    private XclientCommand() {}

    static void xclient(SmtpState s, String arg) throws IOException {
        if (!s.config.settings().trustedProxies().contains(s.transport.realRemote())) {
            s.decision(s.policy.refuse(Stage.CONNECT, Verdict.reject(Code.PROXY_NOT_ALLOWED,
                    Map.of("command", SmtpVerbs.XCLIENT)), "xclient"));
            return;
        }
        if (s.sender != null) {
            s.error(503, "5.5.1", "Error: MAIL transaction in progress");
            return;
        }
        InetAddress addr = s.clientAddress();
        int port = s.policy.facts().client().port();
        String newHelo = null;
        for (String attr : arg.trim().split(" +")) {
            int eq = attr.indexOf('=');
            if (eq < 0) {
                s.error(501, "5.5.4", "Bad XCLIENT attribute: " + attr);
                return;
            }
            String k = attr.substring(0, eq).toUpperCase(Locale.ROOT);
            String v = Xtext.decode(attr.substring(eq + 1));
            boolean unavailable = v.equalsIgnoreCase("[UNAVAILABLE]") || v.equalsIgnoreCase("[TEMPUNAVAIL]");
            switch (k) {
                case "ADDR" -> {
                    if (unavailable) break;
                    String a = v.regionMatches(true, 0, "IPV6:", 0, 5) ? v.substring(5) : v;
                    if (!a.matches("[0-9a-fA-F:.]+")) {
                        s.error(501, "5.5.4", "Bad XCLIENT address");
                        return;
                    }
                    addr = InetAddress.getByName(a);
                }
                case "PORT" -> {
                    if (!unavailable && v.matches("\\d{1,5}")) port = Integer.parseInt(v);
                }
                case "HELO" -> newHelo = unavailable ? null : v;
                case "NAME", "PROTO", "LOGIN", "DESTADDR", "DESTPORT" -> { }
                default -> {
                    s.error(501, "5.5.4", "Bad XCLIENT attribute name: " + k);
                    return;
                }
            }
        }
        int count = s.counts.move(s.clientAddress(), addr);
        s.helo = newHelo;
        s.esmtp = false;
        Decision d = s.policy.changeClient(addr, port, newHelo, count);
        if (!d.proceed()) {
            s.decision(d);
            return;
        }
        s.transport.send(s.greeting());
    }
}
