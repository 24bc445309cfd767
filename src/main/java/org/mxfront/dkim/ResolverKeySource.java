// DKIM keys from the project's cached resolver (DnsResolver: Caffeine cache by TTL, dns.timeout on
// every lookup). NXDOMAIN and NODATA are "no key"; a timeout or a server failure is temporary.
package org.mxfront.dkim;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.mxfront.dns.DnsResolver;
import org.mxfront.dns.DnsResult;
import org.xbill.DNS.Record;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/** {@link DkimKeySource} over {@link DnsResolver}. Thread-safe. */
public final class ResolverKeySource implements DkimKeySource {
    private final DnsResolver dns;

    public ResolverKeySource(DnsResolver dns) {
        this.dns = dns;
    }

    @Override
    public List<String> txt(String name) throws DkimKeyException {
        DnsResult r;
        try {
            // The resolver completes every future within its timeout; the margin only guards against a bug.
            r = dns.lookup(name, Type.TXT).get(dns.timeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new DkimKeyException("key lookup for " + name + " timed out", true);
        } catch (ExecutionException e) {
            throw new DkimKeyException("key lookup for " + name + " failed: " + e.getCause(), true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DkimKeyException("key lookup for " + name + " interrupted", true);
        }
        return switch (r.status()) {
            case ANSWER -> {
                List<String> out = new ArrayList<>();
                for (Record rec : r.records()) {
                    if (rec instanceof TXTRecord t) out.add(String.join("", t.getStrings()));
                }
                yield out;
            }
            case NO_SUCH_DOMAIN, NO_DATA -> List.of();
            case TIMEOUT -> throw new DkimKeyException("key lookup for " + name + " timed out", true);
            case FAILURE -> throw new DkimKeyException("key lookup for " + name + " failed: " + r.detail(), true);
        };
    }
}
