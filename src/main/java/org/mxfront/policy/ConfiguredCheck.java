// A check as the engine runs it: its configured name and mode around the check itself.
package org.mxfront.policy;

/**
 * A check in a policy.
 *
 * @param name  the check's configuration key (e.g. {@code relay}); logs and metrics use it
 * @param mode  enforce or log-only
 * @param check the check
 */
public record ConfiguredCheck(String name, Mode mode, Check check) {}
