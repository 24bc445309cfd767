// What config/ knows of a door: the top-level sections it owns, the record they bind to, and the hook
// that validates them. Doors sit above config/, so config/ never names one: each door's DoorType
// implements this, and whoever builds a ConfigLoader hands it the list (org.mxfront.Doors.ALL). The
// loader then binds and validates every door's sections generically, as it does each check's section
// through CheckType.
package org.mxfront.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.util.Arrays;
import java.util.List;

/**
 * A door's part of the configuration file.
 *
 * @param <R> the record the door's sections bind to: one component per top-level key it owns
 *            ({@code policyServer} for {@code policy-server:}); unknown keys in them are errors
 * @param <S> the door's validated settings
 */
public interface DoorSection<R extends Record, S extends DoorSettings> {
    /** How a record component's name is written as a key (the loader's naming: policyServer is policy-server). */
    PropertyNamingStrategies.NamingBase KEBAB = (PropertyNamingStrategies.NamingBase) PropertyNamingStrategies.KEBAB_CASE;

    /** The door's name ({@code smtp}, {@code policy}, {@code milter}). */
    String name();

    /** The record its sections bind to. */
    Class<R> sections();

    /**
     * Validates the bound sections, on or off (switching a door on later must not fail), and returns the
     * door's settings. Problems are thrown through {@code file} ({@code file:line: key: problem}).
     */
    S validate(R sections, ConfigFile file) throws ConfigException;

    /**
     * Before anything is bound: tells a file written for an older mxfront where the door's keys went
     * (an error naming the new place), rather than letting them fail as unknown keys.
     *
     * @param user the operator's file as written, before the defaults are laid under it
     */
    default void older(JsonNode user, ConfigFile file) throws ConfigException {}

    /** The top-level keys it owns, as written in the file: its record's components in kebab case, the first holds {@code enabled}. */
    default List<String> keys() {
        return Arrays.stream(sections().getRecordComponents())
                .map(c -> KEBAB.translate(c.getName())).toList();
    }
}
