// The policy-delegation door's settings as it runs them: its listen address and its section.
package org.mxfront.policyserver;

import java.net.InetSocketAddress;
import org.mxfront.config.DaemonConfig;
import org.mxfront.config.Settings.PolicyServerSettings;

/**
 * @param listen  where it listens (changes only on restart)
 * @param section policy-server: as validated
 */
public record PolicyDoorSettings(InetSocketAddress listen, PolicyServerSettings section) {
    /** This door's settings in a configuration, or null when the door is off there. */
    static PolicyDoorSettings of(DaemonConfig c) {
        return c.policyListen() == null ? null : new PolicyDoorSettings(c.policyListen(), c.settings().policyServer());
    }
}
