// The organisational domain of RFC 7489 3.2: the name one label below its public suffix, by the
// Public Suffix List that Guava ships (frozen per Guava release; its private section included, as
// opendmarc's list is). A name under no known suffix (a .test or .internal name) takes its last two
// labels, the usual fallback, so that relaxed alignment still works in labs and tests.
package org.mxfront.dmarc;

import com.google.common.net.InternetDomainName;
import java.util.Locale;

/** Organisational domains. Stateless. */
public final class OrgDomain {
    private OrgDomain() {}

    /** The organisational domain of a name (lower-case, no final dot); the name itself when it is one. */
    public static String of(String domain) {
        String d = domain.toLowerCase(Locale.ROOT);
        if (d.endsWith(".")) d = d.substring(0, d.length() - 1);
        try {
            InternetDomainName n = InternetDomainName.from(d);
            if (n.isUnderPublicSuffix()) return n.topPrivateDomain().toString();
            if (n.isPublicSuffix()) return d;
        } catch (IllegalArgumentException | IllegalStateException e) {
            // not a name Guava accepts (underscores, over-long labels): fall back below
        }
        String[] labels = d.split("\\.");
        if (labels.length <= 2) return d;
        return labels[labels.length - 2] + "." + labels[labels.length - 1];
    }

    /** RFC 7489 3.1: relaxed alignment compares organisational domains, strict the names themselves. */
    public static boolean aligned(String a, String b, boolean strict) {
        if (a == null || b == null) return false;
        String x = a.toLowerCase(Locale.ROOT);
        String y = b.toLowerCase(Locale.ROOT);
        return strict ? x.equals(y) : of(x).equals(of(y));
    }
}
