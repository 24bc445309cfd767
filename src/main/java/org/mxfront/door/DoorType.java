// A kind of door, registered the way checks are (org.mxfront.Doors lists them, one line each): its
// name, where its settings come from in a loaded configuration, and how to build one. Daemon starts,
// reloads and stops doors through this and the Door interface alone, naming none of them.
package org.mxfront.door;

import java.util.function.BiFunction;
import java.util.function.Function;
import org.mxfront.config.DaemonConfig;
import org.mxfront.metrics.MxMeters;

/**
 * A door kind.
 *
 * @param name     the door's name (logs, readiness, the {@code door} label)
 * @param settings the door's validated settings in a configuration, or null when the door is off there
 * @param factory  builds the door from its first context and the daemon's meters
 */
public record DoorType<S>(String name, Function<DaemonConfig, S> settings,
        BiFunction<DoorContext<S>, MxMeters, Door<S>> factory) {

    /** The door's context in a configuration; null when the door is off in it. */
    public DoorContext<S> context(DaemonConfig c) {
        S s = settings.apply(c);
        return s == null ? null : new DoorContext<>(c.engine(), c.hostname(), s);
    }

    /** A door of this kind for a configuration, or null when it is off there. */
    public Door<S> open(DaemonConfig c, MxMeters meters) {
        DoorContext<S> ctx = context(c);
        return ctx == null ? null : factory.apply(ctx, meters);
    }
}
