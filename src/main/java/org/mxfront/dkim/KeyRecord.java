// A DKIM key record (RFC 6376 3.6.1, RFC 8463): v=DKIM1 first if present, k= key type (rsa by
// default), h= acceptable hashes, s= service types, t= flags (y testing, s strict i= domain),
// p= the key (base64; empty means revoked). Unknown tags are ignored, as the RFC asks.
package org.mxfront.dkim;

import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One parsed key record.
 *
 * @param keyType   k= ({@code rsa} or {@code ed25519}, lower-case)
 * @param hashes    h= values, null when absent (any hash)
 * @param services  s= values, null when absent (any service)
 * @param testing   t= has y
 * @param strict    t= has s
 * @param publicKey p= decoded; empty when revoked
 */
record KeyRecord(String keyType, List<String> hashes, List<String> services, boolean testing, boolean strict,
        byte[] publicKey) {

    /** A key record that cannot be used. */
    static final class KeyException extends Exception {
        KeyException(String message) {
            super(message);
        }
    }

    private static final Pattern FIRST_V = Pattern.compile("[ \t\r\n]*v[ \t\r\n]*=");

    boolean revoked() {
        return publicKey.length == 0;
    }

    static KeyRecord parse(String text) throws KeyException {
        TagList t;
        try {
            t = TagList.parse(text);
        } catch (TagList.SyntaxException e) {
            throw new KeyException(e.getMessage());
        }
        String v = t.get("v");
        if (v != null) {
            if (!v.equals("DKIM1")) throw new KeyException("unknown version v=" + v);
            if (!FIRST_V.matcher(text).lookingAt()) throw new KeyException("v= is not the first tag");
        }
        String p = t.get("p");
        if (p == null) throw new KeyException("no p=");
        byte[] key;
        try {
            key = Base64.getDecoder().decode(TagList.squeeze(p));
        } catch (IllegalArgumentException e) {
            throw new KeyException("p= is not base64");
        }
        String k = t.get("k") == null ? "rsa" : t.get("k").toLowerCase(Locale.ROOT);
        return new KeyRecord(k, list(t.get("h")), list(t.get("s")), flags(t.get("t")).contains("y"),
                flags(t.get("t")).contains("s"), key);
    }

    private static List<String> list(String v) {
        if (v == null) return null;
        return Arrays.stream(TagList.squeeze(v).toLowerCase(Locale.ROOT).split(":")).toList();
    }

    private static List<String> flags(String v) {
        return v == null ? List.of() : list(v);
    }
}
