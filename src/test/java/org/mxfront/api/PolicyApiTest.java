// The policy API without a socket: authentication (none, wrong, expired token), roles and tenants
// (another tenant's object is 404 at every endpoint), bad input (field named, nothing stored), audit
// and paging; learning (POST /spam/learn: operators only, its errors as JSON, a dead classifier 503);
// and the OpenAPI document against the route table.
package org.mxfront.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mxfront.Doors;
import org.mxfront.checks.SharedResources;
import org.mxfront.config.ConfigLoader;
import org.mxfront.config.DaemonConfig;
import org.mxfront.config.StoreDomains;
import org.mxfront.store.PolicyStore;
import org.mxfront.store.PolicyStoreService;
import org.mxfront.store.Tokens;

class PolicyApiTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir Path dir;
    SharedResources resources;
    PolicyStoreService service;
    PolicyApi api;
    DaemonConfig config;
    String operator;
    String adminA;
    String userBob;
    String expired;

    @BeforeEach
    void start() throws Exception {
        resources = new SharedResources();
        config = new ConfigLoader(Doors.ALL, java.time.Clock.systemUTC(), resources).parse("test.yml", """
                server: { hostname: mx.test }
                state-directory: %s
                domains: { example.com: {} }
                policy-store: { enabled: true, connect-timeout: 30s }
                checks: { relay: {}, policy-lists: {} }
                """.formatted(dir), new SimpleMeterRegistry());
        resources.start();
        StoreDomains sd = (StoreDomains) config.engine().directory();
        service = sd.service();
        api = new PolicyApi(service, () -> sd, d -> config.engine().isLocalDomain(d), () -> config.engine());
        PolicyStore s = service.store();
        s.putDomain("setup", "a.example", "{}");
        s.putDomain("setup", "b.example", "{}");
        service.refresh();
        operator = token(s, new PolicyStore.User("root", "operator", List.of(), null, null), null);
        adminA = token(s, new PolicyStore.User("anna", "domain-admin", List.of("a.example"), null, null), null);
        userBob = token(s, new PolicyStore.User("bob", "user", List.of(), "bob@a.example", null), null);
        expired = token(s, new PolicyStore.User("old", "operator", List.of(), null, null), Instant.now().minusSeconds(1));
    }

    static String token(PolicyStore s, PolicyStore.User u, Instant expires) throws Exception {
        s.putUser("setup", u);
        Tokens.New t = Tokens.create();
        s.addToken("setup", new PolicyStore.Token(t.id(), u.name(), t.hash(), Instant.now(), expires));
        return t.token();
    }

    @AfterEach
    void stop() {
        resources.close();
    }

    PolicyApi.Response call(String token, String method, String path, String body) {
        return call(token, method, path, body == null ? null : body.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    PolicyApi.Response call(String token, String method, String path, byte[] body, Map<String, List<String>> query) {
        return api.handle(new PolicyApi.Request(method, path, query, token == null ? null : "Bearer " + token, body));
    }

    static JsonNode json(PolicyApi.Response r) throws Exception {
        return JSON.readTree(r.json());
    }

    static void assertError(int status, String field, PolicyApi.Response r) throws Exception {
        assertEquals(status, r.status(), r.json());
        if (field != null) assertEquals(field, json(r).get("field").asText(), r.json());
    }

    @Test
    void everyEndpointWantsAValidToken() throws Exception {
        for (PolicyApi.Route route : PolicyApi.ROUTES) {
            String path = route.template().replace("{name}", "a.example").replace("{id}", "1");
            for (String t : new String[] {null, "mxf_AAAAAAAAAAAA_wrongwrongwrong", "garbage", expired}) {
                PolicyApi.Response r = call(t, route.method(), path, "{}");
                assertEquals(401, r.status(), route + " with " + t + ": " + r.json());
            }
        }
        assertEquals("token expired", json(call(expired, "GET", "/api/v1/me", null)).get("error").asText());
        // a token with a right id and a wrong secret
        String wrongSecret = operator.substring(0, operator.length() - 3) + "xyz";
        assertEquals(401, call(wrongSecret, "GET", "/api/v1/me", null).status());
    }

    @Test
    void domainAdminsSeeOnlyTheirDomainsAndAre404Elsewhere() throws Exception {
        JsonNode list = json(call(adminA, "GET", "/api/v1/domains", null));
        assertEquals(1, list.get("total").asInt());
        assertEquals("a.example", list.get("items").get(0).get("name").asText());
        assertEquals(200, call(adminA, "GET", "/api/v1/domains/a.example", null).status());
        assertError(404, null, call(adminA, "GET", "/api/v1/domains/b.example", null));
        assertError(404, null, call(adminA, "PUT", "/api/v1/domains/b.example", "{\"settings\": {}}"));
        assertError(404, null, call(adminA, "DELETE", "/api/v1/domains/b.example", null));
        assertError(403, null, call(adminA, "POST", "/api/v1/domains", "{\"name\": \"c.example\"}"));
        assertError(404, "key", call(adminA, "POST", "/api/v1/entries",
                "{\"scope\": \"domain\", \"key\": \"b.example\", \"action\": \"block\", \"kind\": \"ip\", \"value\": \"192.0.2.1\"}"));
        assertError(404, "key", call(adminA, "POST", "/api/v1/entries",
                "{\"scope\": \"user\", \"key\": \"x@b.example\", \"action\": \"block\", \"kind\": \"ip\", \"value\": \"192.0.2.1\"}"));
        assertError(403, "scope", call(adminA, "POST", "/api/v1/entries",
                "{\"scope\": \"operator\", \"action\": \"block\", \"kind\": \"ip\", \"value\": \"192.0.2.1\"}"));
        // an entry of b.example, made by the operator: invisible to a.example's admin, to its user too
        JsonNode e = json(call(operator, "POST", "/api/v1/entries",
                "{\"scope\": \"domain\", \"key\": \"b.example\", \"action\": \"block\", \"kind\": \"sender\", \"value\": \"x@example.net\"}"));
        assertTrue(e.has("id"), e.toString());
        String id = e.get("id").asText();
        for (String t : new String[] {adminA, userBob}) {
            assertError(404, null, call(t, "GET", "/api/v1/entries/" + id, null));
            assertError(404, null, call(t, "DELETE", "/api/v1/entries/" + id, null));
            assertEquals(0, json(call(t, "GET", "/api/v1/entries", null)).get("total").asInt());
        }
        assertError(403, null, call(adminA, "GET", "/api/v1/audit", null));
        assertError(403, null, call(userBob, "GET", "/api/v1/domains", null));
        // the user manages its own address's list, and nothing else
        assertEquals(201, call(userBob, "POST", "/api/v1/entries",
                "{\"scope\": \"user\", \"key\": \"bob@a.example\", \"action\": \"safe\", \"kind\": \"sender-domain\", \"value\": \".example.org\"}").status());
        assertError(404, "key", call(userBob, "POST", "/api/v1/entries",
                "{\"scope\": \"user\", \"key\": \"carol@a.example\", \"action\": \"safe\", \"kind\": \"sender\", \"value\": \"a@example.org\"}"));
        assertError(403, "scope", call(userBob, "POST", "/api/v1/entries",
                "{\"scope\": \"domain\", \"key\": \"a.example\", \"action\": \"safe\", \"kind\": \"sender\", \"value\": \"a@example.org\"}"));
        assertEquals(1, json(call(adminA, "GET", "/api/v1/entries", null)).get("total").asInt());
    }

    @Test
    void badInputNamesTheFieldAndStoresNothing() throws Exception {
        service.refresh();
        long before = service.current().version();
        String base = "{\"scope\": \"domain\", \"key\": \"a.example\", \"action\": \"block\", ";
        assertError(400, "value", call(operator, "POST", "/api/v1/entries", base + "\"kind\": \"ip\", \"value\": \"192.0.2.0/33\"}"));
        assertError(400, "value", call(operator, "POST", "/api/v1/entries", base + "\"kind\": \"ip\", \"value\": \"300.1.1.1\"}"));
        assertError(400, "value", call(operator, "POST", "/api/v1/entries", base + "\"kind\": \"sender\", \"value\": \"a@b.example\\r\\nRCPT TO:<x>\"}"));
        assertError(400, "value", call(operator, "POST", "/api/v1/entries", base + "\"kind\": \"sender\", \"value\": \"a\\u0000@b.example\"}"));
        assertError(400, "value", call(operator, "POST", "/api/v1/entries", base + "\"kind\": \"sender\", \"value\": \"<script>@b.example\"}"));
        assertError(400, "colour", call(operator, "POST", "/api/v1/entries", base + "\"kind\": \"ip\", \"value\": \"192.0.2.1\", \"colour\": 1}"));
        assertError(400, "kind", call(operator, "POST", "/api/v1/entries", base + "\"kind\": \"asn\", \"value\": \"1\"}"));
        assertError(400, "key", call(operator, "POST", "/api/v1/entries",
                "{\"scope\": \"domain\", \"key\": \"not-ours.example\", \"action\": \"block\", \"kind\": \"ip\", \"value\": \"192.0.2.1\"}"));
        assertError(400, "expires_at", call(operator, "POST", "/api/v1/entries", base + "\"kind\": \"ip\", \"value\": \"192.0.2.1\", \"expires_at\": \"tomorrow\"}"));
        byte[] big = new byte[10 * 1024 * 1024];
        java.util.Arrays.fill(big, (byte) ' ');
        assertError(413, "body", call(operator, "POST", "/api/v1/entries", big, Map.of()));
        assertError(400, "settings.checks.helo.reject-localhostt", call(operator, "POST", "/api/v1/domains",
                "{\"name\": \"c.example\", \"settings\": {\"checks\": {\"helo\": {\"reject-localhostt\": true}}}}"));
        PolicyApi.Response r = call(operator, "POST", "/api/v1/domains",
                "{\"name\": \"c.example\", \"settings\": {\"checks\": {\"message-size\": {\"max-bytes\": 10}}}}");
        assertError(400, "settings.checks.message-size", r);
        assertEquals("settings.checks.message-size: max-bytes must be at least 1024", json(r).get("error").asText());
        assertError(400, "name", call(operator, "POST", "/api/v1/domains", "{\"name\": \"c.example\\n\"}"));
        service.refresh();
        assertEquals(before, service.current().version(), "nothing was stored");
    }

    @Test
    void changesAreAuditedAndPaged() throws Exception {
        assertEquals(201, call(operator, "POST", "/api/v1/domains",
                "{\"name\": \"C.Example\", \"settings\": {\"checks\": {\"helo\": {\"mode\": \"log-only\"}}}}").status());
        assertTrue(service.current().domain("c.example") != null, "applied on this host at once");
        assertEquals(200, call(adminA, "PUT", "/api/v1/domains/a.example", "{\"settings\": {\"checks\": {\"helo\": {\"mode\": \"log-only\"}}}}").status());
        for (int i = 0; i < 5; i++) {
            assertEquals(201, call(operator, "POST", "/api/v1/entries",
                    "{\"scope\": \"operator\", \"action\": \"block\", \"kind\": \"ip\", \"value\": \"192.0.2." + i + "\"}").status());
        }
        JsonNode page = json(call(operator, "GET", "/api/v1/entries", null, Map.of("offset", List.of("2"), "limit", List.of("2"))));
        assertEquals(5, page.get("total").asInt());
        assertEquals("192.0.2.2/32", page.get("items").get(0).get("value").asText());
        assertEquals(1, json(call(operator, "GET", "/api/v1/entries", null, Map.of("q", List.of("192.0.2.4")))).get("total").asInt());
        JsonNode audit = json(call(operator, "GET", "/api/v1/audit", null, Map.of("limit", List.of("50"))));
        JsonNode update = null;
        for (JsonNode a : audit.get("items")) if (a.get("action").asText().equals("domain.update")) update = a;
        assertEquals("anna", update.get("actor").asText());
        assertEquals("{}", update.get("before").asText());
        assertTrue(update.get("after").asText().contains("log-only"));
        String id = page.get("items").get(0).get("id").asText();
        assertEquals(204, call(operator, "DELETE", "/api/v1/entries/" + id, null).status());
        assertEquals(404, call(operator, "DELETE", "/api/v1/entries/" + id, null).status());
    }

    static final byte[] MESSAGE = "From: a@b.example\r\nTo: bob@a.example\r\nSubject: offer\r\n\r\nBuy now.\r\n"
            .getBytes(StandardCharsets.US_ASCII);

    PolicyApi.Response learn(PolicyApi a, String token, String as, byte[] body) {
        return a.handle(new PolicyApi.Request("POST", "/api/v1/spam/learn", as == null ? Map.of() : Map.of("as", List.of(as)),
                token == null ? null : "Bearer " + token, body));
    }

    @Test
    void learningIsForOperatorsOnlyAndSaysWhatIsMissing() throws Exception {
        assertError(401, null, learn(api, null, "spam", MESSAGE));
        // one Bayes serves every tenant: a domain admin's or a user's report would change everybody's verdicts
        for (String t : new String[] {adminA, userBob}) {
            PolicyApi.Response r = learn(api, t, "spam", MESSAGE);
            assertError(403, null, r);
            assertEquals("operators only: one Bayes filter serves every domain, so only operators teach it", json(r).get("error").asText());
            // the role is refused before the body is even looked at
            assertError(403, null, learn(api, t, "spam", new byte[PolicyApi.MAX_LEARN_BODY + 1]));
        }
        assertError(400, "as", learn(api, operator, null, MESSAGE));
        assertEquals("unknown value 'spammy' (spam or ham)", json(learn(api, operator, "spammy", MESSAGE)).get("error").asText());
        assertError(413, "body", learn(api, operator, "spam", new byte[PolicyApi.MAX_LEARN_BODY + 1]));
        PolicyApi.Response none = learn(api, operator, "spam", MESSAGE);
        assertError(409, null, none);
        assertEquals("{\"error\":\"the spam check is not enabled (checks.spam)\"}", none.json());
        assertError(405, null, api.handle(new PolicyApi.Request("GET", "/api/v1/spam/learn", Map.of(), "Bearer " + operator, null)));
    }

    @Test
    void learningAnswersTheClassifiersFaultsAsJson() throws Exception {
        try (SharedResources res = new SharedResources()) {
            Path password = dir.resolve("rspamd-password");
            java.nio.file.Files.writeString(password, "secret\n");
            DaemonConfig spam = new ConfigLoader(Doors.ALL, java.time.Clock.systemUTC(), res).parse("spam.yml", """
                    server: { hostname: mx.test }
                    state-directory: %s
                    domains:
                      example.com: {}
                      example.net:
                        checks:
                          spam: { rspamd: { url: "http://127.0.0.1:1", controller: "http://127.0.0.1:1", password-file: "%s" } }
                    checks:
                      spam:
                        rspamd: { url: "http://127.0.0.1:1", controller: "http://127.0.0.1:1", password-file: "%s" }
                        connect-timeout: 2s
                        max-bytes: 200
                    """.formatted(dir.resolve("spam-state"), dir.resolve("missing"), password), new SimpleMeterRegistry());
            StoreDomains sd = (StoreDomains) config.engine().directory();
            PolicyApi a = new PolicyApi(service, () -> sd, d -> true, spam::engine);
            PolicyApi.Response down = learn(a, operator, "ham", MESSAGE);
            assertError(503, null, down);
            assertTrue(json(down).get("error").asText().startsWith("rspamd does not answer: "), down.json());
            PolicyApi.Response noPassword = a.handle(new PolicyApi.Request("POST", "/api/v1/spam/learn",
                    Map.of("as", List.of("spam"), "domain", List.of("example.net")), "Bearer " + operator, MESSAGE));
            assertError(409, null, noPassword);
            assertTrue(json(noPassword).get("error").asText().startsWith("cannot read rspamd.password-file " + dir.resolve("missing")),
                    noPassword.json());
            assertError(400, "body", learn(a, operator, "spam", new byte[0]));
            assertError(400, "body", learn(a, operator, "spam", "{\"message\": 1}".getBytes(StandardCharsets.UTF_8)));
            PolicyApi.Response big = learn(a, operator, "spam", (new String(MESSAGE, StandardCharsets.US_ASCII) + "x".repeat(200))
                    .getBytes(StandardCharsets.US_ASCII));
            assertError(413, "body", big);
            assertEquals("larger than the spam check's max-bytes (200 bytes): it would never be classified", json(big).get("error").asText());
        }
    }

    @Test
    void theOpenApiDocumentDescribesExactlyTheRoutes() throws Exception {
        JsonNode doc = JSON.readTree(PolicyApi.openApi());
        Set<String> documented = new HashSet<>();
        Iterator<Map.Entry<String, JsonNode>> paths = doc.get("paths").fields();
        while (paths.hasNext()) {
            Map.Entry<String, JsonNode> p = paths.next();
            p.getValue().fieldNames().forEachRemaining(m -> documented.add(m.toUpperCase(Locale.ROOT) + " " + p.getKey()));
        }
        Set<String> routes = new HashSet<>();
        for (PolicyApi.Route r : PolicyApi.ROUTES) routes.add(r.method() + " " + r.template());
        assertEquals(routes, documented);
        // the entry schema's fields are the ones the API accepts
        Set<String> fields = new HashSet<>();
        doc.at("/components/schemas/Entry/properties").fieldNames().forEachRemaining(fields::add);
        for (var c : PolicyApi.EntryBody.class.getRecordComponents()) {
            String name = PolicyApi.EntryBody.class.getDeclaredField(c.getName())
                    .getAnnotation(com.fasterxml.jackson.annotation.JsonProperty.class).value();
            assertTrue(fields.contains(name), name);
        }
    }
}
