// The downstream leg's own settings record, so that relay/ does not reach up into config/: the
// configuration binds the `downstream:` section straight onto it.
package org.mxfront.relay;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;

/**
 * The downstream MTA (Postfix) that accepted mail is relayed to.
 *
 * @param address        ADDRESS:PORT of its smtpd listener
 * @param connectTimeout time allowed to connect and be greeted
 * @param commandTimeout time allowed for each reply
 * @param dataTimeout    time allowed for the reply to the final dot
 * @param forwardClient  how the real client is made known to it
 * @param maxIdle        idle connections kept for reuse
 * @param idleTimeout    how long an idle connection is kept
 */
public record DownstreamSettings(String address, Duration connectTimeout, Duration commandTimeout,
        Duration dataTimeout, ForwardClient forwardClient, Integer maxIdle, Duration idleTimeout) {

    /** How the real client is made known to the downstream. */
    public enum ForwardClient {
        @JsonProperty("xforward") XFORWARD,
        @JsonProperty("xclient") XCLIENT,
        @JsonProperty("none") NONE
    }
}
