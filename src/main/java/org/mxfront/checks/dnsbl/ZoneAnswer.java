// What one zone said about one client, classified by the rules of RFC 5782 and Spamhaus: an answer
// in 127.0.0.0/8 is a listing, except 127.255.255.0/24 ("query refused / error"), which never is;
// an answer outside 127/8 (a resolver that rewrites NXDOMAIN) is bogus; NXDOMAIN is "not listed".
package org.mxfront.checks.dnsbl;

import java.net.InetAddress;
import java.util.List;
import org.mxfront.dns.DnsResult;

/**
 * A zone's answer for a client.
 *
 * @param outcome   the classification
 * @param addresses the answer addresses (for LISTED, REFUSED and BOGUS)
 * @param suspended for SUSPENDED, why the zone is suspended
 */
record ZoneAnswer(Outcome outcome, List<InetAddress> addresses, ZoneHealth.Reason suspended) {
    /** Classifications of a zone's answer. */
    enum Outcome {
        LISTED, NOT_LISTED,
        /** 127.255.255.x: the zone refused or could not answer the query; never a listing. */
        REFUSED,
        /** An address outside 127.0.0.0/8. */
        BOGUS,
        FAILED, TIMEOUT,
        /** The zone was not asked: it is suspended. */
        SUSPENDED
    }

    ZoneAnswer {
        addresses = List.copyOf(addresses);
    }

    static ZoneAnswer suspended(ZoneHealth.Reason reason) {
        return new ZoneAnswer(Outcome.SUSPENDED, List.of(), reason);
    }

    static ZoneAnswer of(DnsResult r) {
        return switch (r.status()) {
            case NO_SUCH_DOMAIN, NO_DATA -> new ZoneAnswer(Outcome.NOT_LISTED, List.of(), null);
            case FAILURE -> new ZoneAnswer(Outcome.FAILED, List.of(), null);
            case TIMEOUT -> new ZoneAnswer(Outcome.TIMEOUT, List.of(), null);
            case ANSWER -> classify(r.addresses());
        };
    }

    static ZoneAnswer classify(List<InetAddress> addresses) {
        if (addresses.isEmpty()) return new ZoneAnswer(Outcome.NOT_LISTED, List.of(), null);
        Outcome o = Outcome.LISTED;
        for (InetAddress a : addresses) {
            byte[] b = a.getAddress();
            if (b.length != 4 || b[0] != 127) {
                o = Outcome.BOGUS;
            } else if ((b[1] & 0xFF) == 255 && (b[2] & 0xFF) == 255) {
                return new ZoneAnswer(Outcome.REFUSED, addresses, null);
            }
        }
        return new ZoneAnswer(o, addresses, null);
    }

    /** For REFUSED: the answer says our resolver is blocked (Spamhaus 127.255.255.252, .254, .255). */
    boolean blockedResolver() {
        if (outcome != Outcome.REFUSED) return false;
        for (InetAddress a : addresses) {
            int last = a.getAddress()[3] & 0xFF;
            if (a.getAddress()[1] == (byte) 255 && (last == 252 || last == 254 || last == 255)) return true;
        }
        return false;
    }

    /** The refused answer's last octet, for the metric's label. */
    String refusedCode() {
        for (InetAddress a : addresses) {
            if (a.getAddress().length == 4 && a.getAddress()[1] == (byte) 255) return String.valueOf(a.getAddress()[3] & 0xFF);
        }
        return "other";
    }

    /** The answer addresses as text, for logs ({@code 127.0.0.2, 127.0.0.4}). */
    String text() {
        return String.join(", ", addresses.stream().map(InetAddress::getHostAddress).toList());
    }

    /** True when this answer is a DNS failure for on-dns-failure (not a refusal, which is our configuration's fault). */
    boolean dnsFailure() {
        return outcome == Outcome.FAILED || outcome == Outcome.TIMEOUT
                || (outcome == Outcome.SUSPENDED && suspended == ZoneHealth.Reason.ERRORS);
    }
}
