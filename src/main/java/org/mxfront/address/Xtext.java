// RFC 3461 xtext, in one place for every door and the relay: XCLIENT values arriving at the SMTP
// door are decoded with it, XFORWARD/XCLIENT values sent downstream are encoded with it, and DSN
// parameters (ENVID, ORCPT) use the same encoding.
package org.mxfront.address;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** xtext encoding and decoding (RFC 3461 section 4). Stateless. */
public final class Xtext {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private Xtext() {}

    /** Encodes UTF-8 bytes: printable ASCII but '+' and '=' as is, everything else as "+XX". */
    public static String encode(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c < 33 || c > 126 || c == '+' || c == '=') sb.append('+').append(HEX[c >> 4]).append(HEX[c & 15]);
            else sb.append((char) c);
        }
        return sb.toString();
    }

    /**
     * True when s is well-formed xtext (RFC 3461 4): characters 33 to 126 but '+' and '=', and '+'
     * followed by two upper-case hex digits. With {@code unicode}, characters past ASCII are allowed
     * as they are (RFC 6533 utf-8-addr-unitext, for ORCPT with SMTPUTF8).
     */
    public static boolean valid(String s, boolean unicode) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '+') {
                if (i + 2 >= s.length() || !upperHex(s.charAt(i + 1)) || !upperHex(s.charAt(i + 2))) return false;
                i += 2;
            } else if (c == '=' || c < 33 || c == 127 || c > 127 && !unicode) {
                return false;
            }
        }
        return true;
    }

    private static boolean upperHex(char c) {
        return c >= '0' && c <= '9' || c >= 'A' && c <= 'F';
    }

    /**
     * Decodes "+XX" hex pairs into bytes and reads the result as UTF-8; a '+' not followed by two hex
     * digits is kept as it is (lenient, as Postfix is with XCLIENT).
     */
    public static String decode(String s) {
        if (s.indexOf('+') < 0) return s;
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        byte[] in = s.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < in.length; i++) {
            int c = in[i];
            int hi = i + 2 < in.length ? Character.digit(in[i + 1], 16) : -1;
            int lo = hi >= 0 ? Character.digit(in[i + 2], 16) : -1;
            if (c == '+' && lo >= 0) {
                out.write(hi << 4 | lo);
                i += 2;
            } else {
                out.write(c);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
