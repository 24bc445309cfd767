// The header side of RFC 6376: the header section split into fields as they were on the wire,
// simple and relaxed header canonicalisation (3.4.1, 3.4.2), field selection bottom-up for h=
// with over-signing (5.4.2), and the b= value blanked in the signature field itself (3.7).
package org.mxfront.dkim;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Header fields and their canonical forms. Fields are held as ISO-8859-1 text: one char per byte. */
final class HeaderCanon {
    private HeaderCanon() {}

    /** One field as received: {@code raw} is "Name: value" with its folding, without the final CRLF. */
    record Field(String name, String raw) {
        /** Everything after the first colon, folding included. */
        String value() {
            return raw.substring(raw.indexOf(':') + 1);
        }
    }

    /** Splits a header section (bytes up to, possibly including, the empty line) into fields. */
    static List<Field> fields(byte[] section, int len) {
        String text = new String(section, 0, len, StandardCharsets.ISO_8859_1);
        List<Field> out = new ArrayList<>();
        StringBuilder cur = null;
        int i = 0;
        while (i < text.length()) {
            int eol = text.indexOf("\r\n", i);
            String line = eol < 0 ? text.substring(i) : text.substring(i, eol);
            i = eol < 0 ? text.length() : eol + 2;
            if (line.isEmpty()) break; // the empty line that ends the section
            boolean continuation = line.charAt(0) == ' ' || line.charAt(0) == '\t';
            if (continuation && cur != null) {
                cur.append("\r\n").append(line);
                continue;
            }
            add(out, cur);
            cur = new StringBuilder(line);
        }
        add(out, cur);
        return out;
    }

    private static void add(List<Field> out, StringBuilder cur) {
        if (cur == null) return;
        String raw = cur.toString();
        int colon = raw.indexOf(':');
        if (colon <= 0) return; // not a header field: never signed, never selected
        String name = raw.substring(0, colon);
        int e = name.length();
        while (e > 0 && (name.charAt(e - 1) == ' ' || name.charAt(e - 1) == '\t')) e--;
        out.add(new Field(name.substring(0, e), raw));
    }

    /** The canonical form of a field, without the trailing CRLF. */
    static String canonical(String raw, boolean relaxed) {
        if (!relaxed) return raw;
        int colon = raw.indexOf(':');
        String name = raw.substring(0, colon).strip().toLowerCase(Locale.ROOT);
        String value = raw.substring(colon + 1);
        StringBuilder sb = new StringBuilder(raw.length());
        sb.append(name).append(':');
        boolean space = false;
        boolean started = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\r' || c == '\n') continue; // unfold
            if (c == ' ' || c == '\t') {
                space = true;
                continue;
            }
            if (space && started) sb.append(' ');
            space = false;
            started = true;
            sb.append(c);
        }
        return sb.toString();
    }

    /**
     * The fields that h= names, in h= order: for each name the last instance not yet used, bottom
     * up; a name with no instance left contributes nothing (that is how over-signing works).
     */
    static List<Field> select(List<Field> fields, List<String> names) {
        boolean[] used = new boolean[fields.size()];
        List<Field> out = new ArrayList<>(names.size());
        for (String n : names) {
            for (int i = fields.size() - 1; i >= 0; i--) {
                if (!used[i] && fields.get(i).name().equalsIgnoreCase(n)) {
                    used[i] = true;
                    out.add(fields.get(i));
                    break;
                }
            }
        }
        return out;
    }

    /** The signature field with the value of its b= tag removed (the surrounding whitespace too). */
    static String blankB(String raw) {
        int colon = raw.indexOf(':');
        int pos = colon + 1;
        while (pos <= raw.length()) {
            int semi = raw.indexOf(';', pos);
            int end = semi < 0 ? raw.length() : semi;
            int eq = raw.indexOf('=', pos);
            if (eq >= 0 && eq < end && TagList.strip(raw.substring(pos, eq)).equals("b")) {
                return raw.substring(0, eq + 1) + raw.substring(end);
            }
            if (semi < 0) break;
            pos = semi + 1;
        }
        return raw;
    }
}
