// The addresses of a From: (or Reply-To:) field value, enough for DMARC's one-From rule and the
// phishing list: display names, comments, quoted strings and groups are read past. Not a full RFC
// 5322 parser (mime4j-dom is not on the classpath); what it cannot read yields no address, which the
// dmarc check refuses as malformed rather than guess.
package org.mxfront.dmarc;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Extracts addr-specs from an address-list field value. Stateless. */
public final class FromAddresses {
    private FromAddresses() {}

    /** The addresses in the value (lower-cased domain), in order; empty when there is none. */
    public static List<String> parse(String value) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        int depth = 0;
        boolean quoted = false;
        boolean angle = false;
        String inAngle = null;
        StringBuilder angleText = new StringBuilder();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (quoted) {
                if (c == '\\' && i + 1 < value.length()) {
                    i++;
                } else if (c == '"') {
                    quoted = false;
                }
                if (angle) angleText.append(c);
                continue;
            }
            if (depth > 0) {
                if (c == '(') depth++;
                else if (c == ')') depth--;
                else if (c == '\\') i++;
                continue;
            }
            switch (c) {
                case '(' -> depth++;
                case '"' -> {
                    quoted = true;
                    if (angle) angleText.append(c);
                }
                case '<' -> {
                    angle = true;
                    angleText.setLength(0);
                }
                case '>' -> {
                    angle = false;
                    inAngle = angleText.toString();
                }
                case ',', ';' -> {
                    add(out, inAngle != null ? inAngle : cur.toString());
                    cur.setLength(0);
                    inAngle = null;
                }
                case ':' -> {
                    if (angle) angleText.append(c);
                    else cur.setLength(0); // a group's display name
                }
                default -> {
                    if (angle) angleText.append(c);
                    else cur.append(c);
                }
            }
        }
        add(out, inAngle != null ? inAngle : cur.toString());
        return out;
    }

    private static void add(List<String> out, String candidate) {
        String a = candidate.trim();
        int at = a.lastIndexOf('@');
        if (at <= 0 || at == a.length() - 1 || a.indexOf(' ') >= 0) return;
        out.add(a.substring(0, at) + "@" + a.substring(at + 1).toLowerCase(Locale.ROOT));
    }

    /** The domain of an address from {@link #parse}. */
    public static String domain(String address) {
        return address.substring(address.lastIndexOf('@') + 1);
    }
}
