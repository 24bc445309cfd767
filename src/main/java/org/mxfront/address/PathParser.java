// Parses the argument of MAIL FROM: and RCPT TO: (RFC 5321 4.1.2) into a Mailbox and its ESMTP
// parameters, with a reason for every refusal. Source routes are accepted and flagged (RFC 5321
// says to ignore them; the relay check refuses them from outside clients).
package org.mxfront.address;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.mxfront.mail.Mailbox;

/** MAIL/RCPT argument parser. Stateless. */
public final class PathParser {
    private PathParser() {}

    /** A parsed argument: a mailbox and its parameters (upper-case keys, in order), or an error reason. */
    public record Parsed(Mailbox mailbox, Map<String, String> params, String error) {
        static Parsed error(String reason) {
            return new Parsed(null, Map.of(), reason);
        }
    }

    /** The reason given for a non-ASCII address in a transaction without MAIL FROM's SMTPUTF8 parameter. */
    public static final String NEEDS_SMTPUTF8 = "a non-ASCII address requires the SMTPUTF8 parameter on MAIL FROM (RFC 6531)";

    private static final String ATEXT_SPECIALS = "!#$%&'*+-/=?^_`{|}~";

    /**
     * @param arg       the text after the verb, e.g. {@code FROM:<a@b.example> SIZE=100}
     * @param keyword   {@code FROM} or {@code TO}
     * @param allowNull whether {@code <>} is allowed (MAIL only)
     * @param utf8      whether non-ASCII is allowed (SMTPUTF8 given)
     */
    public static Parsed parse(String arg, String keyword, boolean allowNull, boolean utf8) {
        String a = arg.stripLeading();
        if (!a.regionMatches(true, 0, keyword + ":", 0, keyword.length() + 1)) {
            return Parsed.error("expected " + keyword + ":<address>");
        }
        a = a.substring(keyword.length() + 1).stripLeading();
        String path;
        String rest;
        if (a.startsWith("<")) {
            int close = closingBracket(a);
            if (close < 0) return Parsed.error("missing '>'");
            path = a.substring(1, close);
            rest = a.substring(close + 1);
            if (!rest.isEmpty() && rest.charAt(0) != ' ') return Parsed.error("text after '>'");
        } else {
            int sp = a.indexOf(' ');
            path = sp < 0 ? a : a.substring(0, sp);
            rest = sp < 0 ? "" : a.substring(sp);
            if (path.isEmpty()) return Parsed.error("empty address");
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (String p : rest.trim().split(" +")) {
            if (p.isEmpty()) continue;
            int eq = p.indexOf('=');
            String key = (eq < 0 ? p : p.substring(0, eq)).toUpperCase(Locale.ROOT);
            if (!key.matches("[A-Z0-9][A-Z0-9-]*")) return Parsed.error("bad parameter '" + p + "'");
            params.put(key, eq < 0 ? null : p.substring(eq + 1));
        }
        if (path.isEmpty()) {
            return allowNull ? new Parsed(Mailbox.NULL_SENDER, params, null) : Parsed.error("empty address");
        }
        // RFC 5321 4.1.1.3: "<Postmaster>" (any case) without a domain must be accepted as a recipient.
        if (!allowNull && path.equalsIgnoreCase("postmaster")) return new Parsed(new Mailbox(path, "", false), params, null);
        boolean route = false;
        if (path.startsWith("@")) {
            int colon = path.indexOf(':');
            if (colon < 0) return Parsed.error("bad source route");
            route = true;
            path = path.substring(colon + 1);
        }
        return mailbox(path, route, utf8, params);
    }

    private static boolean validLiteral(String s) {
        if (s.regionMatches(true, 0, "IPv6:", 0, 5)) {
            String a = s.substring(5);
            return a.matches("[0-9A-Fa-f:.]+") && a.indexOf(':') >= 0
                    && new inet.ipaddr.IPAddressString(a).isIPv6();
        }
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) return false;
        for (String p : parts) {
            if (!p.matches("\\d{1,3}") || Integer.parseInt(p) > 255) return false;
        }
        return true;
    }

    private static int closingBracket(String a) {
        boolean quoted = false;
        for (int i = 1; i < a.length(); i++) {
            char c = a.charAt(i);
            if (quoted && c == '\\') {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == '>' && !quoted) {
                return i;
            }
        }
        return -1;
    }

    private static Parsed mailbox(String s, boolean route, boolean utf8, Map<String, String> params) {
        int at;
        if (s.startsWith("\"")) {
            int i = 1;
            for (; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '\\' && i + 1 < s.length()) c = s.charAt(++i);
                else if (c == '"') break;
                if (c < 0x20 || c == 0x7f) return Parsed.error("control character in quoted local part");
                if (c >= 0x80 && !utf8) return Parsed.error(NEEDS_SMTPUTF8);
            }
            if (i >= s.length()) return Parsed.error("unterminated quoted local part");
            at = i + 1;
            if (at >= s.length() || s.charAt(at) != '@') return Parsed.error("missing domain");
        } else {
            at = s.indexOf('@');
            if (at < 0) return Parsed.error("missing domain");
            String local = s.substring(0, at);
            if (local.isEmpty()) return Parsed.error("empty local part");
            if (local.startsWith(".") || local.endsWith(".") || local.contains("..")) {
                return Parsed.error("misplaced '.' in local part");
            }
            for (int i = 0; i < local.length(); i++) {
                char c = local.charAt(i);
                if (c >= 0x80 && !utf8) return Parsed.error(NEEDS_SMTPUTF8);
                boolean ok = Character.isLetterOrDigit(c) && c < 0x80 || c == '.' || ATEXT_SPECIALS.indexOf(c) >= 0
                        || c >= 0x80 && utf8;
                if (!ok) return Parsed.error("invalid character in local part");
            }
        }
        String local = s.substring(0, at);
        String domain = s.substring(at + 1);
        if (local.getBytes(StandardCharsets.UTF_8).length > 64) return Parsed.error("local part longer than 64 octets");
        if (domain.isEmpty()) return Parsed.error("missing domain");
        if (domain.getBytes(StandardCharsets.UTF_8).length > 255) return Parsed.error("domain longer than 255 octets");
        if (domain.startsWith("[")) {
            if (!domain.endsWith("]") || !validLiteral(domain.substring(1, domain.length() - 1))) {
                return Parsed.error("bad address literal");
            }
            // keep the literal as written (an "IPv6:" tag is case-sensitive to some MTAs)
            return new Parsed(new Mailbox(local, domain, route), params, null);
        } else {
            if (domain.endsWith(".")) return Parsed.error("domain ends with '.'");
            for (String label : domain.split("\\.", -1)) {
                if (label.isEmpty() || label.length() > 63 || label.startsWith("-") || label.endsWith("-")) {
                    return Parsed.error("invalid domain");
                }
                for (int i = 0; i < label.length(); i++) {
                    char c = label.charAt(i);
                    if (c >= 0x80 && !utf8) return Parsed.error(NEEDS_SMTPUTF8);
                    boolean ok = c < 0x80 ? Character.isLetterOrDigit(c) || c == '-' : utf8;
                    if (!ok) return Parsed.error("invalid character in domain");
                }
            }
        }
        return new Parsed(new Mailbox(local, domain.toLowerCase(Locale.ROOT), route), params, null);
    }
}
