// The engine as one door runs it: the configured engine without the checks that need what this door
// cannot supply (Check.needs against the door's facts), each named in one startup WARN, and again
// after a reload only when the set changed. Replaces the lists of check names the doors kept.
package org.mxfront.door;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import org.mxfront.policy.Fact;
import org.mxfront.policy.PolicyEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One door's view of the configured checks. Thread-safe. */
public final class DoorEngine {
    private static final Logger LOG = LoggerFactory.getLogger(DoorEngine.class);

    private final String door;
    private final Set<Fact> supplied;
    private final Map<Fact, String> why;
    private List<String> skipped = List.of();

    /**
     * @param door     the door's name, for the log lines
     * @param supplied the facts this door gives checks
     * @param why      for each fact it does not supply, why (the WARN says it)
     */
    public DoorEngine(String door, Set<Fact> supplied, Map<Fact, String> why) {
        this.door = door;
        this.supplied = Set.copyOf(supplied);
        this.why = Map.copyOf(why);
    }

    /** The engine without the checks this door cannot run. */
    public synchronized PolicyEngine usable(PolicyEngine full) {
        List<String> now = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        PolicyEngine engine = full.forDoor(supplied, (name, missing) -> {
            now.add(name);
            StringJoiner reasons = new StringJoiner("; ");
            for (Fact f : Fact.values()) if (missing.contains(f)) reasons.add(why.getOrDefault(f, "needs " + f));
            lines.add(name + " is skipped at this door: " + reasons);
        });
        if (!now.equals(skipped)) {
            for (String l : lines) LOG.warn("{} door: check {}", door, l);
            skipped = List.copyOf(now);
        }
        return engine;
    }

    /** The names of the checks left out by the last {@link #usable} call, in policy order. */
    public synchronized List<String> skipped() {
        return skipped;
    }
}
