// The policy store's data held in memory: immutable, built once per version and swapped whole, so
// that the data plane reads domains and list entries without a lock and without SQL. Lookups are
// hash probes: a sender address, each of a sender domain's parents, and the client address masked
// to each prefix length that some entry uses (few: /32, /24, /128, /64 in practice).
package org.mxfront.store;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** One version of the store's domains and lists. Thread-safe (immutable). */
public final class PolicySnapshot {
    public static final PolicySnapshot EMPTY = new PolicySnapshot(0, Map.of(), Map.of(), Map.of(), new TreeMap<>(), new TreeMap<>());

    private final long version;
    private final Map<String, StoredDomain> domains;
    private final Map<Long, ListEntry> entries;
    private final Map<String, ListEntry> index;
    /** Prefix lengths in use, with how many entries use each (longest first when probed). */
    private final TreeMap<Integer, Integer> v4Lengths;
    private final TreeMap<Integer, Integer> v6Lengths;
    private final int[] v4Probe;
    private final int[] v6Probe;

    private PolicySnapshot(long version, Map<String, StoredDomain> domains, Map<Long, ListEntry> entries,
            Map<String, ListEntry> index, TreeMap<Integer, Integer> v4, TreeMap<Integer, Integer> v6) {
        this.version = version;
        this.domains = domains;
        this.entries = entries;
        this.index = index;
        this.v4Lengths = v4;
        this.v6Lengths = v6;
        this.v4Probe = v4.descendingKeySet().stream().mapToInt(Integer::intValue).toArray();
        this.v6Probe = v6.descendingKeySet().stream().mapToInt(Integer::intValue).toArray();
    }

    /** A snapshot of everything. */
    public static PolicySnapshot of(long version, Collection<StoredDomain> domains, Collection<ListEntry> entries) {
        return EMPTY.apply(version, domains, List.of(), entries, List.of());
    }

    /** This snapshot with the changes of one poll applied: a new object; this one stays as it was. */
    public PolicySnapshot apply(long newVersion, Collection<StoredDomain> putDomains, Collection<String> removedDomains,
            Collection<ListEntry> putEntries, Collection<Long> removedEntries) {
        Map<String, StoredDomain> d = new HashMap<>(domains);
        for (String r : removedDomains) d.remove(r);
        for (StoredDomain s : putDomains) d.put(s.name(), s);
        Map<Long, ListEntry> e = new HashMap<>(entries);
        Map<String, ListEntry> idx = new HashMap<>(index);
        TreeMap<Integer, Integer> v4 = new TreeMap<>(v4Lengths);
        TreeMap<Integer, Integer> v6 = new TreeMap<>(v6Lengths);
        for (Long id : removedEntries) remove(e.remove(id), idx, v4, v6);
        for (ListEntry le : putEntries) {
            remove(e.put(le.id(), le), idx, v4, v6);
            idx.put(key(le), le);
            if (le.kind() == ListEntry.Kind.IP) count(le, v4, v6, 1);
        }
        return new PolicySnapshot(newVersion, Collections.unmodifiableMap(d), Collections.unmodifiableMap(e),
                Collections.unmodifiableMap(idx), v4, v6);
    }

    private static void remove(ListEntry old, Map<String, ListEntry> idx, TreeMap<Integer, Integer> v4,
            TreeMap<Integer, Integer> v6) {
        if (old == null) return;
        idx.remove(key(old));
        if (old.kind() == ListEntry.Kind.IP) count(old, v4, v6, -1);
    }

    private static void count(ListEntry e, TreeMap<Integer, Integer> v4, TreeMap<Integer, Integer> v6, int delta) {
        int slash = e.value().indexOf('/');
        int len = Integer.parseInt(e.value().substring(slash + 1));
        TreeMap<Integer, Integer> m = e.value().indexOf(':') >= 0 ? v6 : v4;
        m.merge(len, delta, Integer::sum);
        if (m.get(len) <= 0) m.remove(len);
    }

    public long version() { return version; }
    public Map<String, StoredDomain> domains() { return domains; }
    public Map<Long, ListEntry> entries() { return entries; }

    public StoredDomain domain(String name) { return domains.get(name); }

    // --- lookups -------------------------------------------------------------------------------

