// Full mailboxes refused at RCPT (issue 24, seed 003's "exceeded storage allocation" / "Quota
// Exceeded"): Dovecot's quota-status service is asked whether a message of the client's SIZE= fits
// the recipient's mailbox. Full: 452 4.2.2 XM-RJCT88 (temporary: RFC 3463's X.2.2, the sender's
// queue retries after the owner cleaned up) or 552 5.2.2 XM-RJCT89 with over-quota: permanent.
// No answer: accepted (on-failure: accept, the store enforces its quota at delivery) or 451 4.4.3
// XM-RJCT78, never a 5xx. Local domains only; bare postmaster is never asked. Answers are cached
// per address and size for cache-ttl (Caffeine).
package org.mxfront.checks.mailboxquota;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.mxfront.checks.CheckContext;
import org.mxfront.checks.recipients.RecipientsConfig.OverQuota;
import org.mxfront.codes.Code;
import org.mxfront.policy.Check;
import org.mxfront.policy.Facts;
import org.mxfront.mail.Mailbox;
import org.mxfront.policy.Stage;
import org.mxfront.policy.Verdict;
import org.mxfront.recipients.MxTargets;
import org.mxfront.recipients.QuotaStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The mailbox-quota check, at RCPT. Thread-safe. */
public final class MailboxQuotaCheck implements Check {
    private static final Logger LOG = LoggerFactory.getLogger(MailboxQuotaCheck.class);

    private final MailboxQuotaConfig config;
    private final Set<String> localDomains;
    private final QuotaStatus service;
    private final Cache<String, QuotaStatus.Answer> cache;

    public MailboxQuotaCheck(MailboxQuotaConfig config, CheckContext ctx) {
        this(config, ctx, new QuotaStatus(resolved(config.service()), config.timeout()));
    }

    /** With a given client (tests). */
    public MailboxQuotaCheck(MailboxQuotaConfig config, CheckContext ctx, QuotaStatus service) {
        this.config = config;
        this.localDomains = ctx.localDomains();
        this.service = service;
        this.cache = config.cacheTtl().isZero() ? null
                : Caffeine.newBuilder().maximumSize(config.maxEntries()).expireAfterWrite(config.cacheTtl()).build();
    }

    private static InetSocketAddress resolved(String hostPort) {
        InetSocketAddress u = MxTargets.hostPort(hostPort);
        return new InetSocketAddress(u.getHostString(), u.getPort());
    }

    @Override
    public Set<Stage> stages() { return Set.of(Stage.RCPT); }

    @Override
    public Verdict evaluate(Stage stage, Facts f) {
        Mailbox r = f.recipient();
        if (r == null || r.isBarePostmaster() || !localDomains.contains(r.domain().toLowerCase(Locale.ROOT))) return Verdict.CONTINUE;
        String address = r.address().toLowerCase(Locale.ROOT);
        long size = f.declaredSize() == Long.MAX_VALUE ? Long.MAX_VALUE / 2 : f.declaredSize();
        String key = address + "|" + size;
        QuotaStatus.Answer a = cache == null ? null : cache.getIfPresent(key);
        if (a == null) {
            a = service.ask(address, size);
            if (cache != null && !(a instanceof QuotaStatus.Answer.Unavailable)) cache.put(key, a);
        }
        Map<String, String> vars = Map.of("recipient", r.address());
        return switch (a) {
            case QuotaStatus.Answer.Fits fits -> Verdict.CONTINUE;
            case QuotaStatus.Answer.Full full -> {
                LOG.debug("mailbox-quota: {} is full for {} bytes ({} said '{}')", r, size, service, full.action());
                yield config.overQuota() == OverQuota.PERMANENT ? Verdict.reject(Code.MAILBOX_OVER_QUOTA_PERMANENT, vars)
                        : Verdict.defer(Code.MAILBOX_OVER_QUOTA, vars);
            }
            case QuotaStatus.Answer.Unavailable u -> {
                LOG.warn("mailbox-quota: {} gave no answer for {}: {}{}", service, r, u.why(),
                        config.onFailure() == MailboxQuotaConfig.OnFailure.ACCEPT ? "; accepted (on-failure: accept)" : "");
                yield config.onFailure() == MailboxQuotaConfig.OnFailure.ACCEPT ? Verdict.CONTINUE
                        : Verdict.defer(Code.RECIPIENT_LOOKUP_TEMPFAIL, vars);
            }
        };
    }
}
