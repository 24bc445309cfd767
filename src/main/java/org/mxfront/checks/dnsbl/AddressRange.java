// An IPv4 answer range of a DNSBL zone, as operators write them: 127.0.0.2, 127.0.0.4-127.0.0.7,
// 127.0.0.4-7 (last octet), 127.0.0.0/24. DNSBL answers are A records, so IPv4 only.
package org.mxfront.checks.dnsbl;

import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * An inclusive range of IPv4 addresses.
 *
 * @param first the first address as an unsigned 32-bit number
 * @param last  the last one
 */
record AddressRange(long first, long last) {
    static AddressRange parse(String text) {
        String t = text == null ? "" : text.trim();
        try {
            int slash = t.indexOf('/');
            if (slash > 0) {
                long base = v4(t.substring(0, slash));
                int bits = Integer.parseInt(t.substring(slash + 1));
                if (bits < 0 || bits > 32) throw new IllegalArgumentException();
                long mask = bits == 0 ? 0 : (0xFFFFFFFFL << (32 - bits)) & 0xFFFFFFFFL;
                return new AddressRange(base & mask, (base & mask) | (~mask & 0xFFFFFFFFL));
            }
            int dash = t.indexOf('-');
            if (dash > 0) {
                long a = v4(t.substring(0, dash));
                String rest = t.substring(dash + 1);
                long b = rest.indexOf('.') >= 0 ? v4(rest) : (a & 0xFFFFFF00L) | octet(rest);
                if (b < a) throw new IllegalArgumentException();
                return new AddressRange(a, b);
            }
            long a = v4(t);
            return new AddressRange(a, a);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' is not an IPv4 address, range (127.0.0.4-127.0.0.7) or CIDR block");
        }
    }

    boolean contains(InetAddress a) {
        if (!(a instanceof Inet4Address)) return false;
        long v = value(a);
        return v >= first && v <= last;
    }

    static long value(InetAddress a) {
        byte[] b = a.getAddress();
        return ((b[0] & 0xFFL) << 24) | ((b[1] & 0xFFL) << 16) | ((b[2] & 0xFFL) << 8) | (b[3] & 0xFFL);
    }

    private static long v4(String s) {
        String[] parts = s.trim().split("\\.", -1);
        if (parts.length != 4) throw new IllegalArgumentException();
        long v = 0;
        for (String p : parts) v = (v << 8) | octet(p);
        return v;
    }

    private static int octet(String s) {
        if (!s.matches("\\d{1,3}")) throw new IllegalArgumentException();
        int o = Integer.parseInt(s);
        if (o > 255) throw new IllegalArgumentException();
        return o;
    }
}
