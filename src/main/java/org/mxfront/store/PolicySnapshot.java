// The policy store's data held in memory: immutable, built once per version and swapped whole, so
// that the data plane reads domains and list entries without a lock and without SQL. Entries are
// grouped by scope (the operator's, one group per domain, one per user address): a RCPT looks up at
// most three groups (most recipients have no group of their own, one hash probe), and within a group
// the sender address, each of the sender domain's parents, and the client address masked to each
// prefix length that group uses. A change copies the outer maps and only the groups it touches.
package org.mxfront.store;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/** One version of the store's domains and lists. Thread-safe (immutable). */
public final class PolicySnapshot {
    /** The entries of one scope key (the operator, a domain, an address): immutable. */
    private record Group(Map<String, ListEntry> byKey, int[] v4, int[] v6) {
        static final Group EMPTY = new Group(Map.of(), new int[0], new int[0]);

        /** This group with {@code remove} and {@code add} applied (either may be null); null when it is left empty. */
        Group with(ListEntry remove, ListEntry add) {
            Map<String, ListEntry> m = new HashMap<>(byKey);
            if (remove != null) m.remove(key(remove));
            if (add != null) m.put(key(add), add);
            return of(m);
        }

        /** A group of a map nobody else holds; null for an empty one. */
        static Group of(Map<String, ListEntry> m) {
            if (m.isEmpty()) return null;
            TreeMap<Integer, Boolean> l4 = new TreeMap<>();
            TreeMap<Integer, Boolean> l6 = new TreeMap<>();
            for (ListEntry e : m.values()) {
                if (e.kind() != ListEntry.Kind.IP) continue;
                int slash = e.value().indexOf('/');
                (e.value().indexOf(':') >= 0 ? l6 : l4).put(Integer.parseInt(e.value().substring(slash + 1)), true);
            }
            return new Group(m, l4.descendingKeySet().stream().mapToInt(Integer::intValue).toArray(),
                    l6.descendingKeySet().stream().mapToInt(Integer::intValue).toArray());
        }
    }

    /**
     * The entries by the scope they belong to, as a RCPT looks them up.
     *
     * @param operator the operator's group (null when it has none)
     * @param domains  one group per recipient domain that has entries
     * @param users    one group per recipient address that has entries
     */
    private record Scopes(Group operator, Shards<String, Group> domains, Shards<String, Group> users) {
        static final Scopes EMPTY = new Scopes(null, Shards.empty(), Shards.empty());
    }

    public static final PolicySnapshot EMPTY = new PolicySnapshot(0, Shards.empty(), Shards.empty(), Scopes.EMPTY);

    private final long version;
    private final Shards<String, StoredDomain> domains;
    private final Shards<Long, ListEntry> entries;
    private final Scopes scopes;

    private PolicySnapshot(long version, Shards<String, StoredDomain> domains, Shards<Long, ListEntry> entries, Scopes scopes) {
        this.version = version;
        this.domains = domains;
        this.entries = entries;
        this.scopes = scopes;
    }

    /** A snapshot of everything. */
    public static PolicySnapshot of(long version, Collection<StoredDomain> domains, Collection<ListEntry> entries) {
        // built in bulk: one map per scope key, filled, then frozen
        Shards<String, StoredDomain>.Editor d = Shards.<String, StoredDomain>empty().edit();
        for (StoredDomain s : domains) d.put(s.name(), s);
        Shards<Long, ListEntry>.Editor byId = Shards.<Long, ListEntry>empty().edit();
        Map<String, Map<String, ListEntry>> dom = new HashMap<>();
        Map<String, Map<String, ListEntry>> usr = new HashMap<>();
        Map<String, ListEntry> op = new HashMap<>();
        for (ListEntry e : entries) {
            byId.put(e.id(), e);
            Map<String, ListEntry> g = switch (e.scope()) {
                case OPERATOR -> op;
                case DOMAIN -> dom.computeIfAbsent(e.scopeKey(), k -> new HashMap<>(4));
                case USER -> usr.computeIfAbsent(e.scopeKey(), k -> new HashMap<>(4));
            };
            g.put(key(e), e);
        }
        Shards<String, Group>.Editor dg = Shards.<String, Group>empty().edit();
        dom.forEach((k, m) -> dg.put(k, freeze(m)));
        Shards<String, Group>.Editor ug = Shards.<String, Group>empty().edit();
        usr.forEach((k, m) -> ug.put(k, freeze(m)));
        return new PolicySnapshot(version, d.build(), byId.build(), new Scopes(op.isEmpty() ? null : freeze(op),
                dg.build(), ug.build()));
    }

    private static Group freeze(Map<String, ListEntry> m) {
        return Group.of(m);
    }

