// The configuration as the daemon uses it: validated settings, parsed addresses and the policy engine.
package org.mxfront.config;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import org.mxfront.net.Networks;
import org.mxfront.policy.PolicyEngine;

/**
 * A loaded, valid configuration. Immutable; a reload produces a new one.
 *
 * @param source          the file it came from ({@code <embedded defaults>} when none)
 * @param settings        the bound settings
 * @param hostname        our host name (resolved when the file leaves it empty)
 * @param listen          the SMTP listen address
 * @param downstream      the downstream MTA's address
 * @param relayNetworks   clients that may relay
 * @param trustedProxies  clients whose PROXY header and XCLIENT command are believed
 * @param stateDirectory  where state is kept
 * @param engine          the policy engine built from the checks and domains
 * @param metricsListen   the admin/metrics HTTP address, or null when it is off
 */
public record DaemonConfig(String source, Settings settings, String hostname, InetSocketAddress listen,
        InetSocketAddress downstream, Networks relayNetworks, Networks trustedProxies, Path stateDirectory,
        PolicyEngine engine, InetSocketAddress metricsListen) {}
