// A kind of door, registered the way checks are (org.mxfront.Doors lists them, one line each): its
// name, the sections of the configuration file it owns with the record they bind to, the hook that
// validates them into the door's settings, and how to build the door. ConfigLoader binds and validates
// the sections through this (as DoorSection: config/ cannot name a door); Daemon starts, reloads and
// stops doors through this and the Door interface alone, naming none of them.
package org.mxfront.door;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.function.BiFunction;
import org.mxfront.config.ConfigException;
import org.mxfront.config.ConfigFile;
import org.mxfront.config.DaemonConfig;
import org.mxfront.config.DoorSection;
import org.mxfront.config.DoorSettings;
import org.mxfront.metrics.MxMeters;

/**
 * A door kind.
 *
 * @param name      the door's name (logs, readiness, the {@code door} label)
 * @param sections  the record its top-level sections bind to (one component per key it owns)
 * @param validator validates the bound sections (on or off) into the door's settings
 * @param factory   builds the door from its first context and the daemon's meters
 */
public record DoorType<R extends Record, S extends DoorSettings>(String name, Class<R> sections, Validator<R, S> validator,
        BiFunction<DoorContext<S>, MxMeters, Door<S>> factory) implements DoorSection<R, S> {

    /** A door's validation hook: problems are thrown through the file ({@code file:line: key: problem}). */
    @FunctionalInterface
    public interface Validator<R, S> {
        /** See {@link DoorSection#validate}. */
        S validate(R sections, ConfigFile file) throws ConfigException;

        /** See {@link DoorSection#older}. */
        default void older(JsonNode user, ConfigFile file) throws ConfigException {}
    }

    @Override
    public S validate(R bound, ConfigFile file) throws ConfigException {
        return validator.validate(bound, file);
    }

    @Override
    public void older(JsonNode user, ConfigFile file) throws ConfigException {
        validator.older(user, file);
    }

    /** The door's validated settings in a configuration, on or off. */
    @SuppressWarnings("unchecked")
    public S settings(DaemonConfig c) {
        return (S) c.doors().get(name);
    }

    /** The door's context in a configuration; null when the door is off in it. */
    public DoorContext<S> context(DaemonConfig c) {
        S s = settings(c);
        return s == null || !s.enabled() ? null : new DoorContext<>(c.engine(), c.hostname(), s);
    }

    /** A door of this kind for a configuration, or null when it is off there. */
    public Door<S> open(DaemonConfig c, MxMeters meters) {
        DoorContext<S> ctx = context(c);
        return ctx == null ? null : factory.apply(ctx, meters);
    }
}
