// Settings of the virus check (checks.virus): clamd (unix:/var/run/clamav/clamd.ctl, or HOST:PORT),
// connect-timeout (5s), scan-timeout (60s), chunk-bytes (65536), max-stream-bytes (26214400 =
// clamd's default StreamMaxLength 25M; keep them equal), too-large (skip|reject), on-failure
// (tempfail|accept), spool-memory-bytes (262144), spool-directory ("").
package org.mxfront.checks.virus;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;

/**
 * Virus scanning with clamd.
 *
 * @param clamd            where clamd listens: {@code unix:/path} (or a bare absolute path) or {@code HOST:PORT}
 * @param connectTimeout   time allowed to connect to clamd
 * @param scanTimeout      time allowed for streaming the message and getting clamd's answer
 * @param chunkBytes       bytes per INSTREAM chunk
 * @param maxStreamBytes   clamd's StreamMaxLength: larger messages are not sent, too-large decides
 * @param tooLarge         skip (accept unscanned, logged and counted) or reject (552 5.3.4 XM-RJCT67)
 * @param onFailure        clamd down, slow or erring: tempfail (451 4.3.0 XM-RJCT65) or accept (fail-open, logged and counted)
 * @param spoolMemoryBytes memory the message copy may take before it spools to a file
 * @param spoolDirectory   where spool files go; empty for the system's temporary directory
 */
public record VirusConfig(String clamd, Duration connectTimeout, Duration scanTimeout, Integer chunkBytes,
        Long maxStreamBytes, TooLarge tooLarge, OnFailure onFailure, Integer spoolMemoryBytes, String spoolDirectory) {

    /** What to do with a message larger than clamd takes. */
    public enum TooLarge {
        @JsonProperty("skip") SKIP,
        @JsonProperty("reject") REJECT
    }

    /** What to do when clamd cannot give an answer. */
    public enum OnFailure {
        @JsonProperty("tempfail") TEMPFAIL,
        @JsonProperty("accept") ACCEPT
    }

    public VirusConfig {
        if (clamd == null) clamd = "unix:/var/run/clamav/clamd.ctl";
        if (connectTimeout == null) connectTimeout = Duration.ofSeconds(5);
        if (scanTimeout == null) scanTimeout = Duration.ofSeconds(60);
        if (chunkBytes == null) chunkBytes = 65536;
        if (maxStreamBytes == null) maxStreamBytes = 25L * 1024 * 1024;
        if (tooLarge == null) tooLarge = TooLarge.SKIP;
        if (onFailure == null) onFailure = OnFailure.TEMPFAIL;
        if (spoolMemoryBytes == null) spoolMemoryBytes = 256 * 1024;
        if (spoolDirectory == null) spoolDirectory = "";
        ClamdClient.address(clamd); // throws with the reason when malformed
        if (connectTimeout.isNegative() || connectTimeout.isZero()) throw new IllegalArgumentException("connect-timeout must be longer than zero");
        if (scanTimeout.isNegative() || scanTimeout.isZero()) throw new IllegalArgumentException("scan-timeout must be longer than zero");
        if (chunkBytes < 1024 || chunkBytes > 16 * 1024 * 1024) throw new IllegalArgumentException("chunk-bytes must be between 1024 and 16777216");
        if (maxStreamBytes < 1) throw new IllegalArgumentException("max-stream-bytes must be at least 1");
        if (spoolMemoryBytes < 0) throw new IllegalArgumentException("spool-memory-bytes must not be negative");
    }
}
