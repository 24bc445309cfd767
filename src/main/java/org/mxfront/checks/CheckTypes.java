// The list of every check mxfront knows. Adding a check: write its package (check + config record
// + test) and add one line here. Nothing else, and no transport code, changes.
package org.mxfront.checks;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.mxfront.checks.attachments.AttachmentCheck;
import org.mxfront.checks.attachments.AttachmentConfig;
import org.mxfront.checks.connlimit.ConnectionLimitCheck;
import org.mxfront.checks.connlimit.ConnectionLimitConfig;
import org.mxfront.checks.dkim.DkimCheck;
import org.mxfront.checks.dkim.DkimConfig;
import org.mxfront.checks.earlytalker.EarlyTalkerCheck;
import org.mxfront.checks.earlytalker.EarlyTalkerConfig;
import org.mxfront.checks.greylist.GreylistCheck;
import org.mxfront.checks.greylist.GreylistConfig;
import org.mxfront.checks.dnsbl.DnsblCheck;
import org.mxfront.checks.dnsbl.DnsblConfig;
import org.mxfront.checks.headers.HeaderCheck;
import org.mxfront.checks.headers.HeaderConfig;
import org.mxfront.checks.helo.HeloCheck;
import org.mxfront.checks.helo.HeloConfig;
import org.mxfront.checks.hops.ReceivedHopsCheck;
import org.mxfront.checks.hops.ReceivedHopsConfig;
import org.mxfront.checks.mailboxquota.MailboxQuotaCheck;
import org.mxfront.checks.mailboxquota.MailboxQuotaConfig;
import org.mxfront.checks.rcptlimit.RecipientLimitCheck;
import org.mxfront.checks.ratelimit.RateLimitCheck;
import org.mxfront.checks.ratelimit.RateLimitConfig;
import org.mxfront.checks.tlsrequired.TlsRequiredCheck;
import org.mxfront.checks.tlsrequired.TlsRequiredConfig;
import org.mxfront.checks.rcptlimit.RecipientLimitConfig;
import org.mxfront.checks.rdns.RdnsCheck;
import org.mxfront.checks.rdns.RdnsConfig;
import org.mxfront.checks.recipientmx.RecipientMxCheck;
import org.mxfront.checks.recipientmx.RecipientMxConfig;
import org.mxfront.checks.relay.RelayCheck;
import org.mxfront.checks.relay.RelayConfig;
import org.mxfront.checks.size.MessageSizeCheck;
import org.mxfront.checks.senderdomain.SenderDomainCheck;
import org.mxfront.checks.senderdomain.SenderDomainConfig;
import org.mxfront.checks.size.MessageSizeConfig;
import org.mxfront.checks.spf.SpfCheck;
import org.mxfront.checks.authresults.AuthResultsCheck;
import org.mxfront.checks.authresults.AuthResultsConfig;
import org.mxfront.checks.dmarc.DmarcCheck;
import org.mxfront.checks.dmarc.DmarcConfig;
import org.mxfront.checks.forgedsender.ForgedSenderCheck;
import org.mxfront.checks.forgedsender.ForgedSenderConfig;
import org.mxfront.checks.ipblocklist.IpBlocklistCheck;
import org.mxfront.checks.ipblocklist.IpBlocklistConfig;
import org.mxfront.checks.policylists.PolicyListsCheck;
import org.mxfront.checks.policylists.PolicyListsConfig;
import org.mxfront.checks.phishing.PhishingCheck;
import org.mxfront.checks.phishing.PhishingConfig;
import org.mxfront.checks.senderblocklist.SenderBlocklistCheck;
import org.mxfront.checks.senderblocklist.SenderBlocklistConfig;
import org.mxfront.checks.spf.SpfConfig;
import org.mxfront.checks.spam.SpamCheck;
import org.mxfront.checks.spam.SpamConfig;
import org.mxfront.checks.virus.VirusCheck;
import org.mxfront.checks.virus.VirusConfig;
import org.mxfront.checks.dictguard.DictionaryGuardCheck;
import org.mxfront.checks.dictguard.DictionaryGuardConfig;
import org.mxfront.checks.recipients.RecipientsCheck;
import org.mxfront.checks.recipients.RecipientsConfig;
import org.mxfront.checks.senderverify.SenderVerifyCheck;
import org.mxfront.checks.senderverify.SenderVerifyConfig;

