// MAIL and RCPT: the envelope's syntax and parameters (SIZE, BODY, SMTPUTF8 and the DSN ones, each
// accepted only when the downstream can carry it, see DsnParameters), the engine's verdict, and the
// downstream's answer to each recipient (a refusal there is rendered by DownstreamRefusals).
package org.mxfront.smtp;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.mxfront.address.PathParser;
import org.mxfront.address.Xtext;
import org.mxfront.codes.Code;
import org.mxfront.mail.Mailbox;
import org.mxfront.policy.Decision;
import org.mxfront.policy.Stage;
import org.mxfront.policy.Verdict;
import org.mxfront.relay.DownstreamException;
import org.mxfront.relay.DownstreamReply;

/** MAIL FROM and RCPT TO. */
final class EnvelopeCommands {
    private EnvelopeCommands() {}

    static void mail(SmtpState s, String arg) throws IOException {
        if (s.message != null && s.message.chunked) {
            s.error(503, "5.5.1", "Error: MAIL after BDAT");
            return;
        }
        if (s.sender != null) {
            s.error(503, "5.5.1", "Error: nested MAIL command");
            return;
        }
        PathParser.Parsed p = PathParser.parse(arg, "FROM", true, true);
        if (p.error() != null) {
            s.decision(s.policy.refuse(Stage.MAIL, Verdict.reject(Code.BAD_SENDER_SYNTAX, Map.of("reason", p.error())),
                    "syntax"));
            return;
        }
        long size = 0;
        List<String> forward = new ArrayList<>();
        Set<String> ds = s.relay.knownExtensions();
        boolean utf8 = false;
        for (Map.Entry<String, String> e : p.params().entrySet()) {
            String k = e.getKey();
            String v = e.getValue();
            switch (k) {
                case "SIZE" -> {
                    if (v == null || !v.matches("\\d{1,30}")) {
                        s.error(501, "5.5.4", "Bad SIZE parameter");
                        return;
                    }
                    size = v.length() > 18 ? Long.MAX_VALUE : Long.parseLong(v);
                    forward.add("SIZE=" + v);
                }
                case "BODY" -> {
                    String body = v == null ? "" : v.toUpperCase(Locale.ROOT);
                    if (!body.equals("7BIT") && !(body.equals("8BITMIME") && ds != null && ds.contains("8BITMIME"))) {
                        s.error(555, "5.5.4", "Unsupported BODY parameter");
                        return;
                    }
                    forward.add("BODY=" + body);
                }
                case "SMTPUTF8" -> {
                    if (v != null || ds == null || !ds.contains("SMTPUTF8")) {
                        s.error(555, "5.5.4", "Unsupported SMTPUTF8 parameter");
                        return;
                    }
                    utf8 = true;
                    forward.add("SMTPUTF8");
                }
                case "RET" -> {
                    if (!DsnParameters.offers(ds, "DSN")) {
                        s.error(555, "5.5.4", "Unsupported option: " + k);
                        return;
                    }
                    if (v == null || !v.equalsIgnoreCase("FULL") && !v.equalsIgnoreCase("HDRS")) {
                        s.error(501, "5.5.4", "Bad RET parameter: expected RET=FULL or RET=HDRS");
                        return;
                    }
                    forward.add("RET=" + v);
                }
                case "ENVID" -> {
                    if (!DsnParameters.offers(ds, "DSN")) {
                        s.error(555, "5.5.4", "Unsupported option: " + k);
                        return;
                    }
                    if (v == null || v.isEmpty() || v.length() > 100 || !Xtext.valid(v, false)) {
                        s.error(501, "5.5.4", "Bad ENVID parameter: expected xtext of 1 to 100 characters");
                        return;
                    }
                    forward.add("ENVID=" + v);
                }
                default -> {
                    s.error(555, "5.5.4", "Unsupported option: " + k);
                    return;
                }
            }
        }
        if (!utf8 && !DsnParameters.ascii(p.mailbox().address())) {
            s.decision(s.policy.refuse(Stage.MAIL, Verdict.reject(Code.BAD_SENDER_SYNTAX,
                    Map.of("reason", PathParser.NEEDS_SMTPUTF8)), "syntax"));
            return;
        }
        Decision d = s.policy.mail(p.mailbox(), size);
        if (!d.proceed()) {
            s.decision(d);
            return;
        }
        s.sender = p.mailbox();
        s.smtputf8 = utf8;
        s.chunkRefused = false;
        s.acceptedRecipients = 0;
        s.downstream = s.relay.open(s.policy.facts().client(), s.helo, s.esmtp);
        s.downstream.mail(s.sender.address(), forward);
        s.ok(250, "2.1.0", "Ok");
    }

    static void rcpt(SmtpState s, String arg) throws IOException {
        if (s.outOfSequence(SmtpVerbs.RCPT)) return;
        PathParser.Parsed p = PathParser.parse(arg, "TO", false, s.smtputf8);
        if (p.error() != null) {
            s.decision(s.policy.refuse(Stage.RCPT, Verdict.reject(Code.BAD_RECIPIENT_SYNTAX, Map.of("reason", p.error())),
                    "syntax"));
            return;
        }
        List<String> forward = new ArrayList<>(2);
        Set<String> ds = s.relay.knownExtensions();
        for (Map.Entry<String, String> e : p.params().entrySet()) {
            String k = e.getKey();
            String v = e.getValue();
            if (!(k.equals("NOTIFY") || k.equals("ORCPT")) || !DsnParameters.offers(ds, "DSN")) {
                s.error(555, "5.5.4", "Unsupported option: " + k);
                return;
            }
            if (k.equals("NOTIFY") && !DsnParameters.validNotify(v)) {
                s.error(501, "5.5.4", "Bad NOTIFY parameter: expected NEVER, or SUCCESS, FAILURE and DELAY joined by commas");
                return;
            }
            if (k.equals("ORCPT") && !DsnParameters.validOrcpt(v, s.smtputf8)) {
                s.error(501, "5.5.4", "Bad ORCPT parameter: expected addr-type;xtext, as in ORCPT=rfc822;bob@example.com");
                return;
            }
            forward.add(k + "=" + v);
        }
        Mailbox r = p.mailbox();
        Decision d = s.policy.rcpt(r);
        if (!d.proceed()) {
            s.decision(d);
            return;
        }
        DownstreamReply dr;
        try {
            dr = s.downstream.rcpt(r.address(), forward);
        } catch (DownstreamException e) {
            DownstreamRefusals.failed(s, Stage.RCPT, e);
            return;
        }
        if (!dr.positive()) {
            s.decision(DownstreamRefusals.render(s, Stage.RCPT, dr, r));
            return;
        }
        s.policy.recipientAccepted(r);
        s.acceptedRecipients++;
        s.ok(250, "2.1.5", "Ok");
    }
}
