// The headers check (checks.headers), at the end of the header section: its size (552 5.3.4
// XM-RJCT68), its longest line (554 5.6.0 XM-RJCT69), and optionally fields that must be present
// (XM-RJCT70) or appear at most once (XM-RJCT71). It reads the HeaderSection the front door builds
// as the message streams by; the front door keeps the first 256 KiB of fields, so the field rules
// see all fields whenever max-bytes is at most that. (The Received hop limit is received-hops.)
package org.mxfront.checks.headers;

import java.util.Map;
import org.mxfront.checks.CheckContext;
import org.mxfront.checks.MemoryCheck;
import org.mxfront.codes.Code;
import org.mxfront.policy.Facts;
import org.mxfront.policy.HeaderSection;
import org.mxfront.policy.Stage;
import org.mxfront.policy.Verdict;

/** Header section limits, at HEADERS. */
public final class HeaderCheck extends MemoryCheck<HeaderConfig> {
    public HeaderCheck(HeaderConfig config, CheckContext ctx) {
        super(config, ctx, Stage.HEADERS);
    }

    @Override
    public Verdict evaluate(Stage stage, Facts f) {
        HeaderSection h = f.headers();
        if (h == null) return Verdict.CONTINUE;
        if (config.maxBytes() > 0 && h.bytes() > config.maxBytes()) {
            return Verdict.reject(Code.HEADER_SECTION_TOO_LARGE, Map.of("limit", Long.toString(config.maxBytes())));
        }
        if (config.maxLineLength() > 0 && h.longestLine() > config.maxLineLength()) {
            return Verdict.reject(Code.HEADER_LINE_TOO_LONG, Map.of("limit", Integer.toString(config.maxLineLength())));
        }
        for (String name : config.required()) {
            if (h.count(name) == 0) return Verdict.reject(Code.MISSING_HEADER, Map.of("header", name));
        }
        for (String name : config.atMostOnce()) {
            int n = h.count(name);
            if (n > 1) return Verdict.reject(Code.DUPLICATE_HEADER, Map.of("header", name, "count", Integer.toString(n)));
        }
        return Verdict.CONTINUE;
    }
}
