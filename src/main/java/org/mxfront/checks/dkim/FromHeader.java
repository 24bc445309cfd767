// The author address of a message (RFC 5322 From:) for the must-be-signed rule: only a message with
// exactly one From: field holding exactly one address has one. Comments, quoted display names and
// angle brackets are understood; groups and obsolete routes are not (such a message has no author
// here, and the DMARC check refuses it as malformed).
package org.mxfront.checks.dkim;

import java.util.Locale;
import org.mxfront.policy.HeaderSection;

/** Extracts the single From: address. */
final class FromHeader {
    private FromHeader() {}

    /** The address (domain lower-cased), or null when there is not exactly one. */
    static String address(HeaderSection headers) {
        if (headers == null) return null;
        String value = null;
        for (HeaderSection.Field f : headers.fields()) {
            if (!f.name().equalsIgnoreCase("From")) continue;
            if (value != null) return null;
            value = f.value();
        }
        return value == null ? null : parse(value);
    }

    static String parse(String value) {
        // Drop comments and quoted strings, then look for one address.
        StringBuilder sb = new StringBuilder(value.length());
        int depth = 0;
        boolean quoted = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' && (quoted || depth > 0)) {
                i++;
                continue;
            }
            if (quoted) {
                if (c == '"') quoted = false;
                continue;
            }
            if (depth > 0) {
                if (c == '(') depth++;
                else if (c == ')') depth--;
                continue;
            }
            if (c == '"') quoted = true;
            else if (c == '(') depth++;
            else sb.append(c);
        }
        String s = sb.toString();
        if (s.indexOf(',') >= 0 || s.indexOf(';') >= 0) return null;
        int lt = s.indexOf('<');
        if (lt >= 0) {
            int gt = s.indexOf('>', lt);
            if (gt < 0 || s.indexOf('<', lt + 1) >= 0) return null;
            s = s.substring(lt + 1, gt);
        }
        s = s.strip();
        int at = s.lastIndexOf('@');
        if (at <= 0 || at == s.length() - 1 || s.chars().anyMatch(ch -> ch <= ' ')) return null;
        String domain = s.substring(at + 1).toLowerCase(Locale.ROOT);
        if (domain.endsWith(".")) domain = domain.substring(0, domain.length() - 1);
        if (!domain.matches("[a-z0-9]([a-z0-9.-]*[a-z0-9])?")) return null;
        return s.substring(0, at) + "@" + domain;
    }
}
