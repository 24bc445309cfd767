// The envelope parameters' rules (RFC 3461 DSN: NOTIFY, ORCPT; RFC 6531's UTF-8 addresses): what
// MAIL and RCPT accept before passing them on unchanged to a downstream that offers the extension.
package org.mxfront.smtp;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import org.mxfront.address.Xtext;

/** Checks of MAIL and RCPT parameters. */
final class DsnParameters {
    private DsnParameters() {}

    static boolean offers(Set<String> downstreamExtensions, String extension) {
        return downstreamExtensions != null && downstreamExtensions.contains(extension);
    }

    /** RFC 3461 4.1: NEVER alone, or one or more of SUCCESS, FAILURE, DELAY (any case, each once). */
    static boolean validNotify(String v) {
        if (v == null || v.isEmpty()) return false;
        if (v.equalsIgnoreCase("NEVER")) return true;
        Set<String> seen = new HashSet<>();
        for (String t : v.split(",", -1)) {
            String u = t.toUpperCase(Locale.ROOT);
            if (!(u.equals("SUCCESS") || u.equals("FAILURE") || u.equals("DELAY")) || !seen.add(u)) return false;
        }
        return true;
    }

    /**
     * RFC 3461 4.2: addr-type ";" xtext, at most 500 characters; with SMTPUTF8 the address may also
     * carry UTF-8 as it is (RFC 6533's utf-8-addr-unitext).
     */
    static boolean validOrcpt(String v, boolean utf8) {
        if (v == null || v.length() > 500) return false;
        int semi = v.indexOf(';');
        if (semi <= 0 || semi == v.length() - 1) return false;
        return v.substring(0, semi).matches("[A-Za-z0-9][A-Za-z0-9-]*") && Xtext.valid(v.substring(semi + 1), utf8);
    }

    static boolean ascii(String s) {
        for (int i = 0; i < s.length(); i++) if (s.charAt(i) >= 0x80) return false;
        return true;
    }
}
