// The policy store's block and safe lists, per recipient: the entry that decides comes from the
// snapshot in memory (PolicySnapshot.decide: user scope, then domain, then operator; a block beats a
// safe entry of the same scope). A block refuses the recipient: XM-RJCT83 (user level), 82 (domain
// level), 15 (operator, client address) or 56 (operator, sender). A safe entry is handed to the
// engine (Safelist), which lifts the refusals of the checks that yield to safe entries.
package org.mxfront.checks.policylists;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.mxfront.checks.CheckContext;
import org.mxfront.codes.Code;
import org.mxfront.mail.Mailbox;
import org.mxfront.policy.Check;
import org.mxfront.policy.Facts;
import org.mxfront.policy.Safelist;
import org.mxfront.policy.SessionState;
import org.mxfront.policy.Stage;
import org.mxfront.policy.Verdict;
import org.mxfront.store.ListEntry;
import org.mxfront.store.PolicySnapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Applies the store's lists at RCPT. */
public final class PolicyListsCheck implements Check, Safelist {
    private static final Logger DECISIONS = LoggerFactory.getLogger("mxfront.decision");
    private final Supplier<PolicySnapshot> snapshot;
    private final Clock clock;

    public PolicyListsCheck(PolicyListsConfig config, CheckContext ctx) {
        this(ctx.policyStore() == null ? () -> PolicySnapshot.EMPTY : ctx.policyStore()::current, ctx.clock());
        if (ctx.policyStore() == null) throw new IllegalArgumentException("needs the policy store (policy-store: {enabled: true})");
    }

    /** For tests: lists from any snapshot source. */
    public PolicyListsCheck(Supplier<PolicySnapshot> snapshot, Clock clock) {
        this.snapshot = snapshot;
        this.clock = clock;
    }

    @Override
    public Set<Stage> stages() {
        return Set.of(Stage.RCPT);
    }

    @Override
    public boolean mayBlock(Stage stage, Facts facts) {
        return false;
    }

    /** The session-state key of what decided for each recipient (for explain). */
    private record Decided() {}

    /** The entry deciding for the recipient of {@code f}, or null. */
    public ListEntry decide(Facts f) {
        Mailbox r = f.recipient();
        if (r == null) return null;
        String sender = f.sender() == null || f.sender().isNullSender() ? null : f.sender().address().toLowerCase(Locale.ROOT);
        String rcpt = r.domain().isEmpty() ? null : r.address().toLowerCase(Locale.ROOT);
        ListEntry e = snapshot.get().decide(f.client().address(), sender, rcpt, r.domain().isEmpty() ? null : r.domain(), clock.instant());
        Map<String, String> seen = f.state().computeIfAbsent(new Decided(), LinkedHashMap::new);
        synchronized (seen) {
            seen.put(r.address(), e == null ? "no list entry" : e.describe());
        }
        return e;
    }

    /** For {@code mxfront explain}: the entry that decided for each recipient (scope, entry, who added it). */
    @Override
    public List<Explained> explain(SessionState state) {
        Map<String, String> seen = state.get(new Decided());
        if (seen == null) return List.of();
        List<Explained> out = new ArrayList<>();
        synchronized (seen) {
            seen.forEach((rcpt, e) -> out.add(new Explained(Stage.RCPT, "<" + rcpt + ">: " + e)));
        }
        return out;
    }

    @Override
    public Verdict evaluate(Stage stage, Facts f) {
        ListEntry e = decide(f);
        if (e == null || e.action() != ListEntry.Action.BLOCK) return Verdict.CONTINUE;
        String sender = f.sender() == null ? "" : f.sender().address();
        DECISIONS.info("list entry decides: {} for {} from <{}> to <{}>", e.describe(), f.client().logName(), sender,
                f.recipient().address());
        return switch (e.scope()) {
            case USER -> Verdict.reject(Code.USER_BLOCKLISTED, Map.of("sender", sender, "recipient", f.recipient().address(),
                    "entry", e.describe()));
            case DOMAIN -> Verdict.reject(Code.DOMAIN_BLOCKLISTED, Map.of("sender", sender, "domain", e.scopeKey(),
                    "entry", e.describe()));
            case OPERATOR -> e.kind() == ListEntry.Kind.IP
                    ? Verdict.reject(Code.OPS_BLOCKLIST, Map.of("entry", e.describe()))
                    : Verdict.reject(Code.SENDER_BLOCKLISTED, Map.of("sender", sender, "entry", e.describe()));
        };
    }

    @Override
    public String safeEntry(Facts f) {
        ListEntry e = decide(f);
        return e != null && e.action() == ListEntry.Action.SAFE ? e.describe() : null;
    }
}
