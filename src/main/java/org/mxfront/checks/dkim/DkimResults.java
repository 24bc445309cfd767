// Where the DKIM check leaves its results for the checks after it (DMARC, Authentication-Results):
// one session-state key, overwritten for every message of the connection.
package org.mxfront.checks.dkim;

import java.util.List;
import org.mxfront.dkim.DkimResult;
import org.mxfront.policy.SessionState;

/** The session-state key of the current message's DKIM results. */
public final class DkimResults {
    private DkimResults() {}

    /** Key in {@link SessionState}: the value is an unmodifiable {@code List<DkimResult>}. */
    public static final Object KEY = new Object() {
        @Override
        public String toString() { return "dkim-results"; }
    };

    /**
     * The results of the message being finished: empty when it had no signature (dkim=none), null when
     * the DKIM check did not run for it (disabled, or not reached).
     */
    public static List<DkimResult> get(SessionState state) {
        return state.get(KEY);
    }

    /** Stores a message's results (the DKIM check, at END_OF_DATA). */
    public static void put(SessionState state, List<DkimResult> results) {
        state.put(KEY, List.copyOf(results));
    }

    /** Forgets the previous message's results (the DKIM check, when a message starts). */
    public static void clear(SessionState state) {
        state.remove(KEY);
    }
}
