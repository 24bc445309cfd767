// The precedence table of the README ("Policy for many domains"), row by row, through the real
// config loader, the embedded H2 store, the policy-lists check and the engine: exact reply lines.
// The PBL row (a safe entry never lifts a safelist-exempt DNSBL answer) is DnsblIT's, with rbldnsd.
package org.mxfront.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mxfront.Doors;
import org.mxfront.checks.SharedResources;
import org.mxfront.config.ConfigException;
import org.mxfront.config.ConfigLoader;
import org.mxfront.config.DaemonConfig;
import org.mxfront.config.StoreDomains;
import org.mxfront.policy.Decision;
import org.mxfront.mail.Mailbox;
import org.mxfront.policy.PolicySession;

class PolicyListsPrecedenceTest {
    @TempDir Path dir;
    SharedResources resources;
    DaemonConfig config;
    PolicyStoreService service;
    PolicyStore store;

    @BeforeEach
    void load() throws Exception {
        resources = new SharedResources();
        String yaml = """
                server: { hostname: mx.test }
                state-directory: %s
                relay-networks: []
                domains: { example.com: {} }
                policy-store: { enabled: true, poll-interval: 1s, connect-timeout: 30s }
                checks:
                  helo: { reject-localhost: true }
                  relay: {}
                  policy-lists: {}
                  ip-blocklist: { networks: [192.0.2.66/32] }
                """.formatted(dir);
        config = new ConfigLoader(Doors.ALL, java.time.Clock.systemUTC(), resources).parse("test.yml", yaml, new SimpleMeterRegistry());
        resources.start();
        service = ((StoreDomains) config.engine().directory()).service();
        store = service.store();
    }

    @AfterEach
    void close() {
        resources.close();
    }

    ListEntry add(ListEntry.Scope scope, String key, ListEntry.Action action, ListEntry.Kind kind, String value) throws Exception {
        ListEntry e = store.addEntry("alice", new ListEntry(0, scope, key, action, kind, EntryValues.value(kind, "value", value),
                null, "test", null, null));
        service.refresh();
        return e;
    }

    /** The reply lines for one recipient (empty when accepted). */
    List<String> rcpt(String client, String helo, String sender, String recipient) throws Exception {
        PolicySession s = config.engine().newSession(InetAddress.getByName(client), 40000, 1);
        Decision d = s.connect();
        if (d.proceed()) d = s.helo(helo);
        if (d.proceed()) d = s.mail(mailbox(sender), 0);
        if (d.proceed()) d = s.rcpt(mailbox(recipient));
        return d.proceed() ? List.of() : d.reply().wireLines(true);
    }

    static Mailbox mailbox(String a) {
        int at = a.indexOf('@');
        return new Mailbox(a.substring(0, at), a.substring(at + 1), false);
    }

    @Test
    void userBlockRefusesWithXmRjct83() throws Exception {
        add(ListEntry.Scope.USER, "bob@example.com", ListEntry.Action.BLOCK, ListEntry.Kind.SENDER, "spam@example.net");
        assertEquals(List.of("550-5.7.1 XM-RJCT83: Sender <spam@example.net> is blocklisted by the recipient <bob@example.com>.",
                "550 5.7.1 [198.51.100.7] [mx.test]"), rcpt("198.51.100.7", "mail.example.net", "spam@example.net", "bob@example.com"));
        // another recipient of the same domain is not affected
        assertEquals(List.of(), rcpt("198.51.100.7", "mail.example.net", "spam@example.net", "carol@example.com"));
    }

    @Test
    void domainBlockRefusesWithXmRjct82() throws Exception {
        add(ListEntry.Scope.DOMAIN, "example.com", ListEntry.Action.BLOCK, ListEntry.Kind.SENDER_DOMAIN, ".example.net");
        assertEquals(List.of("550-5.7.1 XM-RJCT82: Sender <spam@mail.example.net> is blocklisted by the domain example.com.",
                "550 5.7.1 [198.51.100.7] [mx.test]"), rcpt("198.51.100.7", "mail.example.net", "spam@mail.example.net", "bob@example.com"));
    }

    @Test
    void userSafeOverridesDomainBlock() throws Exception {
        add(ListEntry.Scope.DOMAIN, "example.com", ListEntry.Action.BLOCK, ListEntry.Kind.SENDER, "news@example.net");
        add(ListEntry.Scope.USER, "bob@example.com", ListEntry.Action.SAFE, ListEntry.Kind.SENDER, "news@example.net");
        assertEquals(List.of(), rcpt("198.51.100.7", "mail.example.net", "news@example.net", "bob@example.com"));
        assertEquals("550-5.7.1 XM-RJCT82: Sender <news@example.net> is blocklisted by the domain example.com.",
                rcpt("198.51.100.7", "mail.example.net", "news@example.net", "carol@example.com").get(0));
    }

