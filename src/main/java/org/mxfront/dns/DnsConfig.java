// The `dns:` section: which resolvers the DNS checks ask, how long a lookup may take, how answers
// are cached, and whether the client's verified host name is looked up at connect.
// Keys (defaults): resolvers ([] = the system's, /etc/resolv.conf), timeout (2s), client-names
// (false), cache.max-entries (100000), cache.min-ttl (60s), cache.max-ttl (1h).
package org.mxfront.dns;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import inet.ipaddr.IPAddressString;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * DNS settings shared by every DNS check.
 *
 * @param resolvers   resolver addresses as {@code ADDRESS[:PORT]} ({@code [v6]:PORT} for IPv6), asked in
 *                    order; empty means the system's resolvers
 * @param timeout     the most one lookup may take, whatever the resolvers do (per server: an even share)
 * @param clientNames look up the client's verified (forward-confirmed) host name at connect, for logs
 *                    and XFORWARD NAME
 * @param cache       the answer cache
 */
public record DnsConfig(List<Server> resolvers, Duration timeout, Boolean clientNames, CacheConfig cache) {
    private static final Pattern HOST_PORT = Pattern.compile("^\\[?([^\\[\\]]+?)]?(?::(\\d{1,5}))?$");

    public DnsConfig {
        resolvers = resolvers == null ? List.of() : List.copyOf(resolvers);
        if (timeout == null) timeout = Duration.ofSeconds(2);
        if (clientNames == null) clientNames = false;
        if (cache == null) cache = new CacheConfig(null, null, null);
        if (timeout.isZero() || timeout.isNegative()) throw new IllegalArgumentException("timeout must be longer than zero");
    }

    /** Settings for resolvers given as text ({@code 127.0.0.1:5353}). */
    public static DnsConfig of(List<String> resolvers, Duration timeout, Boolean clientNames, CacheConfig cache) {
        return new DnsConfig(resolvers.stream().map(Server::parse).toList(), timeout, clientNames, cache);
    }

    /**
     * One resolver.
     *
     * @param address its address and port
     * @param text    as configured
     */
    public record Server(InetSocketAddress address, String text) {
        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        public static Server parse(String text) {
            return new Server(DnsConfig.address(text), text);
        }

        @JsonValue
        @Override
        public String toString() { return text; }
    }

    /** The defaults. */
    public static DnsConfig defaults() {
        return new DnsConfig(null, null, null, null);
    }

    /** The resolver addresses (port 53 unless given); empty for the system's. */
    public List<InetSocketAddress> resolverAddresses() {
        List<InetSocketAddress> out = new ArrayList<>();
        for (Server r : resolvers) out.add(r.address());
        return out;
    }

    static InetSocketAddress address(String text) {
        String t = text == null ? "" : text.trim();
        // A bare IPv6 address has colons but no brackets: all of it is the address.
        boolean bareV6 = t.indexOf(':') != t.lastIndexOf(':') && !t.startsWith("[");
        Matcher m = HOST_PORT.matcher(t);
        String host = bareV6 ? t : m.matches() ? m.group(1) : null;
        String port = bareV6 || !m.matches() ? null : m.group(2);
        IPAddressString ip = host == null ? null : new IPAddressString(host);
        boolean literal = ip != null && (ip.isIPv6() || (ip.isIPv4() && host.matches("\\d{1,3}(\\.\\d{1,3}){3}")));
        if (!literal) {
            throw new IllegalArgumentException("resolver '" + text + "' must be an IP address with an optional port"
                    + " (e.g. 127.0.0.1:5353 or [::1]:53)");
        }
        int p = port == null ? 53 : Integer.parseInt(port);
        if (p < 1 || p > 65535) throw new IllegalArgumentException("resolver '" + text + "': port out of range");
        try {
            return new InetSocketAddress(InetAddress.getByName(host), p);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("resolver '" + text + "' is not an IP address");
        }
    }

    /**
     * @param maxEntries answers kept at most
     * @param minTtl     an answer is kept at least this long, whatever its TTL (also for NXDOMAIN without SOA)
     * @param maxTtl     and at most this long
     */
    public record CacheConfig(Integer maxEntries, Duration minTtl, Duration maxTtl) {
        public CacheConfig {
            if (maxEntries == null) maxEntries = 100_000;
            if (minTtl == null) minTtl = Duration.ofSeconds(60);
            if (maxTtl == null) maxTtl = Duration.ofHours(1);
            if (maxEntries < 0) throw new IllegalArgumentException("max-entries must not be negative");
            if (minTtl.isNegative()) throw new IllegalArgumentException("min-ttl must not be negative");
            if (maxTtl.compareTo(minTtl) < 0) throw new IllegalArgumentException("max-ttl must not be shorter than min-ttl");
        }
    }
}
