// SPF (RFC 7208) for the MAIL FROM identity, or the HELO identity when MAIL FROM is <>. Evaluated
// once per transaction at MAIL on the daemon's cached resolver (org.mxfront.spf), the result kept
// in the session state under RESULT for the dmarc check and the Authentication-Results header; the
// action for the result (SpfConfig) is applied at RCPT, under the recipient domain's settings, so a
// domain we relay for can say XM-RJCT09 where the others say XM-RJCT16. With the default
// `fail: reject-unless-dmarc`, a fail is refused only when the sender domain has no DMARC record or
// says p=none; otherwise DMARC decides at end of DATA (a forwarded message may still pass by DKIM).
package org.mxfront.checks.spf;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mxfront.checks.CheckContext;
import org.mxfront.checks.DnsCheck;
import org.mxfront.codes.Code;
import org.mxfront.dmarc.DmarcDiscovery;
import org.mxfront.dmarc.DmarcRecord;
import org.mxfront.mail.Mailbox;
import org.mxfront.policy.DecisionLog;
import org.mxfront.policy.Facts;
import org.mxfront.policy.SessionState;
import org.mxfront.policy.Stage;
import org.mxfront.policy.Verdict;
import org.mxfront.spf.SpfEvaluator;
import org.mxfront.spf.SpfResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The spf check: evaluates at MAIL, acts at RCPT. Thread-safe. */
public final class SpfCheck extends DnsCheck<SpfConfig> {
    private static final Logger DECISIONS = LoggerFactory.getLogger("mxfront.decision");
    /** Session-state key of the transaction's {@link SpfResult} (absent when not evaluated: relay networks). */
    public static final Object RESULT = new Object() {
        @Override
        public String toString() { return "spf-result"; }
    };
    /** Session-state key of the DMARC discovery for the SPF domain (reject-unless-dmarc). */
    private static final Object DMARC = new Object();

    private final SpfEvaluator evaluator;
    private final DmarcDiscovery dmarc;
    private final Map<SpfResult.Result, Counter> counters = new EnumMap<>(SpfResult.Result.class);

    public SpfCheck(SpfConfig config, CheckContext ctx) {
        super(config, ctx);
        this.evaluator = new SpfEvaluator(dns::lookup, ctx.hostname(), ctx.clock());
        this.dmarc = new DmarcDiscovery(dns::lookup);
        MeterRegistry registry = ctx.registry();
        for (SpfResult.Result r : SpfResult.Result.values()) {
            counters.put(r, Counter.builder("mxfront.spf.results").tag("result", r.token())
                    .description("SPF evaluations by result").register(registry));
        }
    }

    @Override
    public Set<Stage> stages() { return Set.of(Stage.MAIL, Stage.RCPT); }

    @Override
    public List<Explained> explain(SessionState state) {
        SpfResult spf = state.get(RESULT);
        return List.of(new Explained(Stage.MAIL, spf == null ? "spf=none (not evaluated)"
                : "spf=" + spf.token() + " smtp." + (spf.identity().equals("helo") ? "helo=" + spf.domain() : "mailfrom=" + spf.sender())
                        + " (" + spf.reason() + ")"));
    }

    @Override
    public Verdict evaluate(Stage stage, Facts f) {
        if (f.sender() == null || config.exemptRelayNetworks() && f.client().relayPermitted()) return Verdict.CONTINUE;
        SpfResult r = result(f);
        SpfAction action = switch (r.result()) {
            case PASS -> SpfAction.ACCEPT;
            case FAIL -> config.fail();
            case SOFTFAIL -> config.softfail();
            case NEUTRAL -> config.neutral();
            case NONE -> config.none();
            case TEMPERROR -> config.temperror();
            case PERMERROR -> config.permerror();
        };
        if (action == SpfAction.TAG) f.state().tag(config.tag());
        if (stage != Stage.RCPT) return Verdict.CONTINUE;
        Map<String, String> vars = Map.of("sender", r.sender());
        Code code = config.relayed() ? Code.SPF_FAIL_RELAYED : Code.SPF_FAIL;
        return switch (action) {
            case ACCEPT, TAG -> Verdict.CONTINUE;
            case REJECT -> Verdict.reject(code, vars);
            case REJECT_UNLESS_DMARC -> dmarcDecides(f, r) ? Verdict.CONTINUE : Verdict.reject(code, vars);
            case TEMPFAIL -> Verdict.defer(Code.DNS_TEMPFAIL, Map.of());
        };
    }

    /** The transaction's SPF result, evaluated the first time a stage asks for it. */
    private SpfResult result(Facts f) {
        SpfResult r = f.state().get(RESULT);
        Mailbox s = f.sender();
        String sender = s.isNullSender() ? null : s.address();
        if (r != null && (sender == null ? r.identity().equals("helo") : r.sender().equals(sender))) return r;
        r = evaluator.check(f.client().address(), sender, f.helo());
        f.state().put(RESULT, r);
        f.state().remove(DMARC);
        counters.get(r.result()).increment();
        if (DECISIONS.isInfoEnabled()) {
            DECISIONS.info(DecisionLog.format("spf", "MAIL", f, null, "spf") + " result=" + r.token() + " identity="
                    + r.identity() + " domain=" + r.domain() + " reason=\"" + r.reason() + "\"");
        }
        return r;
    }

    /** True when the SPF domain publishes a DMARC policy other than p=none (or it could not be looked up). */
    private boolean dmarcDecides(Facts f, SpfResult r) {
        DmarcDiscovery.Found found = f.state().get(DMARC);
        if (found == null) {
            found = dmarc.find(r.domain());
            f.state().put(DMARC, found);
        }
        return switch (found) {
            case DmarcDiscovery.Found.Policy p -> p.record().policyFor(r.domain()) != DmarcRecord.Policy.NONE;
            case DmarcDiscovery.Found.NoPolicy n -> false;
            case DmarcDiscovery.Found.Failed x -> true; // unknown: leave it to the dmarc check, never a 5xx on a DNS fault
        };
    }

    /** A recipient's safe entry lifts SPF refusals (README, "Policy for many domains": the precedence table). */
    @Override
    public boolean liftedBySafeEntry(Verdict v) {
        return true;
    }
}
