// The configuration file's shape (apart from the checks, which each check binds itself).
// Every field has its default in config/mxfront.yml, which is also embedded in the jar: a user
// file only needs the keys it changes.
package org.mxfront.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The bound configuration, before the policies are built. */
public record Settings(ServerSettings server, DownstreamSettings downstream, List<String> relayNetworks,
        String stateDirectory, RepliesSettings replies, ObjectNode checks, Map<String, DomainSettings> domains,
        MetricsSettings metrics, LoggingSettings logging, org.mxfront.dns.DnsConfig dns) {

    /** Log output. */
    public record LoggingSettings(LogFormat format) {}

    /** Human-readable lines, or one JSON object per line for log shippers. */
    public enum LogFormat {
        @JsonProperty("text") TEXT,
        @JsonProperty("json") JSON
    }

    /** The SMTP listener. */
    public record ServerSettings(String hostname, String listen, Integer maxConnections, Boolean enhancedStatusCodes,
            Duration commandTimeout, Duration dataTimeout, Integer maxErrors, List<String> trustedProxies,
            BareNewline bareNewline, Boolean delayReject, Duration shutdownGrace) {}

    /** What to do with a bare CR or LF in message data. */
    public enum BareNewline {
        /** 554 5.5.2 for the whole message: nothing reaches the downstream (the default). */
        @JsonProperty("reject") REJECT,
        /** Turn it into CRLF before dot-stuffing, then relay. */
        @JsonProperty("normalize") NORMALIZE
    }

    /** The downstream MTA (Postfix) that accepted mail is relayed to. */
    public record DownstreamSettings(String address, Duration connectTimeout, Duration commandTimeout,
            Duration dataTimeout, ForwardClient forwardClient, Integer maxIdle, Duration idleTimeout) {}

    /** How the real client is made known to the downstream. */
    public enum ForwardClient {
        @JsonProperty("xforward") XFORWARD,
        @JsonProperty("xclient") XCLIENT,
        @JsonProperty("none") NONE
    }

    /** Reply texts. */
    public record RepliesSettings(String prefix, Map<String, String> texts) {}

    /** A local domain: its overrides of the checks' settings. */
    public record DomainSettings(ObjectNode checks) {}

    /** The metrics endpoint (served from issue 6 on); bound here so the key is known. */
    public record MetricsSettings(String listen) {}
}
