// HELO/EHLO validation, each rule on its own switch. Judged when HELO arrives; with delay-reject
// (the default) the refusal is given at RCPT, as Postfix does, and it sticks to the connection:
// a second HELO with a better name does not wash it. A missing HELO is refused at RCPT.
package org.mxfront.checks.helo;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.mxfront.checks.CheckContext;
import org.mxfront.codes.Code;
import org.mxfront.net.Networks;
import org.mxfront.policy.Check;
import org.mxfront.policy.Facts;
import org.mxfront.policy.Stage;
import org.mxfront.policy.Verdict;

/** HELO name rules, at HELO (and RCPT for a missing HELO). */
public final class HeloCheck implements Check {
    private static final Pattern LABEL = Pattern.compile("[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Set<String> LOCALHOST = Set.of("localhost", "localhost.localdomain", "localhost4",
            "localhost6", "localhost.localdomain4", "localhost6.localdomain6", "ip6-localhost");

    private final HeloConfig config;
    private final Set<String> ourNames = new HashSet<>();
    private final Set<String> ourLiterals = new HashSet<>();

    public HeloCheck(HeloConfig config, CheckContext ctx) {
        this.config = config;
        ourNames.add(ctx.hostname().toLowerCase(Locale.ROOT));
        ourNames.addAll(ctx.localDomains());
        for (String n : config.ourNames()) ourNames.add(n.toLowerCase(Locale.ROOT));
        for (InetAddress a : ctx.ourAddresses()) ourLiterals.add(Networks.text(a));
    }

    @Override
    public Set<Stage> stages() { return Set.of(Stage.HELO, Stage.RCPT); }

    @Override
    public Verdict evaluate(Stage stage, Facts f) {
        if (config.exemptRelayNetworks() && f.client().relayPermitted()) return Verdict.CONTINUE;
        String helo = f.helo();
        if (stage == Stage.RCPT) {
            return helo == null && config.requireHelo() ? reject(Code.HELO_MISSING, "") : Verdict.CONTINUE;
        }
        if (helo == null) return Verdict.CONTINUE;
        String name = helo.toLowerCase(Locale.ROOT);
        if (name.endsWith(".") && name.length() > 1) name = name.substring(0, name.length() - 1);

        if (name.startsWith("[") && name.endsWith("]")) return literal(helo, name.substring(1, name.length() - 1), f);
        if (config.rejectLocalhost() && LOCALHOST.contains(name)) return reject(Code.HELO_LOCALHOST, helo);
        if (config.rejectClaimsUs() && ourNames.contains(name)) return reject(Code.HELO_CLAIMS_US, helo);
        if (IPV4.matcher(name).matches() || name.indexOf(':') >= 0) {
            if (config.rejectBareIp()) return reject(Code.HELO_BARE_IP, helo);
            return Verdict.CONTINUE;
        }
        if (config.rejectInvalid() && !validHostname(name)) return reject(Code.HELO_INVALID, helo);
        if (config.rejectNonFqdn() && name.indexOf('.') < 0) return reject(Code.HELO_NOT_FQDN, helo);
        return Verdict.CONTINUE;
    }

    private Verdict literal(String helo, String inner, Facts f) {
        String addr = inner.regionMatches(true, 0, "IPv6:", 0, 5) ? inner.substring(5) : inner;
        InetAddress literal = parseLiteral(addr, inner.length() != addr.length());
        if (literal == null) {
            return config.rejectInvalid() ? reject(Code.HELO_INVALID, helo) : Verdict.CONTINUE;
        }
        String text = Networks.text(literal);
        if (config.rejectClaimsUs() && ourLiterals.contains(text) && !text.equals(f.client().ip())) {
            return reject(Code.HELO_CLAIMS_US, helo);
        }
        if (config.rejectLiteralMismatch() && !text.equals(f.client().ip())) {
            return reject(Code.HELO_LITERAL_MISMATCH, helo);
        }
        return Verdict.CONTINUE;
    }

    private static InetAddress parseLiteral(String s, boolean v6) {
        if (v6 ? !s.matches("[0-9A-Fa-f:.]+") || s.indexOf(':') < 0 : !IPV4.matcher(s).matches()) return null;
        if (!v6) {
            for (String part : s.split("\\.")) if (Integer.parseInt(part) > 255) return null;
        }
        try {
            return InetAddress.getByName(s); // a literal: no DNS lookup happens
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** RFC 1123 host name syntax (underscores tolerated, as many real hosts use them), at most 253 octets. */
    static boolean validHostname(String name) {
        if (name.isEmpty() || name.length() > 253) return false;
        String[] labels = name.split("\\.", -1);
        for (String l : labels) if (!LABEL.matcher(l).matches()) return false;
        return !labels[labels.length - 1].chars().allMatch(Character::isDigit);
    }

    private static Verdict reject(Code code, String helo) {
        return new Verdict.Reject(code, Map.of("helo", helo));
    }

    /** A recipient's safe entry lifts the HELO check (README, "Policy for many domains": the precedence table). */
    @Override
    public boolean liftedBySafeEntry(Verdict v) {
        return true;
    }
}
