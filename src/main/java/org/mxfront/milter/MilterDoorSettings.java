// The milter door's settings as it runs them: its listen address and its section.
package org.mxfront.milter;

import java.net.InetSocketAddress;
import org.mxfront.config.DaemonConfig;
import org.mxfront.config.Settings.MilterSettings;

/**
 * @param listen  where it listens (changes only on restart)
 * @param section milter: as validated
 */
public record MilterDoorSettings(InetSocketAddress listen, MilterSettings section) implements org.mxfront.config.DoorSettings {
    @Override
    public boolean enabled() { return true; }

    @Override
    public String describe() { return "milter " + org.mxfront.net.Networks.text(listen); }

    /** This door's settings in a configuration, or null when the door is off there. */
    static MilterDoorSettings of(DaemonConfig c) {
        return c.milterListen() == null ? null : new MilterDoorSettings(c.milterListen(), c.settings().milter());
    }
}
