// RFC 6376 3.2 tag=value lists, shared by DKIM-Signature fields and key records: names are
// case-sensitive, whitespace around names and values is dropped, a duplicate name is an error.
package org.mxfront.dkim;

import java.util.LinkedHashMap;
import java.util.Map;

/** A parsed tag list. */
record TagList(Map<String, String> tags) {

    /** A tag list that cannot be parsed. */
    static final class SyntaxException extends Exception {
        SyntaxException(String message) {
            super(message);
        }
    }

    /** Parses {@code text} (the header field value, folding included, or a TXT record's text). */
    static TagList parse(String text) throws SyntaxException {
        Map<String, String> tags = new LinkedHashMap<>();
        String[] specs = text.split(";", -1);
        for (int i = 0; i < specs.length; i++) {
            String spec = specs[i];
            if (spec.isBlank()) {
                // An empty spec is allowed only as a trailing ";".
                if (i == specs.length - 1) break;
                throw new SyntaxException("empty tag");
            }
            int eq = spec.indexOf('=');
            if (eq < 0) throw new SyntaxException("tag without '=': " + abbreviate(spec));
            String name = strip(spec.substring(0, eq));
            if (!validName(name)) throw new SyntaxException("invalid tag name: " + abbreviate(name));
            String value = strip(spec.substring(eq + 1));
            if (tags.putIfAbsent(name, value) != null) throw new SyntaxException("duplicate tag " + name + "=");
        }
        return new TagList(Map.copyOf(tags));
    }

    String get(String name) {
        return tags.get(name);
    }

    /** Removes folding whitespace (SP, HTAB, CR, LF) at both ends. */
    static String strip(String s) {
        int a = 0;
        int b = s.length();
        while (a < b && fws(s.charAt(a))) a++;
        while (b > a && fws(s.charAt(b - 1))) b--;
        return s.substring(a, b);
    }

    /** The value without any folding whitespace inside (b=, bh=, p=, h=). */
    static String squeeze(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) if (!fws(s.charAt(i))) sb.append(s.charAt(i));
        return sb.toString();
    }

    static boolean fws(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    private static boolean validName(String n) {
        if (n.isEmpty() || !Character.isLetter(n.charAt(0)) || n.charAt(0) > 127) return false;
        for (int i = 1; i < n.length(); i++) {
            char c = n.charAt(i);
            if (!(c < 128 && (Character.isLetterOrDigit(c) || c == '_'))) return false;
        }
        return true;
    }

    private static String abbreviate(String s) {
        String t = strip(s);
        return t.length() > 40 ? t.substring(0, 40) + "..." : t;
    }
}
