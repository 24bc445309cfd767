// DMARC (RFC 7489) at end of DATA: the one RFC5322.From address (none or several: refused as
// malformed, XM-RJCT75), its domain's policy (or its organisational domain's), and whether SPF
// (the spf check's result) or a DKIM signature (the dkim check's results) passed for an aligned
// domain. p=reject failing: 550 5.7.1 XM-RJCT41 unless the domain is on the `soften` list;
// p=quarantine: a header or a tag; p=none: nothing but the Authentication-Results. It reads the
// results the spf and dkim checks leave in the session state, so it is listed after them
// (CheckTypes declares it; the configuration loader refuses another order). Result under RESULT.
package org.mxfront.checks.dmarc;

import io.micrometer.core.instrument.Counter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.mxfront.checks.CheckContext;
import org.mxfront.checks.DnsCheck;
import org.mxfront.checks.dkim.DkimResults;
import org.mxfront.checks.spf.SpfCheck;
import org.mxfront.codes.Code;
import org.mxfront.dkim.DkimResult;
import org.mxfront.dmarc.DmarcDiscovery;
import org.mxfront.dmarc.DmarcEvaluator;
import org.mxfront.dmarc.DmarcRecord;
import org.mxfront.dmarc.DmarcResult;
import org.mxfront.dmarc.FromAddresses;
import org.mxfront.dns.OnDnsFailure;
import org.mxfront.policy.AddedHeader;
import org.mxfront.policy.DecisionLog;
import org.mxfront.policy.Fact;
import org.mxfront.policy.Facts;
import org.mxfront.policy.HeaderSection;
import org.mxfront.policy.MessageCheck;
import org.mxfront.policy.SessionState;
import org.mxfront.policy.Stage;
import org.mxfront.policy.Verdict;
import org.mxfront.spf.SpfResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The dmarc check. Thread-safe. */
public final class DmarcCheck extends DnsCheck<DmarcConfig> implements MessageCheck {
    private static final Logger DECISIONS = LoggerFactory.getLogger("mxfront.decision");
    /** Session-state key of the current message's {@link DmarcResult}. */
    public static final Object RESULT = new Object() {
        @Override
        public String toString() { return "dmarc-result"; }
    };

    private final DmarcEvaluator evaluator;
    private final Map<DmarcResult.Result, Counter> counters = new EnumMap<>(DmarcResult.Result.class);

    public DmarcCheck(DmarcConfig config, CheckContext ctx) {
        super(config, ctx);
        this.evaluator = new DmarcEvaluator(new DmarcDiscovery(dns::lookup), () -> ThreadLocalRandom.current().nextInt(100));
        for (DmarcResult.Result r : DmarcResult.Result.values()) {
            counters.put(r, Counter.builder("mxfront.dmarc.results").tag("result", r.token())
                    .description("DMARC evaluations by result").register(ctx.registry()));
        }
    }

    @Override
    public Set<Stage> stages() { return Set.of(Stage.END_OF_DATA); }

    /** The From: header, and the right to add the quarantine header when on-quarantine says so. */
    @Override
    public Set<Fact> needs() {
        return config.onQuarantine() == DmarcConfig.QuarantineAction.HEADER ? Set.of(Fact.MESSAGE, Fact.HEADER_EDIT)
                : Set.of(Fact.MESSAGE);
    }

    @Override
    public List<Explained> explain(SessionState state) {
        DmarcResult dmarc = state.get(RESULT);
        return List.of(new Explained(Stage.END_OF_DATA, dmarc == null ? "dmarc=none (not evaluated)"
                : "dmarc=" + dmarc.token() + " header.from=" + dmarc.fromDomain()
                        + (dmarc.policy() == null ? "" : " p=" + dmarc.policy().token())
                        + (dmarc.applied() == null ? "" : " dis=" + dmarc.applied().token()) + " (" + dmarc.reason() + ")"));
    }

