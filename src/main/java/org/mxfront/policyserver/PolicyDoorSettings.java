// The policy-delegation door's settings as it runs them (its listen address and its section), and the
// validation of its section: the door binds and checks `policy-server:` itself, ConfigLoader only
// hands it the bound record and the file's error helper.
package org.mxfront.policyserver;

import java.net.InetSocketAddress;
import org.mxfront.config.ConfigException;
import org.mxfront.config.ConfigFile;
import org.mxfront.config.DoorSettings;
import org.mxfront.net.Networks;

/**
 * @param listen  where it listens (changes only on restart)
 * @param section policy-server: as validated
 */
public record PolicyDoorSettings(InetSocketAddress listen, PolicyServerSettings section) implements DoorSettings {

    /** The top-level sections this door owns. */
    public record Sections(PolicyServerSettings policyServer) {}

    /** Validates {@code policy-server:}, on or off. */
    static PolicyDoorSettings validate(Sections s, ConfigFile f) throws ConfigException {
        PolicyServerSettings ps = f.require(s.policyServer(), "/policy-server");
        f.require(ps.enabled(), "/policy-server/enabled");
        InetSocketAddress listen = f.requiredHostPort(ps.listen(), "/policy-server/listen");
        f.positive(ps.maxConnections(), "/policy-server/max-connections");
        f.positiveDuration(ps.idleTimeout(), "/policy-server/idle-timeout");
        f.positive(ps.maxLineLength(), "/policy-server/max-line-length");
        f.positive(ps.maxAttributes(), "/policy-server/max-attributes");
        f.positive(ps.maxInstances(), "/policy-server/max-instances");
        f.positiveDuration(ps.instanceTimeout(), "/policy-server/instance-timeout");
        return new PolicyDoorSettings(listen, ps);
    }

    @Override
    public boolean enabled() { return section.enabled(); }

    @Override
    public String describe() { return "policy-server " + Networks.text(listen); }
}
