// What the console asks the running daemon: its configuration now, its doors' states, the
// downstream's health, and the admin actions the metrics endpoint already offers (explain, greylist,
// ratelimit). The daemon implements it; the console never reaches into doors itself.
package org.mxfront.console;

import java.util.List;
import org.mxfront.config.DaemonConfig;
import org.mxfront.metrics.AdminHttpServer;

/** The daemon, as the console sees it. */
public interface ConsoleBackend extends AdminHttpServer.Admin {
    /** The configuration in force now (a reload changes it). */
    DaemonConfig config();

    /** Each door's state. */
    List<DoorState> doors();

    /** The downstream's health: a short text (reachable, not reachable, none). */
    String downstream();

    /** The last configuration reload (SIGHUP, POST /reload), or null when there was none since start. */
    default Reload lastReload() {
        return null;
    }

    /** A reload's outcome: when, whether the new file is in force, and the message (the error when not). */
    record Reload(java.time.Instant at, boolean ok, String message) {}

    /**
     * A door's state.
     *
     * @param state       listening, draining or not listening
     * @param connections connections open now
     */
    record DoorState(String name, int port, String state, long connections) {}
}
