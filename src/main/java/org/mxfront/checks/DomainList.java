// A list of domains in a check's settings (tls-required's sender-domains, dkim's must-be-signed):
// each one lower-cased, a leading dot dropped (".example.com" and "example.com" both cover the
// subdomains), and anything that is not a domain name refused with the key named, at load.
package org.mxfront.checks;

import java.util.List;
import java.util.Locale;

/** Reads domain lists from check settings. */
public final class DomainList {
    private DomainList() {}

    /**
     * The domains, normalised; an empty list for null.
     *
     * @throws IllegalArgumentException "{@code key}: 'x' is not a domain name"
     */
    public static List<String> of(String key, List<String> domains) {
        return domains == null ? List.of() : domains.stream().map(d -> {
            String l = String.valueOf(d).trim().toLowerCase(Locale.ROOT);
            if (l.startsWith(".")) l = l.substring(1);
            if (!l.matches("[a-z0-9]([a-z0-9.-]*[a-z0-9])?")) {
                throw new IllegalArgumentException(key + ": '" + d + "' is not a domain name");
            }
            return l;
        }).toList();
    }
}
