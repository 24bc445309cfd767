// The admin actions a check offers on what it keeps (greylisting's tuples and allowed clients, the
// rate limits' buckets, an operator's lists): one hook that the CLI, the HTTP admin endpoint and the
// console use, so none of them names a check. The check builds it; the engine finds it by name.
package org.mxfront.policy;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** A check's admin actions. */
public interface CheckAdmin {
    /** The name the CLI command and the admin endpoint use ({@code greylist}, {@code ratelimit}). */
    String name();

    /**
     * Runs one action from request parameters ({@code action=list|...} and its arguments) and returns
     * the text to show. Throws IllegalArgumentException on bad input (the endpoint answers 400).
     */
    String run(Map<String, List<String>> params);

    /** Actions under {@code name}, run by {@code run}; {@code list} reads, every other action changes. */
    static CheckAdmin of(String name, Function<Map<String, List<String>>, String> run) {
        return new CheckAdmin() {
            @Override
            public String name() { return name; }

            @Override
            public String run(Map<String, List<String>> params) { return run.apply(params); }
        };
    }

    /** Whether an action only reads (the endpoint serves it on GET; the others need POST). */
    default boolean readOnly(String action) {
        return action.equals("list");
    }
}
