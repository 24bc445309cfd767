// The `policy-server:` section of the configuration file, bound by the policy door's DoorType (its
// keys are this record's components; unknown keys are errors).
package org.mxfront.policyserver;

import java.time.Duration;

/**
 * The policy-delegation door: Postfix's check_policy_service talks to it.
 *
 * @param enabled         on or off (off by default)
 * @param listen          ADDRESS:PORT it binds
 * @param maxConnections  Postfix connections served at once
 * @param idleTimeout     an idle connection is closed after this long (Postfix reconnects)
 * @param maxLineLength   longest attribute line, in bytes; a longer one closes the connection
 * @param maxAttributes   most attributes in one request; more closes the connection
 * @param maxInstances    messages (Postfix's {@code instance}) whose state is kept at once
 * @param instanceTimeout how long one message's state is kept after its last request
 */
public record PolicyServerSettings(Boolean enabled, String listen, Integer maxConnections, Duration idleTimeout,
        Integer maxLineLength, Integer maxAttributes, Integer maxInstances, Duration instanceTimeout) {}
