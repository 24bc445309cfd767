// A DNS for unit tests of the SPF and DMARC evaluators: records from zone-file lines, NXDOMAIN for
// names without any, NODATA for other types, a timeout for names marked dead. Counts queries.
package org.mxfront.spf;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.mxfront.dns.DnsResult;
import org.xbill.DNS.Master;
import org.xbill.DNS.Record;

/** Zone-file text in, DnsResults out. */
public final class FakeDns implements SpfDns {
    private final Map<String, List<Record>> byName = new HashMap<>();
    private final Set<String> dead = new HashSet<>();
    public int queries;

    public FakeDns(String zone) {
        try (Master m = new Master(new java.io.ByteArrayInputStream(("$ORIGIN test.\n$TTL 300\n" + zone).getBytes()))) {
            Record r;
            while ((r = m.nextRecord()) != null) {
                byName.computeIfAbsent(key(r.getName().toString(true)), k -> new ArrayList<>()).add(r);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    public FakeDns dead(String name) {
        dead.add(key(name));
        return this;
    }

    private static String key(String n) {
        String k = n.toLowerCase(java.util.Locale.ROOT);
        return k.endsWith(".") ? k.substring(0, k.length() - 1) : k;
    }

    @Override
    public CompletableFuture<DnsResult> lookup(String name, int type) {
        queries++;
        String k = key(name);
        if (dead.contains(k)) return CompletableFuture.completedFuture(DnsResult.TIMED_OUT);
        List<Record> all = byName.get(k);
        if (all == null) return CompletableFuture.completedFuture(new DnsResult(DnsResult.Status.NO_SUCH_DOMAIN, List.of(), 60, null));
        List<Record> of = all.stream().filter(r -> r.getType() == type).toList();
        if (of.isEmpty()) return CompletableFuture.completedFuture(new DnsResult(DnsResult.Status.NO_DATA, List.of(), 60, null));
        return CompletableFuture.completedFuture(new DnsResult(DnsResult.Status.ANSWER, of, 300, null));
    }
}
