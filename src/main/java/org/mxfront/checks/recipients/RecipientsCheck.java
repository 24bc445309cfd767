// Recipient validation at RCPT, with the source chosen per local domain: a table file (XM-RJCT01,
// or 02 for a virtual domain), an LDAP directory (XM-RJCT20, the seed's hosted/Zimbra recipients),
// or a callout to the domain's own server (XM-RJCT08, the seed's "Spamcatcher" recipients). The
// `downstream` source leaves the answer to Postfix (the SMTP door translates its 5.1.1). A source
// that cannot answer never refuses for good: 451 (XM-RJCT78 directory, XM-RJCT79 callout) or, for a
// callout with on-failure: accept, the recipient passes. Only local domains are looked up, and not
// their postmaster@ and abuse@ (exempt-local-parts) nor the bare <postmaster>: those are always accepted.
// An account that exists but is not active (the LDAP status attribute, the table's second column)
// is refused: suspended 554 5.7.1 XM-RJCT87, maintenance 450 4.2.1 XM-RJCT93, over quota 452 4.2.2
// XM-RJCT88 (or 552 5.2.2 XM-RJCT89 with over-quota: permanent).
// At MAIL, a sender in a local domain that the source does not know gets 550 5.1.0 XM-RJCT92 (seed
// 002's "your domain exists here, but the full email address you sent from does not"; Postfix's
// reject_unlisted_sender), by default only when the client authenticated. The engine runs this at MAIL
// under the sender's domain's policy (judgesOwnSenders), so the sender is looked up in that domain's
// own source; a lookup that fails lets the sender through.
package org.mxfront.checks.recipients;

import com.github.benmanes.caffeine.cache.Ticker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mxfront.checks.CalloutSources;
import org.mxfront.checks.CheckContext;
import org.mxfront.checks.SourceCheck;
import org.mxfront.codes.Code;
import org.mxfront.mail.Mailbox;
import org.mxfront.policy.Facts;
import org.mxfront.policy.Stage;
import org.mxfront.policy.Verdict;
import org.mxfront.recipients.CachedSource;
import org.mxfront.recipients.CalloutSource;
import org.mxfront.recipients.LdapSource;
import org.mxfront.recipients.Lookup;
import org.mxfront.recipients.RecipientSource;
import org.mxfront.recipients.SourceMeters;
import org.mxfront.recipients.TableSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The recipients check, at RCPT. Thread-safe. */
public final class RecipientsCheck extends SourceCheck<RecipientsConfig> {
    private static final Logger LOG = LoggerFactory.getLogger(RecipientsCheck.class);

    public RecipientsCheck(RecipientsConfig config, CheckContext ctx) {
        this(config, ctx, open(config, ctx));
    }

    /** With a given source (unit tests); null for the downstream source. */
    public RecipientsCheck(RecipientsConfig config, CheckContext ctx, RecipientSource source) {
        super(config, ctx, source);
    }

    private static RecipientSource open(RecipientsConfig c, CheckContext ctx) {
        RecipientsConfig.CacheSettings cs = c.cache();
        return switch (c.source()) {
            case DOWNSTREAM -> null;
            case TABLE -> {
                Path f = Path.of(c.table().file());
                if (!f.isAbsolute()) f = ctx.stateDirectory().resolve(f);
                // not shared: a configuration reload (SIGHUP) reads the file again
                TableSource t = new TableSource(f, c.table().recipientDelimiter(), c.table().checkInterval(), ctx.clock());
                yield new CachedSource(t, Duration.ZERO, Duration.ZERO, 1,
                        new SourceMeters(ctx.registry(), "table"), Ticker.systemTicker());
            }
            // shared across reloads; the pool connects when the daemon starts (warm-up), never at check-config
            case LDAP -> ctx.resources().get(List.of("recipients-ldap", c.ldap(), cs),
                    () -> new CachedSource(new LdapSource(c.ldap()), cs.positiveTtl(), cs.negativeTtl(), cs.maxEntries(),
                            new SourceMeters(ctx.registry(), "ldap"), Ticker.systemTicker()), CachedSource::warmUp);
            case CALLOUT -> {
                RecipientsConfig.CalloutSettings o = c.callout();
                CalloutSource callout = CalloutSources.of(ctx, o.targets(), o.port(), o.connectTimeout(), o.commandTimeout(),
                        o.maxIdle());
                yield ctx.resources().get(List.of("recipients-callout", o, cs),
                        () -> new CachedSource(callout, cs.positiveTtl(), cs.negativeTtl(),
                                cs.maxEntries(), new SourceMeters(ctx.registry(), "callout"), Ticker.systemTicker()));
            }
        };
    }

