// PolicySnapshot without a database: lookups by network (IPv4, IPv6, v4-mapped), sender, sender
// domain with and without subdomains, scope order, expiry, and incremental changes (add, replace,
// remove) leaving the older snapshot as it was.
package org.mxfront.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PolicySnapshotTest {
    static final Instant NOW = Instant.parse("2026-12-07T00:00:00Z");
    long ids = 1;

    ListEntry e(ListEntry.Scope scope, String key, ListEntry.Action a, ListEntry.Kind k, String value) {
        return new ListEntry(ids++, scope, key, a, k, EntryValues.value(k, "value", value), null, null, "t", NOW);
    }

    static ListEntry decide(PolicySnapshot s, String ip, String sender, String rcpt) throws Exception {
        return s.decide(InetAddress.getByName(ip), sender, rcpt, rcpt.substring(rcpt.indexOf('@') + 1), NOW);
    }

    @Test
    void networksSendersAndDomains() throws Exception {
        ListEntry v4 = e(ListEntry.Scope.DOMAIN, "example.com", ListEntry.Action.BLOCK, ListEntry.Kind.IP, "192.0.2.0/24");
        ListEntry v6 = e(ListEntry.Scope.OPERATOR, "", ListEntry.Action.BLOCK, ListEntry.Kind.IP, "2001:db8::/32");
        ListEntry sub = e(ListEntry.Scope.USER, "bob@example.com", ListEntry.Action.SAFE, ListEntry.Kind.SENDER_DOMAIN, ".example.net");
        ListEntry exact = e(ListEntry.Scope.USER, "carol@example.com", ListEntry.Action.SAFE, ListEntry.Kind.SENDER_DOMAIN, "example.net");
        PolicySnapshot s = PolicySnapshot.of(1, List.of(), List.of(v4, v6, sub, exact));
        assertEquals(v4, decide(s, "192.0.2.200", "a@x.example", "dave@example.com"));
        assertEquals(v4, decide(s, "::ffff:192.0.2.9", "a@x.example", "dave@example.com"));
        assertNull(decide(s, "192.0.3.1", "a@x.example", "dave@example.com"));
        assertNull(decide(s, "192.0.2.1", "a@x.example", "dave@example.org"), "another domain's block");
        assertEquals(v6, decide(s, "2001:db8:1::5", "a@x.example", "dave@example.org"));
        assertEquals(sub, decide(s, "198.51.100.1", "a@mail.example.net", "bob@example.com"));
        assertEquals(sub, decide(s, "198.51.100.1", "a@example.net", "bob@example.com"));
        assertEquals(exact, decide(s, "198.51.100.1", "a@example.net", "carol@example.com"));
        assertNull(decide(s, "198.51.100.1", "a@mail.example.net", "carol@example.com"), "without subdomains");
        // user scope first: bob's safe entry decides although the domain blocks the client
        assertEquals(sub, decide(s, "192.0.2.7", "a@example.net", "bob@example.com"));
    }

    @Test
    void changesMakeANewSnapshotAndLeaveTheOld() throws Exception {
        ListEntry a = e(ListEntry.Scope.USER, "bob@example.com", ListEntry.Action.BLOCK, ListEntry.Kind.SENDER, "x@example.net");
        PolicySnapshot s1 = PolicySnapshot.of(1, List.of(new StoredDomain("example.com", "{}", "t", NOW)), List.of(a));
        ListEntry b = e(ListEntry.Scope.USER, "bob@example.com", ListEntry.Action.BLOCK, ListEntry.Kind.IP, "198.51.100.0/25");
        PolicySnapshot s2 = s1.apply(2, List.of(new StoredDomain("example.org", "{}", "t", NOW)), List.of("example.com"), List.of(b),
                List.of(a.id()));
        assertEquals(a, decide(s1, "198.51.100.1", "x@example.net", "bob@example.com"));
        assertNull(s1.domain("example.org"));
        assertNull(decide(s2, "198.51.100.200", "x@example.net", "bob@example.com"));
        assertEquals(b, decide(s2, "198.51.100.1", "x@example.net", "bob@example.com"));
        assertNull(s2.domain("example.com"));
        assertEquals(1, s2.entries().size());
        // replaced (same id, new value), then removed: the group goes away
        ListEntry b2 = new ListEntry(b.id(), b.scope(), b.scopeKey(), b.action(), ListEntry.Kind.SENDER, "y@example.net", null, null, "t", NOW);
        PolicySnapshot s3 = s2.apply(3, List.of(), List.of(), List.of(b2), List.of());
        assertNull(decide(s3, "198.51.100.1", "x@example.net", "bob@example.com"));
        assertEquals(b2, decide(s3, "203.0.113.1", "y@example.net", "bob@example.com"));
        PolicySnapshot s4 = s3.apply(4, List.of(), List.of(), List.of(), List.of(b2.id()));
        assertNull(decide(s4, "203.0.113.1", "y@example.net", "bob@example.com"));
        assertEquals(0, s4.entries().size());
    }

    @Test
    void expiredEntriesAreSkippedForTheNextOne() throws Exception {
        ListEntry expired = new ListEntry(1, ListEntry.Scope.USER, "bob@example.com", ListEntry.Action.BLOCK, ListEntry.Kind.SENDER,
                "x@example.net", NOW.minusSeconds(1), null, "t", NOW);
        ListEntry domain = e(ListEntry.Scope.DOMAIN, "example.com", ListEntry.Action.BLOCK, ListEntry.Kind.SENDER, "x@example.net");
        PolicySnapshot s = PolicySnapshot.of(1, List.of(), List.of(expired, domain));
        assertEquals(domain, decide(s, "198.51.100.1", "x@example.net", "bob@example.com"));
    }
}
