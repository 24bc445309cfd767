// A check's settings that only work with another check enabled after it in the same policy (spf's
// `fail: reject-unless-dmarc` leaves the decision to dmarc). The configuration loader refuses such a
// policy with file:line: key: problem, rather than letting mail through that the operator meant to
// refuse.
package org.mxfront.checks;

import java.util.List;

/** Implemented by a check's config record when some of its settings need another check after it. */
public interface NeedsLaterCheck {
    /**
     * What these settings need.
     *
     * @return for each setting that needs one: its key under the check, the check that must be enabled
     *         after this one, and what goes wrong without it and how to fix it
     */
    List<Need> needs();

    /** One setting's need: {@code key} (e.g. {@code fail}) needs {@code check} enabled after; {@code problem} says why and the fix. */
    record Need(String key, String check, String problem) {}
}