    @Test
    void userBlockBeatsDomainSafe() throws Exception {
        add(ListEntry.Scope.DOMAIN, "example.com", ListEntry.Action.SAFE, ListEntry.Kind.IP, "198.51.100.0/24");
        add(ListEntry.Scope.USER, "bob@example.com", ListEntry.Action.BLOCK, ListEntry.Kind.SENDER, "x@example.net");
        assertEquals("550-5.7.1 XM-RJCT83: Sender <x@example.net> is blocklisted by the recipient <bob@example.com>.",
                rcpt("198.51.100.7", "mail.example.net", "x@example.net", "bob@example.com").get(0));
    }

    @Test
    void blockBeatsSafeInTheSameScope() throws Exception {
        add(ListEntry.Scope.DOMAIN, "example.com", ListEntry.Action.SAFE, ListEntry.Kind.SENDER_DOMAIN, "example.net");
        add(ListEntry.Scope.DOMAIN, "example.com", ListEntry.Action.BLOCK, ListEntry.Kind.IP, "198.51.100.7");
        assertEquals("550-5.7.1 XM-RJCT82: Sender <x@example.net> is blocklisted by the domain example.com.",
                rcpt("198.51.100.7", "mail.example.net", "x@example.net", "bob@example.com").get(0));
    }

    @Test
    void operatorBlocksKeepTheirCodes() throws Exception {
        add(ListEntry.Scope.OPERATOR, "", ListEntry.Action.BLOCK, ListEntry.Kind.IP, "2001:db8::/32");
        add(ListEntry.Scope.OPERATOR, "", ListEntry.Action.BLOCK, ListEntry.Kind.SENDER, "bad@example.org");
        assertEquals(List.of("550-5.7.1 XM-RJCT15: IP address 2001:db8::5 is blocked by local policy.",
                "550 5.7.1 [2001:db8::5] [mx.test]"), rcpt("2001:db8::5", "mail.example.net", "x@example.net", "bob@example.com"));
        assertEquals("550-5.7.1 XM-RJCT56: Sender <bad@example.org> is blocked by local policy.",
                rcpt("198.51.100.7", "mail.example.net", "bad@example.org", "bob@example.com").get(0));
    }

    @Test
    void domainSafeLiftsTheOperatorsBlockAndTheHeloCheck() throws Exception {
        // the seed: "The sending IP address is blocked internally: safelist the IP address, the sending domain or address"
        assertEquals(List.of("550-5.7.1 XM-RJCT15: IP address 192.0.2.66 is blocked by local policy.",
                "550 5.7.1 [192.0.2.66] [mx.test]"), rcpt("192.0.2.66", "mail.example.net", "x@example.net", "bob@example.com"));
        // the HELO refusal is held for RCPT, where a recipient's safe entry can lift it
        assertEquals("550-5.7.1 XM-RJCT27: Helo command rejected: <localhost> is not a name for a host on the internet.",
                rcpt("198.51.100.7", "localhost", "x@example.net", "bob@example.com").get(0));
        add(ListEntry.Scope.DOMAIN, "example.com", ListEntry.Action.SAFE, ListEntry.Kind.SENDER_DOMAIN, "example.net");
        assertEquals(List.of(), rcpt("192.0.2.66", "localhost", "x@example.net", "bob@example.com"));
        // the safe entry is example.com's: a recipient elsewhere still gets the HELO refusal
        assertEquals("550-5.7.1 XM-RJCT27: Helo command rejected: <localhost> is not a name for a host on the internet.",
                rcpt("198.51.100.7", "localhost", "x@example.net", "bob@elsewhere.example").get(0));
    }

    @Test
    void safeNeverLiftsRelay() throws Exception {
        add(ListEntry.Scope.OPERATOR, "", ListEntry.Action.SAFE, ListEntry.Kind.IP, "198.51.100.0/24");
        assertEquals(List.of("550-5.7.1 XM-RJCT06: Unauthorized relay attempt", "550 5.7.1 [198.51.100.7] [mx.test]"),
                rcpt("198.51.100.7", "mail.example.net", "x@example.net", "bob@elsewhere.example"));
    }

