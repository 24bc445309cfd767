// HELO and EHLO: the client's name to the engine, and the EHLO extension list, which follows what
// this door and its downstream can do (SIZE from the checks, 8BITMIME, DSN and SMTPUTF8 only when the
// downstream offers them, STARTTLS while in clear with a certificate).
package org.mxfront.smtp;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.mxfront.codes.Reply;
import org.mxfront.policy.Decision;

/** HELO and EHLO. */
final class HeloCommand {
    private HeloCommand() {}

    static void helo(SmtpState s, String arg, boolean extended) throws IOException {
        String name = arg.trim();
        if (name.isEmpty()) {
            s.error(501, "5.5.4", "Syntax: " + (extended ? SmtpVerbs.EHLO : SmtpVerbs.HELO) + " hostname");
            return;
        }
        if (name.indexOf(' ') >= 0) name = name.substring(0, name.indexOf(' '));
        s.endTransaction();
        s.chunkRefused = false;
        s.helo = name;
        s.esmtp = extended;
        Decision d = s.policy.helo(name);
        if (!d.proceed()) {
            s.decision(d);
            return;
        }
        if (!extended) {
            s.ok(250, null, s.config.hostname());
            return;
        }
        List<String> lines = new ArrayList<>();
        lines.add(s.config.hostname());
        lines.add("PIPELINING");
        long size = s.config.engine().advertisedMaxSize();
        if (size < Long.MAX_VALUE) lines.add("SIZE " + size);
        Set<String> ds = s.relay.knownExtensions();
        if (ds != null && ds.contains("8BITMIME")) lines.add("8BITMIME");
        if (ds != null && ds.contains("DSN")) lines.add("DSN");
        if (s.smtp.enhancedStatusCodes()) lines.add("ENHANCEDSTATUSCODES");
        if (s.config.settings().tls() != null && s.policy.facts().client().tls() == null) lines.add(SmtpVerbs.STARTTLS);
        if (ds != null && ds.contains("SMTPUTF8")) lines.add("SMTPUTF8");
        lines.add("CHUNKING");
        s.transport.send(new Reply(250, null, lines).wire(false));
    }
}
