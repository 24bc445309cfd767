// The operators' sender block list (XM-RJCT56): the MAIL FROM address or its domain, exact or by
// domain suffix. Files re-read on every configuration reload (SIGHUP).
package org.mxfront.checks.senderblocklist;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.mxfront.checks.CheckContext;
import org.mxfront.codes.Code;
import org.mxfront.lists.AddressList;
import org.mxfront.policy.Check;
import org.mxfront.policy.Facts;
import org.mxfront.policy.Stage;
import org.mxfront.policy.Verdict;

/** The sender-blocklist check, at MAIL. Thread-safe. */
public final class SenderBlocklistCheck implements Check {
    private final AddressList list;

    public SenderBlocklistCheck(SenderBlocklistConfig config, CheckContext ctx) {
        if (config.files().isEmpty()) throw new IllegalArgumentException("files: at least one list file is needed");
        this.list = AddressList.read(config.files().stream().map(Path::of).toList());
    }

    @Override
    public Set<Stage> stages() { return Set.of(Stage.MAIL); }

    @Override
    public Verdict evaluate(Stage stage, Facts f) {
        if (f.sender() == null || f.sender().isNullSender()) return Verdict.CONTINUE;
        return list.match(f.sender().address()) == null ? Verdict.CONTINUE
                : Verdict.reject(Code.SENDER_BLOCKLISTED, Map.of("sender", f.sender().address()));
    }

    /** A recipient's safe entry lifts the operator's sender block list (README, "Policy for many domains": the precedence table). */
    @Override
    public boolean liftedBySafeEntry(Verdict v) {
        return true;
    }
}
