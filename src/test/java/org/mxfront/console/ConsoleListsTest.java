// The Lists page against the embedded policy store: each role may add and delete only in its own
// scopes (a domain admin: their domains and their recipients; a user: their own address, whatever
// the form says); anything else is a 404, values are validated as the API does, and every change
// needs the session's CSRF token.
package org.mxfront.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mxfront.Doors;
import org.mxfront.config.ConfigLoader;
import org.mxfront.config.DaemonConfig;
import org.mxfront.store.ListEntry;

class ConsoleListsTest {
    @TempDir
    Path dir;

    @Test
    void eachRoleChangesOnlyItsOwnScopes() throws Exception {
        Path users = dir.resolve("users");
        Files.writeString(users, String.join("\n",
                "alice domain-admin example.com " + Passwords.hash("alice-password".toCharArray()),
                "bob@example.org user - " + Passwords.hash("bob-password".toCharArray()), ""));
        DaemonConfig config = new ConfigLoader(Doors.ALL).parse(dir.resolve("t.yml").toString(), """
                smtp: {listen: 127.0.0.1:0}
                downstream: {address: 127.0.0.1:1}
                state-directory: %s
                policy-store: {enabled: true, connect-timeout: 30s}
                domains: {example.com: {}, example.org: {}}
                console: {enabled: true, listen: 127.0.0.1:0, users-file: users}
                """.formatted(dir.resolve("state")), new SimpleMeterRegistry());
        config.resources().start();
        ConsoleServerTest t = new ConsoleServerTest();
        ConsoleBackend backend = ConsoleServerTest.idle(() -> config);
        // a store user (the policy API's users table) logs in with one of their API tokens
        var store = config.console().store().store();
        store.putUser("test", new org.mxfront.store.PolicyStore.User("carol", "domain-admin", List.of("example.org"), null,
                java.time.Instant.now()));
        store.putUser("test", new org.mxfront.store.PolicyStore.User("dave", "operator", List.of(), null, java.time.Instant.now()));
        var carolToken = org.mxfront.store.Tokens.create();
        store.addToken("test", new org.mxfront.store.PolicyStore.Token(carolToken.id(), "carol", carolToken.hash(),
                java.time.Instant.now(), null));
        var daveToken = org.mxfront.store.Tokens.create();
        store.addToken("test", new org.mxfront.store.PolicyStore.Token(daveToken.id(), "dave", daveToken.hash(),
                java.time.Instant.now(), null));
        try (ConsoleServer server = new ConsoleServer(config.console(), backend, config.engine().decisionLog().feed(),
                Authenticator.chain(List.of(new UsersFile(users), new StoreLogin(config.console().store())))).start()) {
            t.server = server;
            String[] carol = t.login("carol", carolToken.token());
            assertTrue(t.get("/", carol[0]).body().contains("carol (domain-admin)"));
            assertEquals(200, t.get("/domains/example.org", carol[0]).statusCode());
            assertEquals(404, t.get("/domains/example.com", carol[0]).statusCode());
            var page = t.get("/login", null);
            assertEquals(401, t.post("/login", ConsoleServerTest.cookieValue(page, "mxlogin"), Map.of("_csrf",
                    ConsoleServerTest.hidden(page.body(), "_csrf"), "user", "carol", "password", daveToken.token())).statusCode(),
                    "another user's token is no password for carol");
            String[] alice = t.login("alice", "alice-password");
            for (Map<String, String> form : List.of(
                    Map.of("scope", "domain", "key", "example.org"),
                    Map.of("scope", "user", "key", "x@example.org"),
                    Map.of("scope", "operator", "key", ""))) {
                var r = t.post("/lists", alice[0], with(form, alice[1], "sender", "spam@bad.example"));
                assertEquals(404, r.statusCode(), form.toString());
            }
            var ok = t.post("/lists", alice[0], with(Map.of("scope", "domain", "key", "example.com"), alice[1], "sender-domain",
                    "bad.example"));
            assertEquals(200, ok.statusCode());
            assertTrue(ok.body().contains("Added safe entry"), ok.body());
            var bad = t.post("/lists", alice[0], with(Map.of("scope", "domain", "key", "example.com"), alice[1], "ip", "300.1.2.3"));
            assertTrue(bad.body().contains("class=\"error\""), "validated like the API: " + bad.body());
            assertEquals(403, t.post("/lists", alice[0], Map.of("action", "add", "scope", "domain", "key", "example.com",
                    "kind", "ip", "value", "192.0.2.1")).statusCode(), "no CSRF token");

            String[] bob = t.login("bob@example.org", "bob-password");
            var mine = t.post("/lists", bob[0], with(Map.of("scope", "user", "key", "carol@example.org"), bob[1], "sender",
                    "friend@partner.example"));
            assertEquals(200, mine.statusCode());
            var entries = config.console().store().store().loadAll().entries().values();
            ListEntry bobs = entries.stream().filter(e -> e.value().equals("friend@partner.example")).findFirst().orElseThrow();
            assertEquals("bob@example.org", bobs.scopeKey(), "a user's entry is for their own address, whatever the form said");
            ListEntry alices = entries.stream().filter(e -> e.value().equals("bad.example")).findFirst().orElseThrow();
            // bob cannot delete alice's domain entry; alice can
            assertEquals(404, t.post("/lists", bob[0], Map.of("_csrf", bob[1], "action", "delete", "id",
                    Long.toString(alices.id()))).statusCode());
            assertEquals(200, t.post("/lists", alice[0], Map.of("_csrf", alice[1], "action", "delete", "id",
                    Long.toString(alices.id()))).statusCode());
            assertTrue(config.console().store().store().entry(alices.id()).isEmpty());

            // a stored domain's settings: its admin edits them with the config loader's validation; others get 404
            store.putDomain("test", "example.org", "{}");
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (config.console().store().current().domain("example.org") == null && System.nanoTime() < deadline) Thread.sleep(50);
            assertEquals(404, t.post("/domains/example.org", alice[0], Map.of("_csrf", alice[1], "settings", "{}")).statusCode());
            var badSettings = t.post("/domains/example.org", carol[0], Map.of("_csrf", carol[1],
                    "settings", "{\"checks\": {\"message-size\": {\"max-bytes\": \"lots\"}}}"));
            assertEquals(200, badSettings.statusCode());
            assertTrue(badSettings.body().contains("id=\"domain-error\">settings.checks.message-size.max-bytes:"), badSettings.body());
            assertEquals("{}", store.domain("example.org").orElseThrow().settings(), "nothing stored");
            var good = t.post("/domains/example.org", carol[0], Map.of("_csrf", carol[1],
                    "settings", "{\"checks\": {\"message-size\": {\"max-bytes\": 1048576}}}"));
            assertTrue(good.body().contains("id=\"domain-done\">Saved"), good.body());
            assertEquals("{\"checks\":{\"message-size\":{\"max-bytes\":1048576}}}", store.domain("example.org").orElseThrow().settings());
            assertEquals(403, t.post("/domains/example.org", carol[0], Map.of("settings", "{}")).statusCode(), "no CSRF token");
        } finally {
            config.resources().close();
        }
    }

    static Map<String, String> with(Map<String, String> scope, String csrf, String kind, String value) {
        Map<String, String> m = new java.util.HashMap<>(scope);
        m.put("_csrf", csrf);
        m.put("action", "add");
        m.put("list", "safe");
        m.put("kind", kind);
        m.put("value", value);
        return m;
    }
}
