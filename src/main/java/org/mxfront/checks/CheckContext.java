// What a check may know of the daemon it runs in, given to its constructor with its config record.
package org.mxfront.checks;

import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import org.mxfront.dns.DnsResolver;
import org.mxfront.store.PolicyStoreService;

/**
 * Daemon-wide facts for check constructors.
 *
 * @param hostname       our host name (HELO "claims to be us", reply last line)
 * @param ourAddresses   addresses that are ours (the listen address when specific)
 * @param localDomains   the domains configured under {@code domains:}, lower-case
 * @param clock          the clock (tests inject one)
 * @param registry       the metrics registry, for checks that count more than the engine does
 * @param dns            the resolver of the {@code dns:} section, for DNS checks (null when there is none)
 * @param stateDirectory {@code state-directory}: where checks keep files (the greylisting store)
 * @param resources      long-lived objects shared across sessions and reloads (stores); open lazily
 * @param policyStore    the policy store's snapshots (domains and lists), or null when {@code policy-store} is off
 */
public record CheckContext(String hostname, List<InetAddress> ourAddresses, Set<String> localDomains, Clock clock,
        MeterRegistry registry, DnsResolver dns, Path stateDirectory, SharedResources resources,
        PolicyStoreService policyStore) {
    /** A context without a policy store. */
    public CheckContext(String hostname, List<InetAddress> ourAddresses, Set<String> localDomains, Clock clock,
            MeterRegistry registry, DnsResolver dns, Path stateDirectory, SharedResources resources) {
        this(hostname, ourAddresses, localDomains, clock, registry, dns, stateDirectory, resources, null);
    }

    /** A context without DNS (tests of checks that do not resolve anything). */
    public CheckContext(String hostname, List<InetAddress> ourAddresses, Set<String> localDomains, Clock clock,
            MeterRegistry registry) {
        this(hostname, ourAddresses, localDomains, clock, registry, null);
    }

    /** A context with {@code ./data} as state directory and resources of its own (tests, tools). */
    public CheckContext(String hostname, List<InetAddress> ourAddresses, Set<String> localDomains, Clock clock,
            MeterRegistry registry, DnsResolver dns) {
        this(hostname, ourAddresses, localDomains, clock, registry, dns, Path.of("data"), new SharedResources());
    }

    /** The resolver; fails the configuration when there is none. */
    public DnsResolver requireDns() {
        if (dns == null) throw new IllegalArgumentException("this check needs the dns: section");
        return dns;
    }
}
