// A list of mail addresses and domains: `user@example.com` matches that address (case-insensitive),
// `@example.com` that domain exactly, `example.com` the domain and every name under it (suffix).
package org.mxfront.lists;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** An immutable address/domain list. Thread-safe. */
public final class AddressList {
    private final Set<String> addresses = new HashSet<>();
    private final Set<String> exactDomains = new HashSet<>();
    private final Set<String> suffixDomains = new HashSet<>();

    private AddressList() {}

    /** Reads entries from files; IllegalArgumentException naming file and line for a bad entry. */
    public static AddressList read(List<Path> files) {
        AddressList l = new AddressList();
        for (Path p : files) {
            ListFile f = ListFile.read(p);
            for (ListFile.Entry e : f.entries()) l.add(f, e);
        }
        return l;
    }

    private void add(ListFile f, ListFile.Entry e) {
        String t = e.text().toLowerCase(Locale.ROOT);
        if (t.startsWith("<") && t.endsWith(">")) t = t.substring(1, t.length() - 1);
        int at = t.lastIndexOf('@');
        if (t.indexOf(' ') >= 0 || t.indexOf('\t') >= 0) throw f.error(e, "one address or domain a line");
        if (at == 0) {
            exactDomains.add(domain(f, e, t.substring(1)));
        } else if (at > 0) {
            addresses.add(t.substring(0, at) + "@" + domain(f, e, t.substring(at + 1)));
        } else {
            suffixDomains.add(domain(f, e, t));
        }
    }

    private static String domain(ListFile f, ListFile.Entry e, String d) {
        String x = d.endsWith(".") ? d.substring(0, d.length() - 1) : d;
        if (!x.matches("[a-z0-9_]([a-z0-9_.-]*[a-z0-9])?")) throw f.error(e, "not a domain name");
        return x;
    }

    /** The entry an address matches (for logs), or null. */
    public String match(String address) {
        String a = address.toLowerCase(Locale.ROOT);
        if (addresses.contains(a)) return a;
        int at = a.lastIndexOf('@');
        String d = at < 0 ? a : a.substring(at + 1);
        if (exactDomains.contains(d)) return "@" + d;
        for (String s = d; ; ) {
            if (suffixDomains.contains(s)) return s;
            int dot = s.indexOf('.');
            if (dot < 0) return null;
            s = s.substring(dot + 1);
        }
    }

    public int size() {
        return addresses.size() + exactDomains.size() + suffixDomains.size();
    }
}
