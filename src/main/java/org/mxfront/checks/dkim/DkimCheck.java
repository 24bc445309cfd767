// The dkim check (checks.dkim): verifies every DKIM signature of every message while DATA streams
// (DkimVerifier: no whole-message buffer, key lookups overlapping the body) and leaves the results
// in the session state under DkimResults.KEY for DMARC and the Authentication-Results header.
// It refuses only for an author domain on must-be-signed (the From: header's domain: the identity
// DMARC aligns on and the one a reader sees; the envelope sender is rewritten by forwarders and
// empty on bounces) without a passing signature of its own: 550 5.7.20 XM-RJCT17. A key lookup
// that failed for such a domain gives 451 4.4.3 XM-RJCT55, or accept (on-dns-failure: skip).
// A verifier fault is logged and the message accepted without DKIM results (fail-open).
// Metrics: mxfront.dkim.signatures{outcome}, mxfront.dkim.messages{signed}.
package org.mxfront.checks.dkim;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.mxfront.checks.CheckContext;
import org.mxfront.checks.FirstFailureReader;
import org.mxfront.codes.Code;
import org.mxfront.dkim.DkimKeySource;
import org.mxfront.dkim.DkimResult;
import org.mxfront.dkim.DkimVerifier;
import org.mxfront.dkim.ResolverKeySource;
import org.mxfront.dns.OnDnsFailure;
import org.mxfront.policy.Facts;
import org.mxfront.policy.SessionState;
import org.mxfront.policy.MessageCheck;
import org.mxfront.policy.Stage;
import org.mxfront.policy.Verdict;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** DKIM verification at END_OF_DATA, fed while DATA streams. */
public final class DkimCheck implements MessageCheck {
    private static final Logger LOG = LoggerFactory.getLogger(DkimCheck.class);

    private final DkimConfig config;
    private final DkimVerifier verifier;
    private final Map<DkimResult.Outcome, Counter> signatures = new EnumMap<>(DkimResult.Outcome.class);
    private final Counter signed;
    private final Counter unsigned;

    public DkimCheck(DkimConfig config, CheckContext ctx) {
        this(config, ctx, new ResolverKeySource(ctx.requireDns()));
    }

    /** With another key source (unit tests). */
    DkimCheck(DkimConfig config, CheckContext ctx, DkimKeySource keys) {
        this.config = config;
        this.verifier = new DkimVerifier(keys, config.settings(), ctx.clock());
        MeterRegistry r = ctx.registry();
        for (DkimResult.Outcome o : DkimResult.Outcome.values()) {
            signatures.put(o, Counter.builder("mxfront.dkim.signatures").tag("outcome", o.token())
                    .description("DKIM signatures verified, by result").register(r));
        }
        this.signed = Counter.builder("mxfront.dkim.messages").tag("signed", "yes")
                .description("Messages looked at by the dkim check, with and without a DKIM-Signature").register(r);
        this.unsigned = Counter.builder("mxfront.dkim.messages").tag("signed", "no")
                .description("Messages looked at by the dkim check, with and without a DKIM-Signature").register(r);
    }

    @Override
    public Set<Stage> stages() { return Set.of(Stage.END_OF_DATA); }

    @Override
    public List<Explained> explain(SessionState state) {
        List<DkimResult> results = DkimResults.get(state);
        if (results == null) return List.of(new Explained(Stage.END_OF_DATA, "dkim=none (not evaluated)"));
        if (results.isEmpty()) return List.of(new Explained(Stage.END_OF_DATA, "dkim=none (no signature)"));
        List<Explained> out = new ArrayList<>();
        for (DkimResult r : results) {
            out.add(new Explained(Stage.END_OF_DATA, String.format("dkim=%s header.d=%s header.s=%s header.a=%s header.b=%s (%s)",
                    r.outcome().token(), r.domain(), r.selector(), r.algorithm(), r.headerB(), r.reason())));
        }
        return out;
    }

    @Override
    public Verdict evaluate(Stage stage, Facts facts) { return Verdict.CONTINUE; }

    @Override
    public MessageReader open(Facts facts) {
        DkimResults.clear(facts.state());
        DkimVerifier.Message message = verifier.begin();
        return new FirstFailureReader() {
            @Override
            protected void accept(byte[] buf, int off, int len) {
                message.write(buf, off, len);
            }

            @Override
            public Verdict finish(Facts f) {
                List<DkimResult> results;
                try {
                    if (failure() instanceof RuntimeException broken) throw broken;
                    results = message.finish();
                } catch (RuntimeException e) {
                    // A verifier bug must not cost the message: no results (as if the check had not
                    // run, so DMARC sees no DKIM), logged, accepted.
                    LOG.error("dkim: session={} verification failed, message accepted without DKIM results", f.state().id(), e);
                    return Verdict.CONTINUE;
                }
                DkimResults.put(f.state(), results);
                (results.isEmpty() ? unsigned : signed).increment();
                for (DkimResult r : results) signatures.get(r.outcome()).increment();
                String author = FromHeader.address(f.headers());
                LOG.info("dkim: session={} header.from=<{}> {}", f.state().id(), author == null ? "" : author, summary(results));
                return decide(author, results);
            }

            @Override
            public void close() {}
        };
    }

    /** The must-be-signed rule for the message's author address (null when From: is missing or not one address). */
    Verdict decide(String author, List<DkimResult> results) {
        if (author == null || config.mustBeSigned().isEmpty()) return Verdict.CONTINUE;
        String domain = author.substring(author.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
        String listed = null;
        for (String d : config.mustBeSigned()) {
            if (domain.equals(d) || domain.endsWith("." + d)) {
                listed = d;
                break;
            }
        }
        if (listed == null) return Verdict.CONTINUE;
        boolean temporary = false;
        for (DkimResult r : results) {
            if (!ownSignature(r.domain(), domain, listed)) continue;
            if (r.passed()) return Verdict.CONTINUE;
            temporary |= r.outcome() == DkimResult.Outcome.TEMPERROR;
        }
        if (temporary) {
            if (config.onDnsFailure() == OnDnsFailure.TEMPFAIL) return Verdict.defer(Code.DNS_TEMPFAIL, Map.of());
            LOG.warn("dkim: key lookup failed for must-be-signed domain {}, accepting (on-dns-failure: skip)", domain);
            return Verdict.CONTINUE;
        }
        return Verdict.reject(Code.DKIM_FAIL, Map.of("sender", author));
    }

    /** d= is the author domain or a parent of it, not above the listed domain. */
    static boolean ownSignature(String d, String author, String listed) {
        if (d == null) return false;
        if (!(d.equals(listed) || d.endsWith("." + listed))) return false;
        return author.equals(d) || author.endsWith("." + d);
    }

    /** "pass d=example.com s=sel a=rsa-sha256; fail d=... (body hash did not verify)", or "none". */
    static String summary(List<DkimResult> results) {
        if (results.isEmpty()) return "dkim=none";
        StringBuilder sb = new StringBuilder();
        for (DkimResult r : results) {
            if (!sb.isEmpty()) sb.append("; ");
            sb.append("dkim=").append(r.outcome().token()).append(" d=").append(r.domain()).append(" s=").append(r.selector())
                    .append(" a=").append(r.algorithm()).append(" b=").append(r.headerB()).append(" (").append(r.reason()).append(')');
        }
        return sb.toString();
    }
}