    @Test
    void expiredEntriesDoNotApply() throws Exception {
        store.addEntry("alice", new ListEntry(0, ListEntry.Scope.USER, "bob@example.com", ListEntry.Action.BLOCK,
                ListEntry.Kind.SENDER, "x@example.net", Instant.now().minusSeconds(5), null, null, null));
        service.refresh();
        assertEquals(List.of(), rcpt("198.51.100.7", "mail.example.net", "x@example.net", "bob@example.com"));
    }

    @Test
    void aStoredDomainIsLocalAndItsSettingsAreValidatedLikeTheFile() throws Exception {
        assertEquals("550-5.7.1 XM-RJCT06: Unauthorized relay attempt",
                rcpt("198.51.100.7", "mail.example.net", "x@example.net", "bob@hosted.example").get(0));
        store.putDomain("alice", "hosted.example", "{}");
        service.refresh();
        assertTrue(config.engine().isLocalDomain("hosted.example"));
        assertEquals(List.of(), rcpt("198.51.100.7", "mail.example.net", "x@example.net", "bob@hosted.example"));
        StoreDomains sd = (StoreDomains) config.engine().directory();
        ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
                () -> sd.validate("hosted.example", "{\"checks\": {\"helo\": {\"reject-localhostt\": true}}}"));
        assertEquals("domains.hosted.example.checks.helo.reject-localhostt", e.key());
        assertTrue(e.problem().startsWith("unknown key (known keys here: exempt-relay-networks, "), e.problem());
        // stored settings apply to the domain's recipients, as a `domains:` override would
        store.putDomain("alice", "hosted.example", "{\"checks\": {\"message-size\": {\"max-bytes\": 2048}}}");
        service.refresh();
        assertEquals(2048, config.engine().policyFor(mailbox("bob@hosted.example")).maxMessageBytes(),
                config.engine().policyFor(mailbox("bob@hosted.example")).toString() + service.current().domains());
        store.removeDomain("alice", "hosted.example");
        service.refresh();
        assertEquals("550-5.7.1 XM-RJCT06: Unauthorized relay attempt",
                rcpt("198.51.100.7", "mail.example.net", "x@example.net", "bob@hosted.example").get(0));
    }

    @Test
    void explainNamesTheEntryThatDecidedAndWhatItLifted() throws Exception {
        add(ListEntry.Scope.USER, "bob@example.com", ListEntry.Action.SAFE, ListEntry.Kind.SENDER, "x@example.net");
        add(ListEntry.Scope.DOMAIN, "example.com", ListEntry.Action.BLOCK, ListEntry.Kind.SENDER, "x@example.net");
        String out = org.mxfront.explain.Explainer.explain(config.engine(), new org.mxfront.explain.Explainer.Request(
                InetAddress.getByName("198.51.100.7"), "localhost", "x@example.net", List.of("bob@example.com", "carol@example.com"),
                null), true);
        assertTrue(out.contains("<bob@example.com>: user bob@example.com safe sender x@example.net (#"), out);
        assertTrue(out.contains("by alice)"), out);
        assertTrue(out.contains("<carol@example.com>: domain example.com block sender x@example.net (#"), out);
        assertTrue(out.contains("helo (lifted by safe entry: user bob@example.com safe sender x@example.net"), out);
        assertTrue(out.contains("XM-RJCT27"), out);
    }

    @Test
    void validatingAConfigurationOpensNoStore() throws Exception {
        Path other = dir.resolve("other");
        String yaml = "state-directory: " + other + "\npolicy-store: { enabled: true }\n"
                + "checks: { relay: {}, policy-lists: {} }\n";
        SharedResources r = new SharedResources();
        try {
            new ConfigLoader(Doors.ALL, java.time.Clock.systemUTC(), r).parse("check.yml", yaml, new SimpleMeterRegistry());
            assertTrue(!java.nio.file.Files.exists(other.resolve("policy-store.mv.db")), "check-config created the database");
        } finally {
            r.close();
        }
        ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class, () -> new ConfigLoader(Doors.ALL).parse("t.yml",
                "policy-store: { enabled: true, url: \"postgresql://db.example:5432/mx?password=secret\" }", new SimpleMeterRegistry()));
        assertEquals("t.yml:1: policy-store.url: no password in the configuration: use password-file or password-env", e.getMessage());
        e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class, () -> new ConfigLoader(Doors.ALL).parse("t.yml",
                "checks: { policy-lists: {} }", new SimpleMeterRegistry()));
        assertTrue(e.getMessage().contains("policy-lists: needs the policy store (policy-store: {enabled: true})"), e.getMessage());
    }
}
