// One DNS answer as the checks see it: every outcome is a value (NXDOMAIN is an answer, not an
// error), so callers switch over a status instead of unwrapping exceptions from futures.
package org.mxfront.dns;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.Record;

/**
 * The result of one lookup.
 *
 * @param status  what came back
 * @param records the answer records of the asked type (CNAMEs followed), empty unless {@link Status#ANSWER}
 * @param ttl     seconds the answer may be kept (the smallest record TTL, or the SOA's for a negative
 *                answer; -1 when unknown)
 * @param detail  for failures, what failed (for logs)
 */
public record DnsResult(Status status, List<Record> records, long ttl, String detail) {
    /** The outcome of a lookup. */
    public enum Status {
        /** Records of the asked type exist. */
        ANSWER,
        /** NXDOMAIN: the name does not exist. For a DNSBL this means "not listed". */
        NO_SUCH_DOMAIN,
        /** The name exists but has no record of that type. */
        NO_DATA,
        /** SERVFAIL, REFUSED, a network error: the answer is unknown. */
        FAILURE,
        /** No answer within the timeout. */
        TIMEOUT
    }

    public static final DnsResult TIMED_OUT = new DnsResult(Status.TIMEOUT, List.of(), -1, "timeout");

    public DnsResult {
        records = List.copyOf(records);
    }

    public static DnsResult failure(String detail) {
        return new DnsResult(Status.FAILURE, List.of(), -1, detail);
    }

    /** True for FAILURE and TIMEOUT: nothing is known. */
    public boolean failed() {
        return status == Status.FAILURE || status == Status.TIMEOUT;
    }

    /** True for NO_SUCH_DOMAIN and NO_DATA. */
    public boolean negative() {
        return status == Status.NO_SUCH_DOMAIN || status == Status.NO_DATA;
    }

    /** The addresses of A and AAAA records in the answer. */
    public List<InetAddress> addresses() {
        List<InetAddress> out = new ArrayList<>(records.size());
        for (Record r : records) {
            if (r instanceof ARecord a) out.add(a.getAddress());
            else if (r instanceof AAAARecord a) out.add(a.getAddress());
        }
        return out;
    }
}
