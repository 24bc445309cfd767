// `mxfront explain`: runs the whole policy for a made-up transaction (DNS and stores included,
// nothing relayed) and prints what each check found and the reply the client would get: the
// operator's answer to "why was this rejected?". Used by the CLI and by the daemon's /explain.
package org.mxfront.explain;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.mxfront.address.PathParser;
import org.mxfront.codes.Reply;
import org.mxfront.mail.Mailbox;
import org.mxfront.policy.AddedHeader;
import org.mxfront.policy.Check;
import org.mxfront.policy.ConfiguredCheck;
import org.mxfront.policy.Decision;
import org.mxfront.policy.Finding;
import org.mxfront.policy.HeaderCollector;
import org.mxfront.policy.Mode;
import org.mxfront.policy.Policy;
import org.mxfront.policy.PolicyEngine;
import org.mxfront.policy.PolicySession;
import org.mxfront.policy.SessionState;
import org.mxfront.policy.Stage;
import org.mxfront.policy.Verdict;

/** Explains a policy decision. Stateless. */
public final class Explainer {
    private Explainer() {}

    /**
     * A transaction to explain.
     *
     * @param client     the client's address
     * @param helo       its HELO name, or null for none
     * @param from       the envelope sender ("" for the null sender)
     * @param recipients the recipients
     * @param message    the message (RFC 5322, any line ends), or null to stop after RCPT
     */
    public record Request(InetAddress client, String helo, String from, List<String> recipients, byte[] message) {}

    /** Runs the policy and returns the report (several lines, the last one saying the outcome). */
    public static String explain(PolicyEngine engine, Request r, boolean enhanced) {
        List<String> out = new ArrayList<>();
        PolicySession s = engine.newSession(r.client(), 0, 1);
        s.trace(f -> out.add(line(f, enhanced)));
        out.add("client " + s.facts().client().logName() + (s.facts().client().relayPermitted() ? " (relay network)" : ""));
        Decision d = s.connect();
        if (d.proceed() && r.helo() != null) d = s.helo(r.helo());
        if (!d.proceed()) return finish(out, "CONNECT/HELO", d, enhanced);
        PathParser.Parsed from = PathParser.parse("FROM:<" + r.from() + ">", "FROM", true, true);
        if (from.error() != null) return finish(out, "MAIL", null, enhanced, "bad sender: " + from.error());
        d = s.mail(from.mailbox(), r.message() == null ? 0 : r.message().length);
        if (!d.proceed()) return finish(out, "MAIL", d, enhanced);
        int accepted = 0;
        for (String rcpt : r.recipients()) {
            PathParser.Parsed to = PathParser.parse("TO:<" + rcpt + ">", "TO", false, true);
            if (to.error() != null) {
                out.add("RCPT <" + rcpt + ">: bad address: " + to.error());
                continue;
            }
            Mailbox m = to.mailbox();
            Decision rd = s.rcpt(m);
            if (rd.proceed()) {
                s.recipientAccepted(m);
                accepted++;
                out.add("RCPT " + m + ": accepted (the downstream would be asked next)");
            } else {
                out.add("RCPT " + m + ": " + firstLine(rd.reply(), enhanced));
                d = rd;
            }
        }
        explained(out, s.facts().state(), engine, true);
        if (accepted == 0) return finish(out, "RCPT", d.proceed() ? null : d, enhanced, "no recipient accepted");
        if (r.message() == null) return finish(out, "RCPT", null, enhanced, "accepted so far (no message given)");
        s.openMessage();
        HeaderCollector headers = new HeaderCollector(256 * 1024);
        byte[] m = normalize(r.message());
        int start = 0;
        Decision hd = null;
        for (int i = 0; i + 1 < m.length; i++) {
            if (m[i] == '\r' && m[i + 1] == '\n') {
                byte[] line = Arrays.copyOfRange(m, start, i);
                if (hd == null && headers.line(line, line.length, true, false)) hd = s.headers(headers.section());
                s.messageBytes(m, start, i + 2 - start);
                start = i + 2;
                i++;
            }
        }
        if (hd == null) hd = s.headers(headers.section());
        if (!hd.proceed()) {
            authentication(out, s.facts().state(), engine);
            return finish(out, "DATA", hd, enhanced);
        }
        d = s.endOfData(m.length);
        authentication(out, s.facts().state(), engine);
        if (d.proceed()) {
            for (AddedHeader h : AddedHeader.take(s.facts().state())) {
                out.add("header added:  " + h.name() + ": " + h.value().replace("\r\n\t", " ").replace("\r\n", " "));
            }
        }
        s.resetTransaction();
        if (!d.proceed()) return finish(out, "END-OF-MESSAGE", d, enhanced);
        return finish(out, "END-OF-MESSAGE", null, enhanced, "accepted: the message would be relayed downstream");
    }