    @Override
    public Set<Stage> stages() {
        return config.unlistedSender() == RecipientsConfig.UnlistedSender.OFF || source == null ? Set.of(Stage.RCPT)
                : Set.of(Stage.MAIL, Stage.RCPT);
    }

    /** Unlisted senders are judged with the source of the sender's own domain (its policy runs this at MAIL). */
    @Override
    public boolean judgesOwnSenders() {
        return stages().contains(Stage.MAIL);
    }

    @Override
    public Verdict evaluate(Stage stage, Facts f) {
        if (stage == Stage.MAIL) return sender(f);
        Mailbox r = f.recipient();
        if (source == null || r == null || r.isBarePostmaster()) return Verdict.CONTINUE;
        String domain = domain(r);
        if (!localDomains.contains(domain)) return Verdict.CONTINUE;
        // RFC 5321 4.5.1: every domain that takes mail takes postmaster (any case); abuse@ too by default.
        if (config.exemptLocalParts().contains(r.plainLocalPart())) return Verdict.CONTINUE;
        Lookup l = lookup(r, domain);
        Map<String, String> vars = Map.of("recipient", r.address());
        return switch (l) {
            case Lookup.Found found -> switch (found.state()) {
                case ACTIVE -> Verdict.CONTINUE;
                case SUSPENDED -> Verdict.reject(Code.USER_SUSPENDED, vars);
                case MAINTENANCE -> Verdict.defer(Code.ACCOUNT_IN_MAINTENANCE, vars);
                case OVER_QUOTA -> overQuota(config.overQuota(), vars);
            };
            case Lookup.NotFound nf -> Verdict.reject(unknownCode(), vars);
            case Lookup.Unavailable u -> unavailable(r, u, vars);
        };
    }

    /** MAIL: a sender in one of our domains must exist there (for authenticated clients, or all with unlisted-sender: all). */
    private Verdict sender(Facts f) {
        Mailbox s = f.sender();
        if (source == null || s == null || s.isNullSender()) return Verdict.CONTINUE;
        if (config.unlistedSender() == RecipientsConfig.UnlistedSender.OFF) return Verdict.CONTINUE;
        String user = f.state().authenticatedUser();
        if (config.unlistedSender() == RecipientsConfig.UnlistedSender.AUTHENTICATED && user == null) return Verdict.CONTINUE;
        String domain = domain(s);
        if (!localDomains.contains(domain)) return Verdict.CONTINUE;
        return switch (lookup(s, domain)) {
            case Lookup.Found found -> Verdict.CONTINUE;
            case Lookup.NotFound nf -> {
                LOG.info("recipients: sender <{}> is not listed in {} ({}), authenticated as {}", s.address(), domain, nf.detail(),
                        user == null ? "nobody" : user);
                yield Verdict.reject(Code.UNLISTED_SENDER, Map.of("sender", s.address(), "domain", domain));
            }
            case Lookup.Unavailable u -> {
                LOG.warn("recipients: {} lookup for sender <{}> failed ({}); sender accepted", source.kind(), s.address(), u.why());
                yield Verdict.CONTINUE;
            }
        };
    }

    /** A full mailbox: 452 4.2.2 XM-RJCT88 (temporary, RFC 3463's meaning of X.2.2) or 552 5.2.2 XM-RJCT89. */
    public static Verdict overQuota(RecipientsConfig.OverQuota reply, Map<String, String> vars) {
        return reply == RecipientsConfig.OverQuota.PERMANENT ? Verdict.reject(Code.MAILBOX_OVER_QUOTA_PERMANENT, vars)
                : Verdict.defer(Code.MAILBOX_OVER_QUOTA, vars);
    }

    private Code unknownCode() {
        return switch (config.source()) {
            case LDAP -> Code.INVALID_HOSTED_RECIPIENT;
            case CALLOUT -> Code.INVALID_FILTERED_RECIPIENT;
            default -> config.virtual() ? Code.INVALID_VIRTUAL_RECIPIENT : Code.INVALID_USERNAME;
        };
    }

    private Verdict unavailable(Mailbox r, Lookup.Unavailable u, Map<String, String> vars) {
        if (config.source() == RecipientsConfig.Source.CALLOUT) {
            if (config.callout().onFailure() == RecipientsConfig.OnFailure.ACCEPT) {
                LOG.warn("recipients: callout for {} failed ({}); accepted (on-failure: accept)", r, u.why());
                return Verdict.CONTINUE;
            }
            LOG.warn("recipients: callout for {} failed: {}", r, u.why());
            return Verdict.defer(Code.RECIPIENT_CALLOUT_TEMPFAIL, vars);
        }
        LOG.warn("recipients: {} lookup for {} failed: {}", source.kind(), r, u.why());
        return Verdict.defer(Code.RECIPIENT_LOOKUP_TEMPFAIL, vars);
    }

    public RecipientsConfig config() { return config; }
}
