// What the daemon knows of a front door: the SMTP proxy, the Postfix policy-delegation server and
// the milter server all look the same from Daemon. A door owns its sockets, its threads, its protocol
// and what only it uses (the SMTP door its downstream relay); it reaches the checks only through the
// policy engine of the context it holds. Its kind is registered as a DoorType.
package org.mxfront.door;

import java.io.IOException;
import java.time.Duration;

/** A way for mail to reach the policy engine; {@code S} is the door's settings record. */
public interface Door<S> extends AutoCloseable {

    /** Short name for logs, readiness and the {@code door} metric label: {@code smtp}, {@code policy}. */
    String name();

    /** Binds and starts serving; returns once the listener is bound. */
    void start() throws IOException;

    /** The port actually bound (a test's port 0 resolved). */
    int port();

    /**
     * Puts a reloaded configuration in force for sessions that start from now on; sessions in flight
     * finish under the one they started with. The door says (one WARN) which of its settings change
     * only on restart (its listen address, say) when they differ.
     */
    void update(DoorContext<S> next);

    /** Graceful stop, first half: refuse newcomers, wait up to {@code grace} for work in flight. */
    void drain(Duration grace);

    /** The MTA it relays accepted mail to and whether that answers ({@code reachable: 127.0.0.1:10025}), or null when it relays to none. */
    default String downstream() {
        return null;
    }

    /** Null when ready to serve, else why not (one line; /readyz lists it). */
    String notReady();

    /** Stops listening and ends what is left. */
    @Override
    void close();
}
