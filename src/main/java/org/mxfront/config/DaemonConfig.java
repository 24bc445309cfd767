// The configuration as the daemon uses it: validated settings, parsed addresses, each door's settings
// (validated by the door) and the policy engine.
package org.mxfront.config;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.mxfront.checks.SharedResources;
import org.mxfront.net.Networks;
import org.mxfront.policy.PolicyEngine;
import org.mxfront.store.PolicyStore;
import org.mxfront.store.PolicyStoreService;
import org.mxfront.tls.ServerTls;

/**
 * A loaded, valid configuration. Immutable; a reload produces a new one.
 *
 * @param source          the file it came from ({@code <embedded defaults>} when none)
 * @param settings        the bound settings
 * @param hostname        our host name (resolved when the file leaves it empty)
 * @param doors           each door's validated settings (on or off) by door name, in the registry's order
 * @param relayNetworks   clients that may relay
 * @param stateDirectory  where state is kept
 * @param engine          the policy engine built from the checks and domains
 * @param metricsListen   the admin/metrics HTTP address, or null when it is off
 * @param resources       the long-lived objects its checks use (stores): shared with the configurations
 *                        reloaded from it, closed when the daemon stops
 * @param console         the web console, or null when it is off
 * @param journal         the decision journal, or null when it is off (or the policy store is)
 */
public record DaemonConfig(String source, Settings settings, String hostname, Map<String, DoorSettings> doors,
        Networks relayNetworks, Path stateDirectory, PolicyEngine engine, InetSocketAddress metricsListen,
        SharedResources resources, Console console, JournalConfig journal) {

    /** Whether the door of this name ({@code smtp}, {@code policy}, {@code milter}) runs in this configuration. */
    public boolean doorOn(String name) {
        DoorSettings d = doors.get(name);
        return d != null && d.enabled();
    }

    /**
     * The decision journal: where (the policy store's database) and for how long.
     *
     * @param store the policy store whose database holds it
     * @param keep  retention
     */
    public record JournalConfig(PolicyStore store, Duration keep) {}

    /**
     * The web console's settings, validated.
     *
     * @param listen         where it listens
     * @param tls            HTTPS, or null for plain HTTP (loopback, or plain-http: true)
     * @param usersFile      the local accounts file, or null
     * @param sessionTimeout idle login lifetime
     * @param loginLimit     failed logins per user and per client per 15 minutes
     * @param ldapLogin      LDAP bind logins through the recipients check's directory
     * @param ldapOperators  attribute values that make an LDAP user an operator
     * @param ldapDomainAdmins attribute values that make an LDAP user a domain admin of its domain
     * @param store          the policy store (its lists are edited on the console's Lists page), or null when off
     */
    public record Console(InetSocketAddress listen, ServerTls tls, Path usersFile,
            Duration sessionTimeout, int loginLimit, boolean ldapLogin, List<String> ldapOperators,
            List<String> ldapDomainAdmins, PolicyStoreService store) {}
}
