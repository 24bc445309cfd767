// The ordered checks that apply to one recipient domain (or to everything else: the default).
package org.mxfront.policy;

import java.util.List;
import java.util.Set;

/**
 * An ordered list of checks. {@code contentKey} identifies the content policy (the configuration
 * of every check that looks at message data): two recipients may share a transaction only when
 * their policies have equal content keys.
 *
 * @param name       the domain this policy is for, or {@code default}
 * @param checks     the checks in evaluation order
 * @param contentKey a value whose equality means "same content policy"
 */
public record Policy(String name, List<ConfiguredCheck> checks, Object contentKey) {
    public static final Set<Stage> CONTENT_STAGES = Set.of(Stage.HEADERS, Stage.END_OF_DATA);

    public Policy {
        checks = List.copyOf(checks);
    }

    /** The smallest size limit among the enforcing checks. */
    public long maxMessageBytes() {
        long max = Long.MAX_VALUE;
        for (ConfiguredCheck c : checks) {
            if (c.mode() == Mode.ENFORCE) max = Math.min(max, c.check().maxMessageBytes());
        }
        return max;
    }
}
