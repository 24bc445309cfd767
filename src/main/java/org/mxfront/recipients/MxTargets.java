// Where a domain's mail goes, for callouts: a host:port written in the configuration, or the
// domain's lowest-preference MX (its A record when it has no MX, RFC 5321 5.1) on port 25.
package org.mxfront.recipients;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Comparator;
import java.util.Map;
import org.mxfront.dns.DnsResolver;
import org.mxfront.dns.DnsResult;
import org.mxfront.net.HostPort;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Type;

/** Finds a callout target. Thread-safe. */
public final class MxTargets {
    /** A target, or why there is none now. */
    public sealed interface Target {
        record Found(InetSocketAddress address) implements Target {}

        /** DNS failed or timed out: try later. */
        record Unknown(String why) implements Target {}

        /** The domain has no mail server at all (no MX, no A). */
        record None(String why) implements Target {}
    }

    private final Map<String, InetSocketAddress> fixed;
    private final DnsResolver dns;
    private final int port;

    /**
     * @param fixed targets by domain (lower-case), asked instead of the MX
     * @param dns   the resolver for the others (null: only fixed targets)
     * @param port  the port of MX hosts (25)
     */
    public MxTargets(Map<String, InetSocketAddress> fixed, DnsResolver dns, int port) {
        this.fixed = Map.copyOf(fixed);
        this.dns = dns;
        this.port = port;
    }

    /** Parses {@code host:port} (an IPv6 address in brackets) without a DNS lookup for an address literal. */
    public static InetSocketAddress hostPort(String s) {
        return HostPort.unresolved(s);
    }

    public Target find(String domain) {
        InetSocketAddress f = fixed.get(domain);
        if (f != null) {
            try {
                return new Target.Found(new InetSocketAddress(InetAddress.getByName(f.getHostString()), f.getPort()));
            } catch (UnknownHostException e) {
                return new Target.Unknown("cannot resolve " + f.getHostString());
            }
        }
        if (dns == null) return new Target.Unknown("no target for " + domain + " and no dns: section");
        DnsResult mx = dns.lookup(domain, Type.MX).join();
        String host = domain;
        if (mx.failed()) return new Target.Unknown("MX lookup of " + domain + ": " + mx.detail());
        if (mx.status() == DnsResult.Status.ANSWER) {
            MXRecord best = mx.records().stream().filter(r -> r instanceof MXRecord).map(r -> (MXRecord) r)
                    .min(Comparator.comparingInt(MXRecord::getPriority)).orElse(null);
            if (best == null) return new Target.Unknown("MX answer of " + domain + " without MX records");
            host = DnsResolver.text(best.getTarget());
            if (host.isEmpty() || host.equals(".")) return new Target.None(domain + " has a null MX");
        } else if (mx.status() == DnsResult.Status.NO_SUCH_DOMAIN) {
            return new Target.None(domain + " does not exist");
        }
        DnsResult a = dns.lookup(host, Type.A).join();
        if (a.failed()) return new Target.Unknown("A lookup of " + host + ": " + a.detail());
        for (var r : a.records()) {
            if (r instanceof ARecord ar) return new Target.Found(new InetSocketAddress(ar.getAddress(), port));
        }
        return new Target.None(host + " has no address");
    }
}