    /** This snapshot with the changes of one poll applied: a new object; this one stays as it was. */
    public PolicySnapshot apply(long newVersion, Collection<StoredDomain> putDomains, Collection<String> removedDomains,
            Collection<ListEntry> putEntries, Collection<Long> removedEntries) {
        Shards<String, StoredDomain> d = domains;
        if (!putDomains.isEmpty() || !removedDomains.isEmpty()) {
            Shards<String, StoredDomain>.Editor ed = domains.edit();
            for (String r : removedDomains) ed.remove(r);
            for (StoredDomain s : putDomains) ed.put(s.name(), s);
            d = ed.build();
        }
        if (putEntries.isEmpty() && removedEntries.isEmpty()) {
            return new PolicySnapshot(newVersion, d, entries, scopes);
        }
        Shards<Long, ListEntry>.Editor byId = entries.edit();
        Group[] op = {scopes.operator()};
        Shards<String, Group>.Editor dg = scopes.domains().edit();
        Shards<String, Group>.Editor ug = scopes.users().edit();
        for (Long id : removedEntries) {
            ListEntry old = byId.remove(id);
            if (old != null) change(old, null, op, dg, ug);
        }
        for (ListEntry e : putEntries) {
            ListEntry old = byId.put(e.id(), e);
            if (old != null) change(old, null, op, dg, ug);
            change(null, e, op, dg, ug);
        }
        return new PolicySnapshot(newVersion, d, byId.build(), new Scopes(op[0], dg.build(), ug.build()));
    }

    private static void change(ListEntry remove, ListEntry add, Group[] op, Shards<String, Group>.Editor dg,
            Shards<String, Group>.Editor ug) {
        ListEntry e = remove != null ? remove : add;
        switch (e.scope()) {
            case OPERATOR -> op[0] = (op[0] == null ? Group.EMPTY : op[0]).with(remove, add);
            case DOMAIN -> put(dg, e.scopeKey(), remove, add);
            case USER -> put(ug, e.scopeKey(), remove, add);
        }
    }

    private static void put(Shards<String, Group>.Editor groups, String key, ListEntry remove, ListEntry add) {
        Group g = groups.get(key);
        Group next = (g == null ? Group.EMPTY : g).with(remove, add);
        if (next == null) groups.remove(key);
        else groups.put(key, next);
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
        Scopes sc = scopes;
        Group u = recipient == null ? null : sc.users().get(recipient);
        Group dm = recipientDomain == null ? null : sc.domains().get(recipientDomain);
        Group operator = sc.operator();
        if (u == null && dm == null && operator == null) return null;
        Probe p = new Probe(client == null ? null : bytes(client), sender);
        ListEntry e = scope(u, p, now);
        if (e == null) e = scope(dm, p, now);
        if (e == null) e = scope(operator, p, now);
        return e;
    }

    /** What a RCPT looks up, with the client's networks computed once for all groups. */
    private static final class Probe {
        final byte[] ip;
        final String sender;
        final String senderDomain;
        private final String[] networks;

        Probe(byte[] ip, String sender) {
            this.ip = ip;
            this.sender = sender == null || sender.isEmpty() ? null : sender;
            int at = this.sender == null ? -1 : this.sender.lastIndexOf('@');
            this.senderDomain = at < 0 ? null : this.sender.substring(at + 1);
            this.networks = ip == null ? null : new String[ip.length * 8 + 1];
        }

        String network(int len) {
            String n = networks[len];
            if (n == null) networks[len] = n = PolicySnapshot.network(ip, len);
            return n;
        }
    }

    private static ListEntry scope(Group g, Probe p, Instant now) {
        if (g == null) return null;
        ListEntry e = match(g, ListEntry.Action.BLOCK, p, now);
        return e != null ? e : match(g, ListEntry.Action.SAFE, p, now);
    }

    private static ListEntry match(Group g, ListEntry.Action action, Probe p, Instant now) {
        if (p.ip != null) {
            int[] lens = p.ip.length == 4 ? g.v4() : g.v6();
            for (int len : lens) {
                ListEntry e = live(g.byKey().get(prefix(action, ListEntry.Kind.IP) + p.network(len)), now);
                if (e != null) return e;
            }
        }
        if (p.sender != null) {
            ListEntry e = live(g.byKey().get(prefix(action, ListEntry.Kind.SENDER) + p.sender), now);
            if (e != null) return e;
        }
        if (p.senderDomain != null && !p.senderDomain.isEmpty()) {
            String dk = prefix(action, ListEntry.Kind.SENDER_DOMAIN);
            ListEntry e = live(g.byKey().get(dk + p.senderDomain), now);
            if (e != null) return e;
            // ".example.net" matches example.net and every name under it
            for (String d = p.senderDomain; ; ) {
                e = live(g.byKey().get(dk + "." + d), now);
                if (e != null) return e;
                int dot = d.indexOf('.');
                if (dot < 0) break;
                d = d.substring(dot + 1);
            }
        }
        return null;
    }

    private static final String[] PREFIXES = new String[ListEntry.Action.values().length * ListEntry.Kind.values().length];

    static {
        for (ListEntry.Action a : ListEntry.Action.values()) {
            for (ListEntry.Kind k : ListEntry.Kind.values()) {
                PREFIXES[a.ordinal() * ListEntry.Kind.values().length + k.ordinal()] = String.valueOf((char) ('A' + a.ordinal()))
                        + (char) ('a' + k.ordinal());
            }
        }
    }

    private static String prefix(ListEntry.Action a, ListEntry.Kind k) {
        return PREFIXES[a.ordinal() * ListEntry.Kind.values().length + k.ordinal()];
    }

    private static ListEntry live(ListEntry e, Instant now) {
        return e != null && e.live(now) ? e : null;
    }

    /** An entry's key within its group: action and kind, then the value (an IP network as hex digits and length). */
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
        return prefix(e.action(), e.kind()) + v;
    }

    private static byte[] bytes(InetAddress a) {
        byte[] b = a.getAddress();
        if (a instanceof Inet6Address && isV4Mapped(b)) return Arrays.copyOfRange(b, 12, 16);
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
}
