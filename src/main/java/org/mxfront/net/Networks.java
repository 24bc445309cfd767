// A list of networks (CIDR blocks) to test client addresses against: relay networks, trusted
// proxies, allow-lists. Matching is done by the IPAddress library, IPv4 and IPv6 alike.
package org.mxfront.net;

import inet.ipaddr.AddressStringException;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/** An immutable list of CIDR blocks; {@link #contains} tells whether an address falls in any of them. */
public final class Networks {
    private final List<IPAddress> blocks;
    private final List<String> source;

    private Networks(List<IPAddress> blocks, List<String> source) {
        this.blocks = blocks;
        this.source = source;
    }

    public static final Networks NONE = new Networks(List.of(), List.of());

    /**
     * Parses CIDR blocks or single addresses ({@code 192.0.2.0/24}, {@code ::1/128}, {@code 10.1.2.3}).
     *
     * @throws IllegalArgumentException naming the first entry that is not a network
     */
    public static Networks parse(List<String> cidrs) {
        List<IPAddress> out = new ArrayList<>(cidrs.size());
        for (String c : cidrs) out.add(parseOne(c));
        return new Networks(List.copyOf(out), List.copyOf(cidrs));
    }

    static IPAddress parseOne(String cidr) {
        try {
            IPAddress a = new IPAddressString(cidr.trim()).toAddress();
            return a.isPrefixed() ? a.toPrefixBlock() : a;
        } catch (AddressStringException | RuntimeException e) {
            throw new IllegalArgumentException("'" + cidr + "' is not an IP address or CIDR block");
        }
    }

    public boolean contains(InetAddress address) {
        if (blocks.isEmpty()) return false;
        IPAddress a = toIp(address);
        for (IPAddress b : blocks) {
            if (b.getIPVersion() == a.getIPVersion() && b.contains(a)) return true;
        }
        return false;
    }

    public boolean isEmpty() { return blocks.isEmpty(); }

    public List<String> source() { return source; }

    static IPAddress toIp(InetAddress address) {
        IPAddress a = new IPAddressString(address.getHostAddress()).getAddress();
        if (a == null) throw new IllegalArgumentException("not an IP address: " + address);
        if (a.isIPv6() && a.toIPv6().isIPv4Mapped()) return a.toIPv6().getEmbeddedIPv4Address();
        if (a.isIPv6()) return a.toIPv6().removeZone();
        return a;
    }

    /** The canonical text of an address: dotted IPv4, RFC 5952 compressed IPv6 (IPv4-mapped shown as IPv4). */
    public static String text(InetAddress address) {
        IPAddress a = toIp(address);
        return a.isIPv6() ? a.toCompressedString() : a.toString();
    }

    /**
     * A socket address as an administrator writes it: {@code 127.0.0.1:10025}, {@code [2001:db8::1]:25},
     * or the host name it was configured with ({@code mail.example.com:25}) when it is not resolved;
     * never Java's {@code /127.0.0.1:10025}.
     */
    public static String text(InetSocketAddress address) {
        if (address.isUnresolved() || address.getAddress() == null) return address.getHostString() + ":" + address.getPort();
        String host = text(address.getAddress());
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }
}
