// A recipient domain that is not configured here but whose lowest-numbered MX points at us (its
// owner set up DNS and no hosting: seed 001's "Lowest numbered MX record points to local host",
// Exim's wording for the same case) gets 550 5.1.2 XM-RJCT21 "Domain has no hosting" instead of the
// relay check's XM-RJCT06, so the sender learns what is wrong. "Us": an MX host named
// server.hostname or in our-mx-hosts, or whose address (A/AAAA) is one of our-mx-addresses or the
// SMTP door's listen address. Only the lowest preference counts: a domain that lists us as a backup
// behind another host is not ours to explain (relay decides). Runs before `relay`; only for clients
// that may not relay, and only decides that case: anything else (and any DNS failure) is left to
// `relay`. Keys: recipient-mx.our-mx-hosts, recipient-mx.our-mx-addresses (default none).
package org.mxfront.checks.recipientmx;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mxfront.checks.CheckContext;
import org.mxfront.codes.Code;
import org.mxfront.dns.DnsResolver;
import org.mxfront.dns.DnsResult;
import org.mxfront.mail.Mailbox;
import org.mxfront.policy.Check;
import org.mxfront.policy.Facts;
import org.mxfront.policy.Stage;
import org.mxfront.policy.Verdict;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/** "Our MX, no hosting", at RCPT. */
public final class RecipientMxCheck implements Check {
    private final DnsResolver dns;
    private final Set<String> localDomains;
    private final Set<String> ourHosts;
    private final Set<InetAddress> ourAddresses;

    public RecipientMxCheck(RecipientMxConfig config, CheckContext ctx) {
        this.dns = ctx.requireDns();
        this.localDomains = ctx.localDomains();
        Set<String> hosts = new HashSet<>(config.ourMxHosts());
        hosts.add(RecipientMxConfig.normal(ctx.hostname()));
        this.ourHosts = Set.copyOf(hosts);
        Set<InetAddress> addresses = new HashSet<>(config.addresses());
        addresses.addAll(ctx.ourAddresses());
        this.ourAddresses = Set.copyOf(addresses);
    }

    @Override
    public Set<Stage> stages() { return Set.of(Stage.RCPT); }

    @Override
    public Verdict evaluate(Stage stage, Facts f) {
        Mailbox r = f.recipient();
        if (f.client().relayPermitted() || r.hasRelayTrick()) return Verdict.CONTINUE;
        String domain = r.domain();
        if (domain.isEmpty() || domain.startsWith("[") || localDomains.contains(domain)) return Verdict.CONTINUE;
        DnsResult mx = dns.lookup(domain, Type.MX).join(); // completes within dns.timeout
        List<String> lowest = lowest(mx.records());
        for (String host : lowest) {
            if (ourHosts.contains(host)) return Verdict.reject(Code.DOMAIN_NO_HOSTING, Map.of("domain", domain));
        }
        if (!ourAddresses.isEmpty()) {
            for (String host : lowest) {
                for (int type : new int[] {Type.A, Type.AAAA}) {
                    for (InetAddress a : dns.lookup(host, type).join().addresses()) {
                        if (ourAddresses.contains(a)) return Verdict.reject(Code.DOMAIN_NO_HOSTING, Map.of("domain", domain));
                    }
                }
            }
        }
        return Verdict.CONTINUE;
    }

    /** The hosts of the lowest-numbered (most preferred) MX records, lower-case without the final dot. */
    static List<String> lowest(List<Record> records) {
        int best = Integer.MAX_VALUE;
        for (Record rec : records) {
            if (rec instanceof MXRecord m) best = Math.min(best, m.getPriority());
        }
        List<String> hosts = new ArrayList<>();
        for (Record rec : records) {
            if (rec instanceof MXRecord m && m.getPriority() == best) hosts.add(RecipientMxConfig.normal(DnsResolver.text(m.getTarget())));
        }
        return hosts;
    }
}
