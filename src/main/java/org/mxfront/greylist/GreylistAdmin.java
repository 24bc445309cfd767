// The operator's view of the greylisting store: list, allow and delete, as text. The same code
// answers `mxfront greylist ...` run against the store directly and the daemon's /greylist
// endpoint (used when the daemon holds the embedded store's file).
package org.mxfront.greylist;

import static org.mxfront.admin.AdminParams.one;
import static org.mxfront.admin.AdminParams.required;

import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.regex.Pattern;
import org.mxfront.greylist.GreylistStore.Kind;
import org.mxfront.greylist.GreylistStore.Listed;

/** Admin operations on a store. Stateless. */
public final class GreylistAdmin {
    private GreylistAdmin() {}

    /**
     * Runs one action from named parameters (the HTTP endpoint's query; the CLI builds the same).
     *
     * @param p          action=list|allow|delete; list: kind=tuples|clients|all, match, limit;
     *                   allow: client, for (duration, default 35d); delete: key, tuples=true
     * @param ipv4Prefix the check's network sizes, to turn an address into its client key
     * @throws IllegalArgumentException on bad parameters
     * @throws java.util.NoSuchElementException when the entry to delete does not exist
     */
    public static String run(GreylistStore store, Map<String, List<String>> p, int ipv4Prefix, int ipv6Prefix, long now) {
        String action = one(p, "action", "list");
        return switch (action) {
            case "list" -> list(store, one(p, "kind", "all"), one(p, "match", ""), Integer.parseInt(one(p, "limit", "1000")), now);
            case "allow" -> allow(store, required(p, "client"), duration(one(p, "for", "35d")), ipv4Prefix, ipv6Prefix, now);
            case "delete" -> delete(store, required(p, "key"), Boolean.parseBoolean(one(p, "tuples", "false")), ipv4Prefix,
                    ipv6Prefix, now);
            default -> throw new IllegalArgumentException("unknown action " + action + " (list, allow, delete)");
        };
    }

    /** Lists records, tab-separated, one per line after a header. */
    public static String list(GreylistStore store, String kind, String match, int limit, long now) {
        List<Listed> all = new ArrayList<>();
        if (kind.equals("all") || kind.equals("clients")) all.addAll(store.list(Kind.CLIENT, match, limit, now));
        if (kind.equals("all") || kind.equals("tuples")) all.addAll(store.list(Kind.TUPLE, match, limit, now));
        if (!List.of("all", "clients", "tuples").contains(kind)) {
            throw new IllegalArgumentException("kind must be tuples, clients or all");
        }
        StringBuilder b = new StringBuilder("kind\tkey\tfirst-seen\tlast-seen\tpasses\texpires\n");
        for (Listed l : all) {
            GreylistEntry e = l.entry();
            b.append(l.kind() == Kind.TUPLE ? "tuple" : "client").append('\t').append(l.key()).append('\t')
                    .append(Instant.ofEpochMilli(e.firstSeen())).append('\t').append(Instant.ofEpochMilli(e.lastSeen()))
                    .append('\t').append(e.manual() ? "manual" : Integer.toString(e.passes())).append('\t')
                    .append(Instant.ofEpochMilli(e.expiresAt())).append('\n');
        }
        b.append(all.size()).append(" entries (").append(store.describe()).append(")\n");
        return b.toString();
    }

    /** Puts a client on the allow list (never greylisted) for a time. */
    public static String allow(GreylistStore store, String client, Duration ttl, int ipv4Prefix, int ipv6Prefix, long now) {
        String key = clientKey(client, ipv4Prefix, ipv6Prefix);
        store.put(Kind.CLIENT, key, new GreylistEntry(now, now, GreylistEntry.MANUAL, now, now + ttl.toMillis()), now);
        return "allowed " + key + " until " + Instant.ofEpochMilli(now + ttl.toMillis()) + "\n";
    }

    /**
     * Deletes a tuple ({@code client|sender|recipient}) or a client (with its tuples when asked).
     *
     * @throws java.util.NoSuchElementException when nothing was there to delete (the command exits non-zero)
     */
    public static String delete(GreylistStore store, String key, boolean withTuples, int ipv4Prefix, int ipv6Prefix, long now) {
        if (key.indexOf('|') >= 0) {
            if (!store.delete(Kind.TUPLE, key)) throw new NoSuchElementException("no tuple " + key);
            return "deleted tuple " + key + "\n";
        }
        String client = clientKey(key, ipv4Prefix, ipv6Prefix);
        boolean deleted = store.delete(Kind.CLIENT, client);
        StringBuilder b = new StringBuilder(deleted ? "deleted client " : "no client ").append(client).append('\n');
        int n = 0;
        if (withTuples) {
            for (Listed l : store.list(Kind.TUPLE, client + "|", Integer.MAX_VALUE, now)) {
                if (l.key().startsWith(client + "|") && store.delete(Kind.TUPLE, l.key())) n++;
            }
            b.append("deleted ").append(n).append(" tuples of ").append(client).append('\n');
        }
        if (!deleted && n == 0) {
            throw new NoSuchElementException(withTuples ? "no client " + client + " and no tuples of it" : "no client " + client);
        }
        return b.toString();
    }

    /** An address becomes its network as the check sees it; a CIDR block is normalized; a domain is lower-cased. */
    public static String clientKey(String client, int ipv4Prefix, int ipv6Prefix) {
        String c = client.trim();
        IPAddress a = new IPAddressString(c).getAddress();
        if (a != null) {
            if (a.isIPv6() && a.toIPv6().isIPv4Mapped()) a = a.toIPv6().getEmbeddedIPv4Address();
            if (!a.isPrefixed()) a = a.toPrefixBlock(a.isIPv4() ? ipv4Prefix : ipv6Prefix);
            else a = a.toPrefixBlock();
            return a.isIPv4() ? a.toCanonicalString() : a.toCompressedString();
        }
        String d = c.toLowerCase(Locale.ROOT);
        if (!d.matches("[a-z0-9]([a-z0-9.-]*[a-z0-9])?")) throw new IllegalArgumentException("not an address, network or domain: " + client);
        return d;
    }


    /** 30s, 5m, 2h, 35d; a bare number is seconds. */
    public static Duration duration(String s) {
        var m = Pattern.compile("(\\d+)(s|m|h|d)?").matcher(s.trim());
        if (!m.matches()) throw new IllegalArgumentException("not a duration: " + s + " (e.g. 35d, 12h)");
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2) == null ? "s" : m.group(2)) {
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> Duration.ofSeconds(n);
        };
    }
}