    /**
     * A reader only so that the SMTP door holds the message for a quarantine header (AddedHeader);
     * it reads nothing: the verdict needs the header section and the other checks' results.
     */
    @Override
    public MessageReader open(Facts facts) {
        facts.state().remove(RESULT);
        if (config.onQuarantine() == DmarcConfig.QuarantineAction.HEADER) AddedHeader.expectAtEnd(facts.state());
        return new MessageReader() {
            @Override
            public void write(byte[] buf, int off, int len) {}

            @Override
            public Verdict finish(Facts f) {
                return evaluate(Stage.END_OF_DATA, f);
            }

            @Override
            public void close() {}
        };
    }

    @Override
    public Verdict evaluate(Stage stage, Facts f) {
        f.state().remove(RESULT);
        if (config.exemptRelayNetworks() && f.client().relayPermitted()) return Verdict.CONTINUE;
        HeaderSection h = f.headers();
        List<String> from = new ArrayList<>();
        if (h != null) {
            for (HeaderSection.Field field : h.fields()) {
                if (field.name().equalsIgnoreCase("From")) from.addAll(FromAddresses.parse(field.value()));
            }
        }
        int fields = h == null ? 0 : h.count("From");
        if (from.size() != 1 || fields != 1) {
            return Verdict.reject(Code.FROM_HEADER_INVALID, Map.of("count", Integer.toString(Math.max(from.size(), fields))));
        }
        String fromDomain = FromAddresses.domain(from.get(0));
        SpfResult spf = f.state().get(SpfCheck.RESULT);
        List<DmarcEvaluator.DkimPass> dkim = new ArrayList<>();
        List<DkimResult> results = DkimResults.get(f.state());
        if (results != null) {
            for (DkimResult r : results) if (r.passed() && r.domain() != null) dkim.add(new DmarcEvaluator.DkimPass(r.domain()));
        }
        DmarcResult r = evaluator.evaluate(fromDomain, spf != null && spf.result() == SpfResult.Result.PASS,
                spf == null ? null : spf.domain(), dkim);
        if (r.applied() == DmarcRecord.Policy.REJECT && softened(fromDomain)) {
            // the operators' override: what the header and log say is what is done
            r = new DmarcResult(r.result(), r.fromDomain(), r.policy(), DmarcRecord.Policy.QUARANTINE,
                    r.reason() + "; reject softened by local policy");
        }
        f.state().put(RESULT, r);
        counters.get(r.result()).increment();
        if (DECISIONS.isInfoEnabled()) {
            DECISIONS.info(DecisionLog.format("dmarc", "END-OF-MESSAGE", f, null, "dmarc") + " result=" + r.token()
                    + " header_from=" + fromDomain + " policy=" + (r.policy() == null ? "none" : r.policy().token())
                    + " applied=" + (r.applied() == null ? "none" : r.applied().token()) + " reason=\"" + r.reason() + "\"");
        }
        if (r.result() == DmarcResult.Result.TEMPERROR && config.onDnsFailure() == OnDnsFailure.TEMPFAIL) {
            return Verdict.defer(Code.DNS_TEMPFAIL, Map.of());
        }
        if (r.result() != DmarcResult.Result.FAIL || r.applied() == null) return Verdict.CONTINUE;
        DmarcRecord.Policy applied = r.applied();
        switch (applied) {
            case REJECT -> {
                return Verdict.reject(Code.DMARC_REJECT, Map.of("domain", fromDomain));
            }
            case QUARANTINE -> {
                if (config.onQuarantine() == DmarcConfig.QuarantineAction.TAG) {
                    f.state().tag(config.tag());
                } else {
                    AddedHeader.add(f.state(), new AddedHeader(config.quarantineHeader(),
                            "DMARC policy of " + fromDomain + " says quarantine", 0));
                }
                return Verdict.CONTINUE;
            }
            case NONE -> {
                return Verdict.CONTINUE;
            }
        }
        return Verdict.CONTINUE;
    }

    private boolean softened(String domain) {
        for (String s : config.soften()) {
            if (domain.equals(s) || domain.endsWith("." + s)) return true;
        }
        return false;
    }

    /** A recipient's safe entry lifts DMARC refusals (README, "Policy for many domains": the precedence table). */
    @Override
    public boolean liftedBySafeEntry(Verdict v) {
        return true;
    }
}
