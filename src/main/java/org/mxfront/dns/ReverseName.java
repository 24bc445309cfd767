// What reverse DNS says about a client: its PTR names and the one that is forward-confirmed
// (FCrDNS: the name's A/AAAA records include the address), as the rdns check and the client's
// logged host name (host[ip]) need it.
package org.mxfront.dns;

import java.util.List;

/**
 * The result of a reverse lookup.
 *
 * @param status   what was found
 * @param name     the verified name (only for {@link Status#VERIFIED}), without the final dot
 * @param ptrNames the PTR names seen (at most a few)
 * @param detail   for failures, what failed
 */
public record ReverseName(Status status, String name, List<String> ptrNames, String detail) {
    /** Reverse DNS outcomes. */
    public enum Status {
        /** A PTR name whose forward lookup includes the address. */
        VERIFIED,
        /** PTR names, none of which resolves back to the address. */
        UNVERIFIED,
        /** No PTR record (NXDOMAIN or no data). */
        NO_PTR,
        /** The lookups failed or timed out: nothing is known. */
        FAILED
    }

    public static final ReverseName NO_PTR = new ReverseName(Status.NO_PTR, null, List.of(), null);

    public ReverseName {
        ptrNames = List.copyOf(ptrNames);
    }

    static ReverseName verified(String name, List<String> ptrNames) {
        return new ReverseName(Status.VERIFIED, name, ptrNames, null);
    }

    static ReverseName unverified(List<String> ptrNames) {
        return new ReverseName(Status.UNVERIFIED, null, ptrNames, null);
    }

    static ReverseName failed(String detail) {
        return new ReverseName(Status.FAILED, null, List.of(), detail);
    }
}