    /**
     * The entry that decides for one recipient, by the precedence table (README, "Policy for many
     * domains"): the most specific scope with a live matching entry decides (user, then domain, then
     * operator); within one scope a block beats a safe entry. Null when no entry matches.
     *
     * @param client          the client's address
     * @param sender          the envelope sender, lower-case, or null/empty for the null sender
     * @param recipient       the recipient address, lower-case (null: operator scope only)
     * @param recipientDomain the recipient's domain, lower-case (null: operator scope only)
     */
    public ListEntry decide(InetAddress client, String sender, String recipient, String recipientDomain, Instant now) {
        if (entries.isEmpty()) return null;
        byte[] ip = client == null ? null : bytes(client);
        String senderDomain = sender == null ? null : domainOf(sender);
        if (recipient != null) {
            ListEntry e = scope(ListEntry.Scope.USER, recipient, ip, sender, senderDomain, now);
            if (e != null) return e;
        }
        if (recipientDomain != null) {
            ListEntry e = scope(ListEntry.Scope.DOMAIN, recipientDomain, ip, sender, senderDomain, now);
            if (e != null) return e;
        }
        return scope(ListEntry.Scope.OPERATOR, "", ip, sender, senderDomain, now);
    }

    private ListEntry scope(ListEntry.Scope scope, String scopeKey, byte[] ip, String sender, String senderDomain, Instant now) {
        ListEntry e = match(scope, scopeKey, ListEntry.Action.BLOCK, ip, sender, senderDomain, now);
        return e != null ? e : match(scope, scopeKey, ListEntry.Action.SAFE, ip, sender, senderDomain, now);
    }

    private ListEntry match(ListEntry.Scope scope, String scopeKey, ListEntry.Action action, byte[] ip, String sender,
            String senderDomain, Instant now) {
        String prefix = scope.ordinal() + "\0" + scopeKey + "\0" + action.ordinal() + "\0";
        if (ip != null) {
            int[] probe = ip.length == 4 ? v4Probe : v6Probe;
            for (int len : probe) {
                ListEntry e = live(index.get(prefix + ListEntry.Kind.IP.ordinal() + "\0" + network(ip, len)), now);
                if (e != null) return e;
            }
        }
        if (sender != null && !sender.isEmpty()) {
            ListEntry e = live(index.get(prefix + ListEntry.Kind.SENDER.ordinal() + "\0" + sender), now);
            if (e != null) return e;
        }
        if (senderDomain != null && !senderDomain.isEmpty()) {
            String dk = prefix + ListEntry.Kind.SENDER_DOMAIN.ordinal() + "\0";
            ListEntry e = live(index.get(dk + senderDomain), now);
            if (e != null) return e;
            // ".example.net" matches example.net and every name under it
            for (String d = senderDomain; ; ) {
                e = live(index.get(dk + "." + d), now);
                if (e != null) return e;
                int dot = d.indexOf('.');
                if (dot < 0) break;
                d = d.substring(dot + 1);
            }
        }
        return null;
    }

    private static ListEntry live(ListEntry e, Instant now) {
        return e != null && e.live(now) ? e : null;
    }

    static String key(ListEntry e) {
        String v = e.value();
        if (e.kind() == ListEntry.Kind.IP) {
            int slash = v.indexOf('/');
            try {
                v = network(InetAddress.getByName(v.substring(0, slash)).getAddress(), Integer.parseInt(v.substring(slash + 1)));
            } catch (UnknownHostException ex) {
                throw new IllegalArgumentException("not an address: " + v);
            }
        }
        return e.scope().ordinal() + "\0" + e.scopeKey() + "\0" + e.action().ordinal() + "\0" + e.kind().ordinal() + "\0" + v;
    }

    private static byte[] bytes(InetAddress a) {
        byte[] b = a.getAddress();
        if (a instanceof Inet6Address && isV4Mapped(b)) return java.util.Arrays.copyOfRange(b, 12, 16);
        return b;
    }

    private static boolean isV4Mapped(byte[] b) {
        for (int i = 0; i < 10; i++) if (b[i] != 0) return false;
        return (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /** The address masked to {@code len} bits, as hex digits and the length: a map key. */
    static String network(byte[] ip, int len) {
        char[] out = new char[ip.length * 2 + 4];
        int n = 0;
        for (int i = 0; i < ip.length; i++) {
            int bits = Math.max(0, Math.min(8, len - i * 8));
            int b = ip[i] & (0xff << (8 - bits)) & 0xff;
            out[n++] = HEX[b >> 4];
            out[n++] = HEX[b & 0xf];
        }
        out[n++] = '/';
        String l = Integer.toString(len);
        for (int i = 0; i < l.length(); i++) out[n++] = l.charAt(i);
        return new String(out, 0, n);
    }

    private static String domainOf(String address) {
        int at = address.lastIndexOf('@');
        return at < 0 ? null : address.substring(at + 1);
    }

    /** Whether the address is an IPv4 one (after unmapping). */
    static boolean isV4(InetAddress a) {
        return a instanceof Inet4Address || isV4Mapped(a.getAddress());
    }
}
