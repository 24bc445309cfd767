// The MAIL FROM domain must be able to receive mail (bounces go there): it needs an MX record, or
// an A/AAAA record when it has no MX (RFC 5321 5.1). NXDOMAIN, or a name without MX, A and AAAA:
// 550 5.1.8 XM-RJCT36. An RFC 7505 null MX ("MX 0 ."): 550 5.7.27 XM-RJCT72. A lookup that fails:
// 450 4.1.8 XM-RJCT37 or skip (sender-domain.on-dns-failure). The null sender and address
// literals are not looked up, nor local domains. Keys: see SenderDomainConfig.
package org.mxfront.checks.senderdomain;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.mxfront.checks.CheckContext;
import org.mxfront.checks.DnsCheck;
import org.mxfront.codes.Code;
import org.mxfront.dns.DnsResult;
import org.mxfront.dns.OnDnsFailure;
import org.mxfront.mail.Mailbox;
import org.mxfront.policy.Facts;
import org.mxfront.policy.Stage;
import org.mxfront.policy.Verdict;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/** Sender domain resolvability, at MAIL. */
public final class SenderDomainCheck extends DnsCheck<SenderDomainConfig> {
    public SenderDomainCheck(SenderDomainConfig config, CheckContext ctx) {
        super(config, ctx);
    }

    @Override
    public Set<Stage> stages() { return Set.of(Stage.MAIL); }

    @Override
    public Verdict evaluate(Stage stage, Facts f) {
        Mailbox s = f.sender();
        if (s == null || s.isNullSender()) return Verdict.CONTINUE;
        if (config.exemptRelayNetworks() && f.client().relayPermitted()) return Verdict.CONTINUE;
        String domain = s.domain();
        if (domain.startsWith("[") || localDomains.contains(domain)) return Verdict.CONTINUE;
        Map<String, String> vars = Map.of("domain", domain);
        DnsResult mx = dns.lookup(domain, Type.MX).join(); // completes within dns.timeout
        switch (mx.status()) {
            case NO_SUCH_DOMAIN -> {
                return Verdict.reject(Code.SENDER_DOMAIN_NOT_FOUND, vars);
            }
            case ANSWER -> {
                return nullMx(mx) ? Verdict.reject(Code.SENDER_DOMAIN_NULL_MX, vars) : Verdict.CONTINUE;
            }
            case FAILURE, TIMEOUT -> {
                return failed(vars);
            }
            case NO_DATA -> {
                // No MX: the domain's own address is its mail host (RFC 5321 5.1), if it has one.
                CompletableFuture<DnsResult> a = dns.lookup(domain, Type.A);
                CompletableFuture<DnsResult> aaaa = dns.lookup(domain, Type.AAAA);
                DnsResult ra = a.join();
                DnsResult raaaa = aaaa.join();
                if (ra.status() == DnsResult.Status.ANSWER || raaaa.status() == DnsResult.Status.ANSWER) {
                    return Verdict.CONTINUE;
                }
                if (ra.failed() || raaaa.failed()) return failed(vars);
                return Verdict.reject(Code.SENDER_DOMAIN_NOT_FOUND, vars);
            }
        }
        return Verdict.CONTINUE;
    }

    private Verdict failed(Map<String, String> vars) {
        return config.onDnsFailure() == OnDnsFailure.TEMPFAIL
                ? Verdict.defer(Code.SENDER_DOMAIN_TEMPFAIL, vars) : Verdict.CONTINUE;
    }

    /** RFC 7505: an MX record with the root as its target says the domain accepts no mail. */
    static boolean nullMx(DnsResult mx) {
        for (Record r : mx.records()) {
            if (r instanceof MXRecord m && m.getTarget().equals(Name.root)) return true;
        }
        return false;
    }

    /** A recipient's safe entry lifts the sender-domain check (README, "Policy for many domains": the precedence table). */
    @Override
    public boolean liftedBySafeEntry(Verdict v) {
        return true;
    }
}
