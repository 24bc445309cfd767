// The operators' own block list of client networks (XM-RJCT15, "User in OPS blacklist"): at
// CONNECT, applied at RCPT with delay-reject as other connection refusals are. Files re-read on
// every configuration reload (SIGHUP).
package org.mxfront.checks.ipblocklist;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mxfront.checks.CheckContext;
import org.mxfront.codes.Code;
import org.mxfront.lists.ListFile;
import org.mxfront.net.Networks;
import org.mxfront.policy.Check;
import org.mxfront.policy.Facts;
import org.mxfront.policy.Stage;
import org.mxfront.policy.Verdict;

/** The ip-blocklist check. Thread-safe. */
public final class IpBlocklistCheck implements Check {
    private final Networks blocked;

    public IpBlocklistCheck(IpBlocklistConfig config, CheckContext ctx) {
        List<String> all = new ArrayList<>();
        for (String n : config.networks()) {
            try {
                Networks.parse(List.of(n));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("networks: " + e.getMessage());
            }
            all.add(n);
        }
        for (String file : config.files()) {
            ListFile f = ListFile.read(Path.of(file));
            for (ListFile.Entry e : f.entries()) {
                try {
                    Networks.parse(List.of(e.text()));
                } catch (IllegalArgumentException bad) {
                    throw f.error(e, "not an IP address or CIDR block");
                }
                all.add(e.text());
            }
        }
        if (all.isEmpty()) throw new IllegalArgumentException("files or networks: nothing to block");
        this.blocked = Networks.parse(all);
    }

    @Override
    public Set<Stage> stages() { return Set.of(Stage.CONNECT); }

    @Override
    public Verdict evaluate(Stage stage, Facts f) {
        return blocked.contains(f.client().address()) ? Verdict.reject(Code.OPS_BLOCKLIST, Map.of()) : Verdict.CONTINUE;
    }

    /** A recipient's safe entry lifts the operator's IP block list (README, "Policy for many domains": the precedence table). */
    @Override
    public boolean liftedBySafeEntry(Verdict v) {
        return true;
    }
}
