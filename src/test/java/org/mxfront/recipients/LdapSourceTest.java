// Covers LdapSource and LdapSettings against UnboundID's in-memory directory: the Zimbra filter,
// value escaping, and a directory that is gone (unavailable, never "not found").
package org.mxfront.recipients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import java.net.InetAddress;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LdapSourceTest {
    private InMemoryDirectoryServer server;

    @BeforeEach
    void start() throws Exception {
        InMemoryDirectoryServerConfig c = new InMemoryDirectoryServerConfig("dc=test");
        c.setSchema(null); // no schema checking: Zimbra's attributes are not in the standard schema
        c.setListenerConfigs(InMemoryListenerConfig.createLDAPConfig("ldap", InetAddress.getLoopbackAddress(), 0, null));
        server = new InMemoryDirectoryServer(c);
        server.add("dn: dc=test", "objectClass: top", "objectClass: domain", "dc: test");
        server.add("dn: uid=alice,dc=test", "objectClass: top", "uid: alice", "zimbraMailDeliveryAddress: alice@zim.test",
                "zimbraMailAlias: al@zim.test", "zimbraMailStatus: enabled");
        server.add("dn: uid=dave,dc=test", "objectClass: top", "uid: dave", "zimbraMailDeliveryAddress: dave@zim.test",
                "zimbraMailStatus: locked");
        for (String status : new String[] {"active", "locked", "closed", "maintenance", "pending", "Weird"}) {
            server.add("dn: uid=" + status + ",dc=test", "objectClass: top", "uid: " + status,
                    "zimbraMailDeliveryAddress: " + status + "@zim.test", "zimbraMailStatus: enabled",
                    "zimbraAccountStatus: " + status);
        }
        server.add("dn: uid=c,dc=test", "objectClass: top", "uid: c", "zimbraMailCatchAllAddress: @catch.test",
                "zimbraMailStatus: enabled");
        server.startListening();
    }

    @AfterEach
    void stop() {
        server.shutDown(true);
    }

    private LdapSettings settings() {
        return new LdapSettings("ldap://127.0.0.1:" + server.getListenPort(), "", "", "dc=test", null, 2,
                Duration.ofMillis(500), Duration.ofMillis(500), null, null);
    }

    @Test
    void theZimbraFilterFindsAddressesAliasesAndCatchAlls() {
        try (LdapSource s = new LdapSource(settings())) {
            assertInstanceOf(Lookup.Found.class, s.lookup("alice", "zim.test"));
            assertInstanceOf(Lookup.Found.class, s.lookup("al", "zim.test"));
            assertInstanceOf(Lookup.Found.class, s.lookup("anyone", "catch.test"));
            assertInstanceOf(Lookup.NotFound.class, s.lookup("dave", "zim.test"));
            assertInstanceOf(Lookup.NotFound.class, s.lookup("*", "zim.test"));
        }
    }

    private static AccountState state(LdapSource s, String local) {
        return assertInstanceOf(Lookup.Found.class, s.lookup(local, "zim.test")).state();
    }

    @Test
    void zimbraAccountStatusGivesTheStateInTheSameSearch() {
        try (LdapSource s = new LdapSource(settings())) {
            assertEquals(AccountState.ACTIVE, state(s, "alice"), "no status attribute: active");
            assertEquals(AccountState.ACTIVE, state(s, "active"));
            assertEquals(AccountState.ACTIVE, state(s, "locked"), "Zimbra delivers to locked accounts");
            assertEquals(AccountState.SUSPENDED, state(s, "closed"));
            assertEquals(AccountState.SUSPENDED, state(s, "pending"));
            assertEquals(AccountState.MAINTENANCE, state(s, "maintenance"));
            assertEquals(AccountState.ACTIVE, state(s, "weird"), "a value not configured: active");
        }
        LdapSettings d = settings();
        LdapSettings mapped = new LdapSettings(d.url(), "", "", "dc=test", null, 2, d.connectTimeout(), d.responseTimeout(),
                null, null, "zimbraAccountStatus", java.util.Map.of("Locked", AccountState.SUSPENDED,
                        "maintenance", AccountState.OVER_QUOTA));
        try (LdapSource s = new LdapSource(mapped)) {
            assertEquals(AccountState.SUSPENDED, state(s, "locked"));
            assertEquals(AccountState.OVER_QUOTA, state(s, "maintenance"));
            assertEquals(AccountState.ACTIVE, state(s, "closed"), "the operator's map replaces Zimbra's");
        }
        LdapSettings none = new LdapSettings(d.url(), "", "", "dc=test", null, 2, d.connectTimeout(), d.responseTimeout(),
                null, null, "", null);
        try (LdapSource s = new LdapSource(none)) {
            assertEquals(AccountState.ACTIVE, state(s, "closed"), "status-attribute empty: not read");
        }
    }

    @Test
    void valuesAreEscaped() {
        assertEquals("(mail=a\\2a\\28\\29\\5c@x.test)", LdapSettings.expand("(mail=%s)", "a*()\\", "x.test"));
        assertEquals("(&(uid=bob)(dc=x.test)(x=100%))", LdapSettings.expand("(&(uid=%u)(dc=%d)(x=100%%))", "bob", "x.test"));
    }

    @Test
    void badSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new LdapSettings("http://x", null, null, null, null, null, null, null, null, null));
        assertThrows(IllegalArgumentException.class, () -> new LdapSettings(null, null, null, null, "(mail=%s", null, null, null, null, null));
        assertThrows(IllegalArgumentException.class, () -> new LdapSettings(null, null, null, null, "(mail=x)", null, null, null, null, null));
    }

    @Test
    void aDirectoryThatIsGoneIsUnavailable() {
        try (LdapSource s = new LdapSource(settings())) {
            assertInstanceOf(Lookup.Found.class, s.lookup("alice", "zim.test"));
            server.shutDown(true);
            assertInstanceOf(Lookup.Unavailable.class, s.lookup("alice", "zim.test"));
        }
    }
}
