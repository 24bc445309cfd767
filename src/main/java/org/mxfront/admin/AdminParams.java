// The parameters of a check's admin action (CheckAdmin.run), as the CLI and the HTTP admin endpoint
// pass them: name to values, the first value counting. Shared by the greylisting and rate-limit admin
// actions (and the next store with admin actions), so that they read and reject parameters alike.
package org.mxfront.admin;

import java.util.List;
import java.util.Map;

/** Reading admin action parameters. */
public final class AdminParams {
    private AdminParams() {}

    /** The first value of {@code k}, or {@code def} when it is missing or empty. */
    public static String one(Map<String, List<String>> p, String k, String def) {
        List<String> v = p.get(k);
        return v == null || v.isEmpty() || v.get(0).isEmpty() ? def : v.get(0);
    }

    /** The first value of {@code k}; IllegalArgumentException ("k is required") when it is missing. */
    public static String required(Map<String, List<String>> p, String k) {
        String v = one(p, k, null);
        if (v == null) throw new IllegalArgumentException(k + " is required");
        return v;
    }
}
