// Parameters of Content-Type and Content-Disposition as mail clients really write them: quoted or
// not, RFC 2231 extended values (filename*=UTF-8''%E2%80%AE...) and continuations (filename*0*=,
// filename*1=), and RFC 2047 encoded words (=?UTF-8?B?...?=) inside quoted values, which RFC 2047
// forbids but every client sends. Mime4j decodes the encoded words; it has no RFC 2231 support,
// hence this small lenient parser. It never throws: what it cannot parse it keeps as text.
package org.mxfront.content;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;

/**
 * A parsed structured header value.
 *
 * @param value  the main value (e.g. {@code attachment} or {@code application/pdf}), lower-cased
 * @param params every decoded value of each parameter, by lower-case name; a name given several
 *               ways (plain, extended, continued, repeated) keeps all of them, since different mail
 *               clients pick different ones
 */
public record MimeParams(String value, Map<String, List<String>> params) {
    private static final int MAX_SEGMENTS = 256;

    /** All values of a parameter (empty when absent). */
    public List<String> all(String name) {
        return params.getOrDefault(name, List.of());
    }

    /** Parses a header field body (unfolded or not). */
    public static MimeParams parse(String body) {
        String s = body.replace("\r", "").replace("\n", "");
        int i = 0;
        int n = s.length();
        StringBuilder main = new StringBuilder();
        while (i < n && s.charAt(i) != ';') main.append(s.charAt(i++));
        List<String[]> raw = new ArrayList<>();
        while (i < n) {
            while (i < n && (s.charAt(i) == ';' || Character.isWhitespace(s.charAt(i)))) i++;
            int start = i;
            while (i < n && s.charAt(i) != '=' && s.charAt(i) != ';') i++;
            String name = s.substring(start, i).trim().toLowerCase(Locale.ROOT);
            if (i >= n || s.charAt(i) == ';') {
                continue; // a parameter without value: ignored
            }
            i++; // '='
            while (i < n && Character.isWhitespace(s.charAt(i))) i++;
            StringBuilder v = new StringBuilder();
            if (i < n && s.charAt(i) == '"') {
                i++;
                while (i < n && s.charAt(i) != '"') {
                    char c = s.charAt(i++);
                    if (c == '\\' && i < n) c = s.charAt(i++);
                    v.append(c);
                }
                if (i < n) i++; // closing quote
                while (i < n && s.charAt(i) != ';') i++; // junk after the quote
            } else {
                while (i < n && s.charAt(i) != ';') v.append(s.charAt(i++));
            }
            if (!name.isEmpty()) raw.add(new String[] {name, v.toString().trim()});
        }
        return new MimeParams(main.toString().trim().toLowerCase(Locale.ROOT), assemble(raw));
    }

    private static Map<String, List<String>> assemble(List<String[]> raw) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        Map<String, TreeMap<Integer, String[]>> continued = new LinkedHashMap<>();
        for (String[] p : raw) {
            String name = p[0];
            String value = p[1];
            int star = name.indexOf('*');
            if (star < 0) {
                add(out, name, decodeWords(value));
                continue;
            }
            String base = name.substring(0, star);
            String rest = name.substring(star + 1);
            if (rest.isEmpty()) { // name*=charset'lang'value
                add(out, base, extended(value));
                continue;
            }
            boolean encoded = rest.endsWith("*");
            String num = encoded ? rest.substring(0, rest.length() - 1) : rest;
            if (!num.matches("\\d{1,3}")) {
                add(out, name, decodeWords(value));
                continue;
            }
            TreeMap<Integer, String[]> segs = continued.computeIfAbsent(base, k -> new TreeMap<>());
            if (segs.size() < MAX_SEGMENTS) segs.put(Integer.parseInt(num), new String[] {value, encoded ? "*" : ""});
        }
        for (Map.Entry<String, TreeMap<Integer, String[]>> e : continued.entrySet()) {
            Charset cs = null;
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            boolean first = true;
            for (String[] seg : e.getValue().values()) {
                String v = seg[0];
                if (seg[1].isEmpty()) {
                    bytes.writeBytes(v.getBytes(StandardCharsets.UTF_8));
                } else {
                    if (first) {
                        int q1 = v.indexOf('\'');
                        int q2 = q1 < 0 ? -1 : v.indexOf('\'', q1 + 1);
                        if (q2 > 0) {
                            cs = charset(v.substring(0, q1));
                            v = v.substring(q2 + 1);
                        }
                    }
                    percentDecode(v, bytes);
                }
                first = false;
            }
            add(out, e.getKey(), new String(bytes.toByteArray(), cs == null ? StandardCharsets.UTF_8 : cs));
        }
        return out;
    }

    /** An RFC 2231 extended value: {@code charset'language'percent-encoded}. */
    private static String extended(String v) {
        Charset cs = null;
        int q1 = v.indexOf('\'');
        int q2 = q1 < 0 ? -1 : v.indexOf('\'', q1 + 1);
        if (q2 > 0) {
            cs = charset(v.substring(0, q1));
            v = v.substring(q2 + 1);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        percentDecode(v, bytes);
        return new String(bytes.toByteArray(), cs == null ? StandardCharsets.UTF_8 : cs);
    }

    private static void percentDecode(String v, ByteArrayOutputStream out) {
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '%' && i + 2 < v.length()) {
                int hi = Character.digit(v.charAt(i + 1), 16);
                int lo = Character.digit(v.charAt(i + 2), 16);
                if (hi >= 0 && lo >= 0) {
                    out.write(hi * 16 + lo);
                    i += 2;
                    continue;
                }
            }
            out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
        }
    }

    private static Charset charset(String name) {
        try {
            return name.isBlank() ? StandardCharsets.UTF_8 : Charset.forName(name.trim());
        } catch (RuntimeException e) {
            return StandardCharsets.UTF_8;
        }
    }

    private static String decodeWords(String v) {
        if (!v.contains("=?")) return v;
        try {
            return DecoderUtil.decodeEncodedWords(v, DecodeMonitor.SILENT);
        } catch (RuntimeException e) {
            return v;
        }
    }

    private static void add(Map<String, List<String>> out, String name, String value) {
        List<String> l = out.computeIfAbsent(name, k -> new ArrayList<>(2));
        if (!l.contains(value)) l.add(value);
    }
}
