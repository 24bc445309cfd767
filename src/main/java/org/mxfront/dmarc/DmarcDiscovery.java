// Policy discovery (RFC 7489 6.6.3): the TXT records at _dmarc.<From domain>, and when there is no
// usable record there, at _dmarc.<organisational domain>. A DNS failure is not "no policy": the
// caller gets TEMPERROR and decides (the dmarc check fails open by default).
package org.mxfront.dmarc;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.mxfront.dns.DnsResult;
import org.mxfront.spf.SpfDns;
import org.xbill.DNS.Record;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/** Finds the DMARC record that governs a domain. Thread-safe. */
public final class DmarcDiscovery {
    private final SpfDns dns;

    public DmarcDiscovery(SpfDns dns) {
        this.dns = dns;
    }

    /** What discovery found: a record, none, or a DNS failure. */
    public sealed interface Found {
        /** A record governs the domain. */
        record Policy(DmarcRecord record) implements Found {}
        /** No record at the domain nor at its organisational domain. */
        record NoPolicy() implements Found {}
        /** A lookup failed; nothing is known. */
        record Failed(String detail) implements Found {}
    }

    public Found find(String domain) {
        Found f = at(domain);
        if (!(f instanceof Found.NoPolicy)) return f;
        String org = OrgDomain.of(domain);
        return org.equalsIgnoreCase(domain) ? f : at(org);
    }

    private Found at(String domain) {
        DnsResult r = dns.lookup("_dmarc." + domain, Type.TXT).join();
        if (r.failed()) return new Found.Failed("TXT lookup of _dmarc." + domain + " failed: " + r.detail());
        if (r.negative()) return new Found.NoPolicy();
        List<String> texts = new ArrayList<>();
        for (Record rec : r.records()) {
            if (rec instanceof TXTRecord t) {
                String text = String.join("", t.getStrings());
                if (DmarcRecord.isDmarc(text)) texts.add(text);
            }
        }
        if (texts.size() != 1) return new Found.NoPolicy(); // none, or several: no policy (6.6.3)
        DmarcRecord rec = DmarcRecord.parse(texts.get(0), domain.toLowerCase(Locale.ROOT));
        return rec == null ? new Found.NoPolicy() : new Found.Policy(rec);
    }
}
