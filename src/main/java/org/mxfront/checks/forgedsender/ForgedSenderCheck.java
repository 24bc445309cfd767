// Forged sender (XM-RJCT13): a client outside the relay networks uses one of our own domains in
// MAIL FROM or in From:, and neither SPF (passing for an aligned MAIL FROM/HELO domain) nor a DKIM
// signature (verified for an aligned d=) vouches for it: relaxed alignment, as DMARC's default. At
// end of DATA, after the spf and dkim checks whose results it reads (the loader enforces the order).
package org.mxfront.checks.forgedsender;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.mxfront.checks.CheckContext;
import org.mxfront.checks.dkim.DkimResults;
import org.mxfront.checks.spf.SpfCheck;
import org.mxfront.codes.Code;
import org.mxfront.dkim.DkimResult;
import org.mxfront.dmarc.FromAddresses;
import org.mxfront.dmarc.OrgDomain;
import org.mxfront.policy.Check;
import org.mxfront.policy.Facts;
import org.mxfront.policy.HeaderSection;
import org.mxfront.policy.Stage;
import org.mxfront.policy.Verdict;
import org.mxfront.spf.SpfResult;

/** The forged-sender check. Thread-safe. */
public final class ForgedSenderCheck implements Check {
    private final Set<String> protectedDomains;

    public ForgedSenderCheck(ForgedSenderConfig config, CheckContext ctx) {
        for (String d : config.domains()) {
            if (!ctx.localDomains().contains(d)) throw new IllegalArgumentException("domains: " + d + " is not a local domain");
        }
        this.protectedDomains = Set.copyOf(config.domains().isEmpty() ? ctx.localDomains() : config.domains());
    }

    @Override
    public Set<Stage> stages() { return Set.of(Stage.END_OF_DATA); }

    @Override
    public Verdict evaluate(Stage stage, Facts f) {
        if (f.client().relayPermitted()) return Verdict.CONTINUE;
        List<String> claimed = new ArrayList<>();
        if (f.sender() != null && !f.sender().isNullSender()) claimed.add(f.sender().address());
        if (f.headers() != null) {
            for (HeaderSection.Field field : f.headers().fields()) {
                if (field.name().equalsIgnoreCase("From")) claimed.addAll(FromAddresses.parse(field.value()));
            }
        }
        for (String address : claimed) {
            String domain = FromAddresses.domain(address).toLowerCase(Locale.ROOT);
            if (protectedDomains.contains(domain) && !vouchedFor(f, domain)) {
                return Verdict.reject(Code.FORGED_SENDER, Map.of("sender", address));
            }
        }
        return Verdict.CONTINUE;
    }

    private static boolean vouchedFor(Facts f, String domain) {
        SpfResult spf = f.state().get(SpfCheck.RESULT);
        if (spf != null && spf.result() == SpfResult.Result.PASS && OrgDomain.aligned(spf.domain(), domain, false)) return true;
        List<DkimResult> dkim = DkimResults.get(f.state());
        if (dkim != null) {
            for (DkimResult d : dkim) if (d.passed() && OrgDomain.aligned(d.domain(), domain, false)) return true;
        }
        return false;
    }
}
