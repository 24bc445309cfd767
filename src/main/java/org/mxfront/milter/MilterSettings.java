// The `milter:` section of the configuration file, bound by the milter door's DoorType (its keys are
// this record's components; unknown keys are errors).
package org.mxfront.milter;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.util.List;

/**
 * The milter door: Postfix's smtpd_milters talks to it (milter protocol 6).
 *
 * @param enabled          on or off (off by default)
 * @param listen           ADDRESS:PORT it binds
 * @param maxConnections   Postfix connections served at once (one per SMTP client of Postfix)
 * @param idleTimeout      a connection silent this long is closed (Postfix then applies
 *                         milter_default_action)
 * @param maxPacketLength  the largest milter packet accepted, in bytes; a longer one closes the connection
 * @param skipChecks       names of configured checks this door does not run
 * @param contentReject    what a 5xx at end of message becomes: {@code reject} or {@code discard}
 *                         (accepted, then dropped by Postfix without delivery)
 */
public record MilterSettings(Boolean enabled, String listen, Integer maxConnections, Duration idleTimeout,
        Integer maxPacketLength, List<String> skipChecks, ContentReject contentReject) {

    /** What the milter door does with a permanent refusal at end of message. */
    public enum ContentReject {
        @JsonProperty("reject") REJECT,
        @JsonProperty("discard") DISCARD
    }
}
