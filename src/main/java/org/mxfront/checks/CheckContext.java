// What a check may know of the daemon it runs in, given to its constructor with its config record.
package org.mxfront.checks;

import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Set;

/**
 * Daemon-wide facts for check constructors.
 *
 * @param hostname       our host name (HELO "claims to be us", reply last line)
 * @param ourAddresses   addresses that are ours (the listen address when specific)
 * @param localDomains   the domains configured under {@code domains:}, lower-case
 * @param clock          the clock (tests inject one)
 * @param registry       the metrics registry, for checks that count more than the engine does
 * @param stateDirectory {@code state-directory}: where checks keep files (the greylisting store)
 * @param resources      long-lived objects shared across sessions and reloads (stores); open lazily
 */
public record CheckContext(String hostname, List<InetAddress> ourAddresses, Set<String> localDomains, Clock clock,
        MeterRegistry registry, Path stateDirectory, SharedResources resources) {

    /** A context with {@code ./data} as state directory and resources of its own (tests, tools). */
    public CheckContext(String hostname, List<InetAddress> ourAddresses, Set<String> localDomains, Clock clock,
            MeterRegistry registry) {
        this(hostname, ourAddresses, localDomains, clock, registry, Path.of("data"), new SharedResources());
    }
}
