// Settings of the message-size check.
package org.mxfront.checks.size;

/** @param maxBytes the largest message accepted, in bytes (default 52428800 = 50 MiB, as the seed's provider) */
public record MessageSizeConfig(Long maxBytes) {
    public MessageSizeConfig {
        if (maxBytes == null) maxBytes = 50L * 1024 * 1024;
        if (maxBytes < 1024) throw new IllegalArgumentException("max-bytes must be at least 1024");
    }
}