/** The registry of check kinds, by configuration key. */
public final class CheckTypes {
    private CheckTypes() {}

    public static final List<CheckType<?>> ALL = List.of(
            new CheckType<>("connection-limit", ConnectionLimitConfig.class, ConnectionLimitCheck::new),
            new CheckType<>("early-talker", EarlyTalkerConfig.class, EarlyTalkerCheck::new),
            new CheckType<>("helo", HeloConfig.class, HeloCheck::new),
            new CheckType<>("dnsbl", DnsblConfig.class, DnsblCheck::new),
            new CheckType<>("rdns", RdnsConfig.class, RdnsCheck::new),
            new CheckType<>("sender-domain", SenderDomainConfig.class, SenderDomainCheck::new),
            new CheckType<>("spf", SpfConfig.class, SpfCheck::new),
            new CheckType<>("recipient-mx", RecipientMxConfig.class, RecipientMxCheck::new),
            new CheckType<>("relay", RelayConfig.class, RelayCheck::new),
            new CheckType<>("tls-required", TlsRequiredConfig.class, TlsRequiredCheck::new),
            new CheckType<>("recipient-limit", RecipientLimitConfig.class, RecipientLimitCheck::new),
            new CheckType<>("message-size", MessageSizeConfig.class, MessageSizeCheck::new),
            new CheckType<>("received-hops", ReceivedHopsConfig.class, ReceivedHopsCheck::new),
            new CheckType<>("headers", HeaderConfig.class, HeaderCheck::new),
            new CheckType<>("attachments", AttachmentConfig.class, AttachmentCheck::new),
            new CheckType<>("virus", VirusConfig.class, VirusCheck::new),
            // spam classification by rspamd or spamd (issue 23)
            new CheckType<>("spam", SpamConfig.class, SpamCheck::new),
            new CheckType<>("dkim", DkimConfig.class, DkimCheck::new),
            new CheckType<>("greylist", GreylistConfig.class, GreylistCheck::new),
            // sender authentication and the operators' lists (issue 14)
            new CheckType<>("ip-blocklist", IpBlocklistConfig.class, IpBlocklistCheck::new),
            new CheckType<>("sender-blocklist", SenderBlocklistConfig.class, SenderBlocklistCheck::new),
            new CheckType<>("phishing", PhishingConfig.class, PhishingCheck::new),
            new CheckType<>("dmarc", DmarcConfig.class, DmarcCheck::new).after("dkim"),
            new CheckType<>("forged-sender", ForgedSenderConfig.class, ForgedSenderCheck::new).after("dkim"),
            new CheckType<>("authentication-results", AuthResultsConfig.class, AuthResultsCheck::new)
                    .after("dkim", "dmarc"),
            // rate limits shared across MX hosts (issue 16)
            new CheckType<>("rate-limit", RateLimitConfig.class, RateLimitCheck::new),
            // recipient validation, the dictionary-attack guard, sender verification (issue 15)
            new CheckType<>("dictionary-guard", DictionaryGuardConfig.class, DictionaryGuardCheck::new),
            new CheckType<>("recipients", RecipientsConfig.class, RecipientsCheck::new),
            new CheckType<>("sender-verify", SenderVerifyConfig.class, SenderVerifyCheck::new),
            // the policy store's block and safe lists (issue 22)
            new CheckType<>("policy-lists", PolicyListsConfig.class, PolicyListsCheck::new),
            // account states: full mailboxes from Dovecot's quota-status service (issue 24)
            new CheckType<>("mailbox-quota", MailboxQuotaConfig.class, MailboxQuotaCheck::new));

    public static final Map<String, CheckType<?>> BY_NAME =
            ALL.stream().collect(Collectors.toUnmodifiableMap(CheckType::name, Function.identity()));
}
