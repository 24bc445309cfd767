// DMARC's decision (RFC 7489 4.2, 6.6): the message passes when SPF passed for an aligned
// MAIL FROM domain or a DKIM signature verified for an aligned d= domain; otherwise the policy found
// for the From: domain applies, sampled by pct= (a message outside the sample gets the next milder
// policy, 6.6.4). The inputs are plain values, so this is tested without DNS or a message.
package org.mxfront.dmarc;

import java.util.List;
import java.util.function.IntSupplier;

/** Evaluates DMARC for one message. Thread-safe. */
public final class DmarcEvaluator {
    /** A verified DKIM signature's domain (d=), as DMARC needs it. */
    public record DkimPass(String domain) {}

    private final DmarcDiscovery discovery;
    private final IntSupplier percentile;

    /**
     * @param percentile a number 0..99 per call, for pct= sampling (random in production)
     */
    public DmarcEvaluator(DmarcDiscovery discovery, IntSupplier percentile) {
        this.discovery = discovery;
        this.percentile = percentile;
    }

    /**
     * @param fromDomain the RFC5322.From domain
     * @param spfPass    true when SPF passed
     * @param spfDomain  the domain SPF checked (MAIL FROM's, or HELO's for a null sender), may be null
     * @param dkim       the signatures that verified
     */
    public DmarcResult evaluate(String fromDomain, boolean spfPass, String spfDomain, List<DkimPass> dkim) {
        DmarcDiscovery.Found found = discovery.find(fromDomain);
        DmarcRecord rec;
        switch (found) {
            case DmarcDiscovery.Found.Failed f -> {
                return new DmarcResult(DmarcResult.Result.TEMPERROR, fromDomain, null, null, f.detail());
            }
            case DmarcDiscovery.Found.NoPolicy n -> {
                return new DmarcResult(DmarcResult.Result.NONE, fromDomain, null, null, "no DMARC record");
            }
            case DmarcDiscovery.Found.Policy p -> rec = p.record();
        }
        DmarcRecord.Policy policy = rec.policyFor(fromDomain);
        for (DkimPass d : dkim) {
            if (OrgDomain.aligned(d.domain(), fromDomain, rec.strictDkim())) {
                return new DmarcResult(DmarcResult.Result.PASS, fromDomain, policy, null, "dkim aligned: d=" + d.domain());
            }
        }
        if (spfPass && OrgDomain.aligned(spfDomain, fromDomain, rec.strictSpf())) {
            return new DmarcResult(DmarcResult.Result.PASS, fromDomain, policy, null, "spf aligned: " + spfDomain);
        }
        DmarcRecord.Policy applied = policy;
        if (rec.pct() < 100 && percentile.getAsInt() >= rec.pct()) {
            applied = switch (policy) {
                case REJECT -> DmarcRecord.Policy.QUARANTINE;
                case QUARANTINE, NONE -> DmarcRecord.Policy.NONE;
            };
        }
        return new DmarcResult(DmarcResult.Result.FAIL, fromDomain, policy, applied,
                "no aligned pass (" + (rec.strictSpf() ? "aspf=s" : "aspf=r") + ", " + (rec.strictDkim() ? "adkim=s" : "adkim=r")
                        + ", policy at " + rec.foundAt() + ")");
    }
}
