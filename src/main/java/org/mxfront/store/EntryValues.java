// Validation and normalisation of what goes into the policy store: list entry values, scope keys,
// domain names. One place, used by the API, the CLI, `policy import` and the snapshot loader, so a
// value is judged the same wherever it comes from. Errors name the field: "value: not an IP ...".
package org.mxfront.store;

import inet.ipaddr.AddressStringException;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.util.Locale;
import java.util.regex.Pattern;

/** Static validators; each throws {@link BadValue} naming the field. */
public final class EntryValues {
    private EntryValues() {}

    /** A value refused, with the field it came from. */
    public static final class BadValue extends IllegalArgumentException {
        private final String field;

        public BadValue(String field, String problem) {
            super(field + ": " + problem);
            this.field = field;
        }

        public String field() { return field; }
    }

    private static final Pattern DOMAIN = Pattern.compile("[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?)*");
    private static final Pattern LOCAL = Pattern.compile("[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}");

    /** A domain name, lower-cased; refuses control characters, spaces, and anything not a host name. */
    public static String domain(String field, String s) {
        if (s == null || s.isEmpty()) throw new BadValue(field, "missing value");
        noControls(field, s);
        String d = s.toLowerCase(Locale.ROOT);
        if (d.endsWith(".")) d = d.substring(0, d.length() - 1);
        if (d.length() > 253 || !DOMAIN.matcher(d).matches()) throw new BadValue(field, "not a domain name");
        return d;
    }

    /** An address local@domain (dot-atom local part), lower-cased. */
    public static String address(String field, String s) {
        if (s == null || s.isEmpty()) throw new BadValue(field, "missing value");
        noControls(field, s);
        int at = s.lastIndexOf('@');
        if (at <= 0 || at == s.length() - 1) throw new BadValue(field, "not an address (local@domain)");
        String local = s.substring(0, at);
        if (!LOCAL.matcher(local).matches() || local.startsWith(".") || local.endsWith(".") || local.contains("..")) {
            throw new BadValue(field, "not an address (local@domain)");
        }
        return local.toLowerCase(Locale.ROOT) + "@" + domain(field, s.substring(at + 1));
    }

    /** An IP address or CIDR block, as its network in canonical form ({@code 192.0.2.0/24}, {@code 2001:db8::/32}, {@code 192.0.2.7/32}). */
    public static String cidr(String field, String s) {
        if (s == null || s.isEmpty()) throw new BadValue(field, "missing value");
        noControls(field, s);
        try {
            IPAddressString str = new IPAddressString(s.trim());
            str.validate();
            IPAddress a = str.toAddress();
            if (a == null || !(a.isIPv4() || a.isIPv6())) throw new BadValue(field, "not an IP address or CIDR block");
            if (!a.isPrefixed()) a = a.setPrefixLength(a.getBitCount(), false);
            IPAddress block = a.toPrefixBlock();
            return block.getLower().withoutPrefixLength().toCanonicalString() + "/" + block.getNetworkPrefixLength();
        } catch (AddressStringException | RuntimeException e) {
            if (e instanceof BadValue b) throw b;
            throw new BadValue(field, "not an IP address or CIDR block");
        }
    }

    /** A value of the given kind, normalised. A sender domain may start with '.' (subdomains too). */
    public static String value(ListEntry.Kind kind, String field, String s) {
        return switch (kind) {
            case IP -> cidr(field, s);
            case SENDER -> address(field, s);
            case SENDER_DOMAIN -> s != null && s.startsWith(".") ? "." + domain(field, s.substring(1)) : domain(field, s);
        };
    }

    /** The scope key for a scope: "" (operator), a domain, an address. */
    public static String scopeKey(ListEntry.Scope scope, String field, String s) {
        return switch (scope) {
            case OPERATOR -> {
                if (s != null && !s.isEmpty()) throw new BadValue(field, "operator scope takes no domain or address");
                yield "";
            }
            case DOMAIN -> domain(field, s);
            case USER -> address(field, s);
        };
    }

    /** Free text: one line, no control characters, at most {@code max} characters. */
    public static String text(String field, String s, int max) {
        if (s == null) return null;
        noControls(field, s);
        if (s.length() > max) throw new BadValue(field, "longer than " + max + " characters");
        return s;
    }

    private static void noControls(String field, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) throw new BadValue(field, "contains a control character (CR, LF, NUL, ...)");
        }
    }
}