    /** Turns any line ends into CRLF and adds a final one, as the wire form would be. */
    static byte[] normalize(byte[] in) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length + 64);
        for (int i = 0; i < in.length; i++) {
            byte b = in[i];
            if (b == '\r') {
                if (i + 1 < in.length && in[i + 1] == '\n') i++;
                out.write('\r');
                out.write('\n');
            } else if (b == '\n') {
                out.write('\r');
                out.write('\n');
            } else {
                out.write(b);
            }
        }
        byte[] b = out.toByteArray();
        if (b.length < 2 || b[b.length - 2] != '\r' || b[b.length - 1] != '\n') {
            out.write('\r');
            out.write('\n');
            b = out.toByteArray();
        }
        return b;
    }

    /**
     * What the configured checks found beyond their verdicts (the SPF, DKIM and DMARC results), through
     * each check's {@link Check#explain} hook, once per check name, in policy order.
     */
    static void authentication(List<String> out, SessionState state, PolicyEngine engine) {
        explained(out, state, engine, false);
    }

    /**
     * The checks' own lines ({@link Check#explain}): those of the RCPT stage (which list entry decided
     * for each recipient) right after the recipients, when {@code rcpt}; the others after the message.
     */
    static void explained(List<String> out, SessionState state, PolicyEngine engine, boolean rcpt) {
        Set<String> seen = new HashSet<>();
        List<Policy> policies = new ArrayList<>();
        policies.add(engine.defaultPolicy());
        policies.addAll(engine.domainPolicies().values());
        for (Policy p : policies) {
            for (ConfiguredCheck cc : p.checks()) {
                if (!seen.add(cc.name())) continue;
                for (Check.Explained e : cc.check().explain(state)) {
                    if ((e.stage() == Stage.RCPT) != rcpt) continue;
                    out.add(String.format("%-14s %-18s %s", stage(e.stage()), cc.name(), e.text()));
                }
            }
        }
    }

    private static String line(Finding f, boolean enhanced) {
        String what = switch (f.verdict()) {
            case Verdict.Continue c -> "pass";
            case Verdict.Accept a -> "accept (" + a.reason() + ")";
            default -> (f.mode() == Mode.LOG_ONLY ? "would refuse (log-only): " : "refuse: ")
                    + firstLine(f.reply(), enhanced);
        };
        return String.format("%-14s %-18s %s", stage(f), f.check(), what);
    }

    private static String stage(Finding f) {
        return stage(f.stage());
    }

    private static String stage(Stage stage) {
        return switch (stage) {
            case HEADERS -> "DATA";
            case END_OF_DATA -> "END-OF-MESSAGE";
            default -> stage.name();
        };
    }

    private static String firstLine(Reply r, boolean enhanced) {
        return r.wire(enhanced).split("\r\n")[0].replaceFirst("^(\\d{3})-", "$1 ");
    }

    private static String finish(List<String> out, String stage, Decision d, boolean enhanced) {
        return finish(out, stage, d, enhanced, null);
    }

    private static String finish(List<String> out, String stage, Decision d, boolean enhanced, String note) {
        if (d != null && !d.proceed()) {
            out.add("result: refused at " + stage + " by " + d.check() + (d.disconnect() ? " (connection closed)" : "") + ":");
            for (String l : d.reply().wire(enhanced).split("\r\n")) out.add("  " + l);
        } else {
            out.add("result: " + note);
        }
        return String.join("\n", out) + "\n";
    }
}
