// A reply from the downstream MTA, with its RFC 3463 code split off the text.
package org.mxfront.relay;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A downstream reply.
 *
 * @param code     the SMTP code
 * @param enhanced the enhanced status code, or null when the downstream sent none
 * @param lines    the text lines without code and enhanced code
 */
public record DownstreamReply(int code, String enhanced, List<String> lines) {
    private static final Pattern ENHANCED = Pattern.compile("^([245]\\.\\d{1,3}\\.\\d{1,3})(?: (.*))?$");

    public static DownstreamReply parse(int code, List<? extends CharSequence> details) {
        String enhanced = null;
        List<String> lines = new ArrayList<>(Math.max(1, details.size()));
        for (CharSequence cs : details) {
            String s = cs.toString();
            Matcher m = ENHANCED.matcher(s);
            if (m.matches() && m.group(1).charAt(0) == (char) ('0' + code / 100)) {
                if (enhanced == null) enhanced = m.group(1);
                s = m.group(2) == null ? "" : m.group(2);
            }
            lines.add(s);
        }
        if (lines.isEmpty()) lines.add("");
        return new DownstreamReply(code, enhanced, List.copyOf(lines));
    }

    public boolean positive() { return code >= 200 && code < 400; }

    /** The text on one line, for logs and the {downstream} template variable. */
    public String text() {
        return String.join(" ", lines).trim();
    }

    @Override
    public String toString() {
        return code + (enhanced == null ? "" : " " + enhanced) + " " + text();
    }
}
