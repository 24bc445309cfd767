// Where the verifier gets key records from: the DNS in the daemon (ResolverKeySource), a map in
// unit tests. Kept as an interface so the verifier is testable with bytes and no network.
package org.mxfront.dkim;

import java.util.List;

/** TXT records by name. Implementations must be thread-safe: lookups run on their own threads. */
public interface DkimKeySource {
    /**
     * The TXT records at {@code name} (e.g. {@code sel._domainkey.example.com}), each record's
     * strings joined. NXDOMAIN or no TXT record: an empty list.
     *
     * @throws DkimKeyException when the answer is unknown ({@link DkimKeyException#temporary()} for
     *                          timeouts and server failures)
     */
    List<String> txt(String name) throws DkimKeyException;
}
