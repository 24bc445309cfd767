// What a door is given, at start and again on every reload: the engine to run, our host name and the
// door's own settings. Narrow on purpose: a door sees nothing of the other doors' sections.
package org.mxfront.door;

import org.mxfront.policy.PolicyEngine;

/**
 * One configuration as a door sees it.
 *
 * @param engine   the policy engine (all configured checks; the door leaves out those it cannot supply)
 * @param hostname our host name (greeting, replies, Received header)
 * @param settings the door's own settings, validated
 */
public record DoorContext<S>(PolicyEngine engine, String hostname, S settings) {}
