// A published DMARC policy (RFC 7489 6.3): the tags mxfront applies (p, sp, pct, adkim, aspf), the
// domain it was found at and whether that was the organisational domain (then sp applies to the
// From: domain). Reporting tags (rua, ruf, fo, rf, ri) are read past; mxfront sends no reports.
package org.mxfront.dmarc;

import java.util.Locale;

/**
 * One DMARC record.
 *
 * @param policy          p=
 * @param subdomainPolicy sp= (p= when absent)
 * @param pct             pct= (100 when absent)
 * @param strictDkim      adkim=s
 * @param strictSpf       aspf=s
 * @param foundAt         the domain whose {@code _dmarc} name holds it
 */
public record DmarcRecord(Policy policy, Policy subdomainPolicy, int pct, boolean strictDkim, boolean strictSpf,
        String foundAt) {
    /** A requested policy. */
    public enum Policy {
        NONE, QUARANTINE, REJECT;

        public String token() { return name().toLowerCase(Locale.ROOT); }

        static Policy parse(String v) {
            return switch (v.trim().toLowerCase(Locale.ROOT)) {
                case "none" -> NONE;
                case "quarantine" -> QUARANTINE;
                case "reject" -> REJECT;
                default -> null;
            };
        }
    }

    /** True when the text starts like a DMARC record ({@code v=DMARC1}), whatever follows. */
    static boolean isDmarc(String text) {
        String t = text.trim();
        int semi = t.indexOf(';');
        String first = (semi < 0 ? t : t.substring(0, semi)).replace(" ", "").replace("\t", "");
        return first.equals("v=DMARC1");
    }

    /**
     * Parses a record (6.4); null when it is not a usable one (no valid p= and no rua=, 6.6.3).
     * Unknown tags and bad values of optional tags are ignored.
     */
    static DmarcRecord parse(String text, String foundAt) {
        Policy p = null;
        Policy sp = null;
        int pct = 100;
        boolean adkim = false;
        boolean aspf = false;
        boolean rua = false;
        boolean first = true;
        for (String part : text.split(";")) {
            int eq = part.indexOf('=');
            if (eq < 0) continue;
            String tag = part.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            String value = part.substring(eq + 1).trim();
            if (first) {
                first = false;
                if (!tag.equals("v")) return null;
                continue;
            }
            switch (tag) {
                case "p" -> p = Policy.parse(value);
                case "sp" -> sp = Policy.parse(value);
                case "pct" -> {
                    try {
                        int n = Integer.parseInt(value);
                        if (n >= 0 && n <= 100) pct = n;
                    } catch (NumberFormatException e) {
                        // ignored: 100
                    }
                }
                case "adkim" -> adkim = value.equalsIgnoreCase("s");
                case "aspf" -> aspf = value.equalsIgnoreCase("s");
                case "rua" -> rua = !value.isEmpty();
                default -> { }
            }
        }
        if (p == null) {
            if (!rua) return null;
            p = Policy.NONE;
        }
        return new DmarcRecord(p, sp == null ? p : sp, pct, adkim, aspf, foundAt);
    }

    /** The policy for mail whose From: domain is {@code fromDomain} (sp= when found at a parent). */
    public Policy policyFor(String fromDomain) {
        return fromDomain.equalsIgnoreCase(foundAt) ? policy : subdomainPolicy;
    }
}
