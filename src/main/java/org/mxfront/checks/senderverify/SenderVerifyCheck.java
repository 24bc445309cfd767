// Sender verification at MAIL (the seed's "Sender Verify Failed"), off by default: the sender
// domain's MX (or a configured host:port) is asked MAIL FROM:<> / RCPT TO:<sender>. A 5xx refuses
// the sender with 550 5.1.7 XM-RJCT80; no answer (4xx, timeout, DNS failure) accepts, or with
// on-failure: tempfail gives 450 4.1.7 XM-RJCT81. Answers are cached (Caffeine) so a sender is asked
// about once a day at most. Skipped: the null sender, relay networks, local sender domains.
package org.mxfront.checks.senderverify;

import com.github.benmanes.caffeine.cache.Ticker;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mxfront.checks.CalloutSources;
import org.mxfront.checks.CheckContext;
import org.mxfront.checks.SourceCheck;
import org.mxfront.checks.recipients.RecipientsConfig.OnFailure;
import org.mxfront.codes.Code;
import org.mxfront.mail.Mailbox;
import org.mxfront.policy.Facts;
import org.mxfront.policy.Stage;
import org.mxfront.policy.Verdict;
import org.mxfront.recipients.CachedSource;
import org.mxfront.recipients.CalloutSource;
import org.mxfront.recipients.Lookup;
import org.mxfront.recipients.RecipientSource;
import org.mxfront.recipients.SourceMeters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Sender verification by callout. Thread-safe. */
public final class SenderVerifyCheck extends SourceCheck<SenderVerifyConfig> {
    private static final Logger LOG = LoggerFactory.getLogger(SenderVerifyCheck.class);

    public SenderVerifyCheck(SenderVerifyConfig config, CheckContext ctx) {
        this(config, ctx, open(config, ctx));
    }

    /** With a given source (unit tests). */
    public SenderVerifyCheck(SenderVerifyConfig config, CheckContext ctx, RecipientSource source) {
        super(config, ctx, source);
    }

    private static RecipientSource open(SenderVerifyConfig c, CheckContext ctx) {
        CalloutSource callout = CalloutSources.of(ctx, c.targets(), c.port(), c.connectTimeout(), c.commandTimeout(),
                c.maxIdle());
        return ctx.resources().get(List.of("sender-verify", c), () -> new CachedSource(callout,
                c.positiveTtl(), c.negativeTtl(), c.maxEntries(), new SourceMeters(ctx.registry(), "sender-verify"),
                Ticker.systemTicker()));
    }

    @Override
    public Set<Stage> stages() { return Set.of(Stage.MAIL); }

    @Override
    public Verdict evaluate(Stage stage, Facts f) {
        Mailbox s = f.sender();
        if (s == null || s.isNullSender() || s.domain().isEmpty() || f.client().relayPermitted()) return Verdict.CONTINUE;
        String domain = domain(s);
        if (localDomains.contains(domain) || domain.startsWith("[")) return Verdict.CONTINUE;
        Lookup l = lookup(s, domain);
        Map<String, String> vars = Map.of("sender", s.address());
        return switch (l) {
            case Lookup.Found found -> Verdict.CONTINUE;
            case Lookup.NotFound nf -> Verdict.reject(Code.SENDER_VERIFY_FAILED, vars);
            case Lookup.Unavailable u -> {
                if (config.onFailure() == OnFailure.TEMPFAIL) {
                    LOG.warn("sender-verify: no answer for {}: {}", s, u.why());
                    yield Verdict.defer(Code.SENDER_VERIFY_TEMPFAIL, vars);
                }
                LOG.info("sender-verify: no answer for {} ({}); accepted (on-failure: accept)", s, u.why());
                yield Verdict.CONTINUE;
            }
        };
    }
}
