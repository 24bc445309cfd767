// What a check may know of the daemon it runs in, given to its constructor with its config record.
package org.mxfront.checks;

import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.time.Clock;
import java.util.List;
import java.util.Set;

/**
 * Daemon-wide facts for check constructors.
 *
 * @param hostname      our host name (HELO "claims to be us", reply last line)
 * @param ourAddresses  addresses that are ours (the listen address when specific)
 * @param localDomains  the domains configured under {@code domains:}, lower-case
 * @param clock         the clock (tests inject one)
 * @param registry      the metrics registry, for checks that count more than the engine does
 */
public record CheckContext(String hostname, List<InetAddress> ourAddresses, Set<String> localDomains, Clock clock,
        MeterRegistry registry) {}
