// Settings of the headers check (checks.headers): max-bytes (262144, Exchange's default header
// limit), max-line-length (0: no limit, as Postfix accepts long header lines; 998 is RFC 5322
// 2.1.1's limit for senders, the strict option), required ([]), at-most-once ([]). The two lists
// are off (empty) by default; RFC 5322 3.6 asks for From and Date, and at most one of each of
// Date, From, Sender, Reply-To, To, Cc, Bcc, Message-ID, In-Reply-To, References, Subject.
package org.mxfront.checks.headers;

import java.util.List;

/**
 * Header section limits.
 *
 * @param maxBytes      the largest header section in bytes (XM-RJCT68); 0 for no limit
 * @param maxLineLength the longest header line in bytes without CRLF (XM-RJCT69); 0 for no limit
 * @param required      fields that must be present (XM-RJCT70), case-insensitive
 * @param atMostOnce    fields that may appear at most once (XM-RJCT71), case-insensitive
 */
public record HeaderConfig(Long maxBytes, Integer maxLineLength, List<String> required, List<String> atMostOnce) {
    public HeaderConfig {
        if (maxBytes == null) maxBytes = 256L * 1024;
        if (maxLineLength == null) maxLineLength = 0;
        if (required == null) required = List.of();
        if (atMostOnce == null) atMostOnce = List.of();
        if (maxBytes < 0) throw new IllegalArgumentException("max-bytes must be 0 (no limit) or more");
        if (maxLineLength < 0) throw new IllegalArgumentException("max-line-length must be 0 (no limit) or more");
        for (String h : required) valid(h, "required");
        for (String h : atMostOnce) valid(h, "at-most-once");
        required = List.copyOf(required);
        atMostOnce = List.copyOf(atMostOnce);
    }

    private static void valid(String name, String key) {
        if (name == null || !name.matches("[!-9;-~]+")) throw new IllegalArgumentException(key + ": '" + name + "' is not a header field name");
    }
}
