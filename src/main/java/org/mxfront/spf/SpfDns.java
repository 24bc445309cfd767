// The DNS the SPF evaluator asks: the daemon's cached resolver in production (DnsResolver::lookup),
// a map in unit tests. Every future completes (within the resolver's timeout) with a DnsResult.
package org.mxfront.spf;

import java.util.concurrent.CompletableFuture;
import org.mxfront.dns.DnsResult;

/** One DNS question: name and dnsjava type. */
@FunctionalInterface
public interface SpfDns {
    CompletableFuture<DnsResult> lookup(String name, int type);
}
