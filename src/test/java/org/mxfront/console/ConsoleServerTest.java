// The console over real HTTP on loopback, without a browser (ConsoleBrowserIT drives Chromium):
// security headers on every response, the public code page, logins (Argon2id accounts, CSRF,
// rate limit), roles filtering pages and searches server-side (404 for another domain), HTML
// escaping of what came from mail, the SSE live stream. The backend is a stub of the daemon; the
// configuration is a real loaded one.
package org.mxfront.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mxfront.Doors;
import org.mxfront.config.ConfigLoader;
import org.mxfront.config.DaemonConfig;
import org.mxfront.policy.DecisionEvent;
import org.mxfront.policy.DecisionFeed;

class ConsoleServerTest {
    static final String XSS_HELO = "<script>alert(1)</script>";
    static final String XSS_SENDER = "\"><img src=x onerror=alert(2)>@evil.example";

    @TempDir
    Path dir;
    DecisionFeed feed;
    ConsoleServer server;
    DaemonConfig config;
    /** What the stub daemon reports as its last reload. */
    volatile ConsoleBackend.Reload lastReload;
    ConsoleBackend storeBackend;
    HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() throws Exception {
        Path users = ConsoleForms.writeUsers(dir.resolve("users"), "bob@example.org");
        config = new ConfigLoader(Doors.ALL).parse(dir.resolve("t.yml").toString(), """
                smtp: {listen: 127.0.0.1:0}
                downstream: {address: 127.0.0.1:1}
                state-directory: %s
                domains: {example.com: {}, example.org: {}}
                console: {enabled: true, listen: 127.0.0.1:0, users-file: users, login-limit: 3}
                """.formatted(dir), new SimpleMeterRegistry());
        feed = config.engine().decisionLog().feed();
        ConsoleBackend backend = new ConsoleBackend() {
            public DaemonConfig config() { return config; }
            public List<DoorState> doors() { return List.of(new DoorState("smtp", 25, "listening", 3)); }
            public String downstream() { return "reachable: 127.0.0.1:1"; }
            public String notReady() { return null; }
            public String explain(Map<String, List<String>> p, byte[] m) {
                return "explained " + new java.util.TreeMap<>(p) + " message " + (m == null ? "none" : m.length + " bytes") + "\n";
            }
            public Map.Entry<Boolean, String> reload() { return Map.entry(true, "ok"); }
            public Reload lastReload() { return lastReload; }
            public java.util.Set<String> adminNames() { return java.util.Set.of("greylist", "ratelimit"); }
            public String admin(String name, Map<String, List<String>> p) {
                String action = p.get("action").get(0);
                if (!action.equals("list")) return action + " " + p.get("key") + "\n";
                if (name.equals("ratelimit")) return "key\tavailable\tfull-at\nper-client/100/3600s/100:192.0.2.7\t99\t2026-12-07T04:00:00Z\n1 buckets (memory)\n";
                return "kind\tkey\tfirst-seen\tlast-seen\tpasses\texpires\n"
                        + "tuple\t192.0.2.0|" + XSS_SENDER + "|bob@example.com\t2026-12-07T03:00:00Z\t2026-12-07T03:00:00Z\t0\t2026-12-08T03:00:00Z\n"
                        + "client\t192.0.2.0\t2026-12-07T03:00:00Z\t2026-12-07T03:00:00Z\tmanual\t2027-01-11T03:00:00Z\n"
                        + "2 entries (memory)\n";
            }
        };
        server = new ConsoleServer(config.console(), backend, feed, new UsersFile(users)).start();
    }

    @AfterEach
    void stop() {
        server.close();
        config.resources().close();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.port() + path;
    }

    HttpResponse<String> get(String path, String cookie) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path)));
        if (cookie != null) b.header("Cookie", cookie);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String cookie, Map<String, String> form) throws Exception {
        StringBuilder body = new StringBuilder();
        form.forEach((k, v) -> body.append(body.isEmpty() ? "" : "&").append(k).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path)))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        if (cookie != null) b.header("Cookie", cookie);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A daemon with no doors and no downstream behind the console, in the configuration {@code config} gives now. */
    static ConsoleBackend idle(java.util.function.Supplier<DaemonConfig> config) {
        return new ConsoleBackend() {
            public DaemonConfig config() { return config.get(); }
            public List<DoorState> doors() { return List.of(); }
            public String downstream() { return ""; }
            public String notReady() { return null; }
            public String explain(Map<String, List<String>> p, byte[] m) { return ""; }
            public Map.Entry<Boolean, String> reload() { return Map.entry(true, "ok"); }
        };
    }

    static String hidden(String html, String name) {
        return ConsoleForms.hidden(html, name);
    }

    static String cookieValue(HttpResponse<?> r, String name) {
        return ConsoleForms.cookie(r, name);
    }

    /** Logs in; returns "mxconsole=..." and the CSRF token of the dashboard. */
    String[] login(String user, String password) throws Exception {
        HttpResponse<String> page = get("/login", null);
        String csrf = hidden(page.body(), "_csrf");
        HttpResponse<String> r = post("/login", cookieValue(page, "mxlogin"), Map.of("_csrf", csrf, "user", user, "password", password));
        assertEquals(303, r.statusCode(), r.body());
        String session = cookieValue(r, Sessions.COOKIE);
        assertNotNull(session);
        HttpResponse<String> dash = get("/", session);
        assertEquals(200, dash.statusCode());
        return new String[] {session, hidden(dash.body(), "_csrf")};
    }

    static DecisionEvent refusal(String session, String rcpt, String helo, String sender) {
        return new DecisionEvent(System.currentTimeMillis(), "smtp", "reject", "RCPT", "192.0.2.7", "unknown", helo, sender,
                List.of(rcpt), "XM-RJCT06", "relay",
                List.of("550 5.7.1 XM-RJCT06: Unauthorized relay attempt", "550 5.7.1 [192.0.2.7] [mx.test]"), session, "",
                List.of());
    }

    @Test
    void everyResponseCarriesTheSecurityHeaders() throws Exception {
        for (String path : List.of("/codes", "/login", "/", "/nowhere", "/static/console.js", "/static/../x")) {
            HttpResponse<String> r = get(path, null);
            assertEquals(ConsoleServer.CSP, r.headers().firstValue("content-security-policy").orElse(null), path);
            assertEquals("nosniff", r.headers().firstValue("x-content-type-options").orElse(null), path);
            assertEquals("no-referrer", r.headers().firstValue("referrer-policy").orElse(null), path);
            assertTrue(ConsoleServer.CSP.contains("frame-ancestors 'none'"));
            assertFalse(ConsoleServer.CSP.contains("unsafe-inline"));
        }
    }

    @Test
    void theCodePageIsPublicWithOneAnchorPerCode() throws Exception {
        HttpResponse<String> r = get("/codes", null);
        assertEquals(200, r.statusCode());
        assertTrue(r.body().contains("<tr id=\"XM-RJCT06\""), r.body());
        assertTrue(r.body().contains("Unauthorized relay attempt"));
        assertFalse(r.body().contains("<script>"), "no inline script");
    }

    @Test
    void pagesNeedALoginAndWrongPasswordsAreRefused() throws Exception {
        assertEquals("/login", get("/", null).headers().firstValue("location").orElse(null));
        assertEquals(401, get("/api/dashboard", null).statusCode());
        HttpResponse<String> page = get("/login", null);
        String cookie = cookieValue(page, "mxlogin");
        assertTrue(page.headers().allValues("set-cookie").get(0).toLowerCase().contains("httponly"));
        assertTrue(page.headers().allValues("set-cookie").get(0).contains("SameSite=Strict"));
        HttpResponse<String> r = post("/login", cookie, Map.of("_csrf", hidden(page.body(), "_csrf"), "user", "op", "password", "wrong"));
        assertEquals(401, r.statusCode());
        assertTrue(r.body().contains("Wrong name or password."));
        assertEquals(null, cookieValue(r, Sessions.COOKIE));
        // a login form posted from elsewhere (no matching CSRF cookie) is refused
        assertEquals(403, post("/login", null, Map.of("_csrf", "x", "user", "op", "password", "op-password")).statusCode());
    }

    @Test
    void sessionCookieIsHttpOnlyAndSameSiteStrict() throws Exception {
        HttpResponse<String> page = get("/login", null);
        HttpResponse<String> r = post("/login", cookieValue(page, "mxlogin"),
                Map.of("_csrf", hidden(page.body(), "_csrf"), "user", "op", "password", "op-password"));
        String set = r.headers().allValues("set-cookie").stream().filter(c -> c.startsWith("mxconsole=")).findFirst().orElseThrow();
        assertTrue(set.toLowerCase().contains("httponly") && set.contains("SameSite=Strict") && set.contains("Path=/"), set);
        assertFalse(set.contains("Secure"), "plain HTTP on loopback: no Secure flag, " + set);
    }

    @Test
    void loginsAreRateLimitedPerUser() throws Exception {
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> page = get("/login", null);
            assertEquals(401, post("/login", cookieValue(page, "mxlogin"),
                    Map.of("_csrf", hidden(page.body(), "_csrf"), "user", "op", "password", "wrong" + i)).statusCode());
        }
        HttpResponse<String> page = get("/login", null);
        HttpResponse<String> r = post("/login", cookieValue(page, "mxlogin"),
                Map.of("_csrf", hidden(page.body(), "_csrf"), "user", "op", "password", "op-password"));
        assertEquals(429, r.statusCode(), "even the right password waits once the limit is reached");
        assertTrue(r.body().contains("Too many failed logins"));
    }

    @Test
    void postsWithoutTheCsrfTokenAreRefused() throws Exception {
        String[] s = login("op", "op-password");
        assertEquals(403, post("/greylist", s[0], Map.of("action", "allow", "client", "192.0.2.1")).statusCode());
        assertEquals(403, post("/logout", s[0], Map.of("_csrf", "forged")).statusCode());
        assertEquals(303, post("/logout", s[0], Map.of("_csrf", s[1])).statusCode());
        assertEquals("/login", get("/", s[0]).headers().firstValue("location").orElse(null), "logged out");
    }

    @Test
    void aDomainAdminSeesOnlyTheirDomains() throws Exception {
        feed.publish(refusal("SESSIONCOM01", "x@example.com", "a.example", "s@a.example"));
        feed.publish(refusal("SESSIONORG01", "bob@example.org", "b.example", "s@b.example"));
        String[] s = login("alice", "alice-password");
        assertEquals(200, get("/domains/example.com", s[0]).statusCode());
        assertEquals(404, get("/domains/example.org", s[0]).statusCode());
        assertEquals(404, get("/domains/EXAMPLE.ORG", s[0]).statusCode());
        assertEquals(404, get("/trace?domain=example.org", s[0]).statusCode());
        assertEquals(404, get("/trace/session/SESSIONORG01", s[0]).statusCode());
        assertEquals(200, get("/trace/session/SESSIONCOM01", s[0]).statusCode());
        assertEquals(404, get("/greylist", s[0]).statusCode());
        assertEquals(404, get("/ratelimit", s[0]).statusCode());
        String domains = get("/domains", s[0]).body();
        assertTrue(domains.contains("example.com") && !domains.contains("example.org"), domains);
        String trace = get("/trace?code=XM-RJCT06", s[0]).body();
        assertTrue(trace.contains("SESSIONCOM01") && !trace.contains("SESSIONORG01"), trace);
        String dash = get("/api/dashboard", s[0]).body();
        var totals = new com.fasterxml.jackson.databind.ObjectMapper().readTree(dash).get("totals");
        assertEquals(1, totals.get("refused").asInt(), dash);
        // the operator sees both
        String[] op = login("op", "op-password");
        String all = get("/trace?code=XM-RJCT06", op[0]).body();
        assertTrue(all.contains("SESSIONCOM01") && all.contains("SESSIONORG01"));
        // a user sees mail to their address only, and no domain pages
        String[] bob = login("bob@example.org", "bob-password");
        String mine = get("/trace?code=XM-RJCT06", bob[0]).body();
        assertTrue(mine.contains("SESSIONORG01") && !mine.contains("SESSIONCOM01"), mine);
        assertEquals(404, get("/domains", bob[0]).statusCode());
        assertEquals(404, get("/explain", bob[0]).statusCode());
    }

    @Test
    void whatCameFromMailIsEscaped() throws Exception {
        feed.publish(refusal("SESSIONXSS01", "x@example.com", XSS_HELO, XSS_SENDER));
        String[] s = login("op", "op-password");
        String trace = get("/trace?session=SESSIONXSS01", s[0]).body();
        assertFalse(trace.contains(XSS_HELO), trace);
        assertFalse(trace.contains("<img src=x"), trace);
        assertTrue(trace.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), trace);
        String session = get("/trace/session/SESSIONXSS01", s[0]).body();
        assertFalse(session.contains(XSS_HELO) || session.contains("<img src=x"), session);
    }

    @Test
    void theExplainFormTakesAMessageFile() throws Exception {
        String[] s = login("alice", "alice-password");
        String boundary = "----mxfront" + System.nanoTime();
        String message = "From: a@sender.example\r\nSubject: hi\r\n\r\nbody\r\n";
        StringBuilder b = new StringBuilder();
        for (String[] f : new String[][] {{"_csrf", s[1]}, {"client-ip", "192.0.2.7"}, {"helo", "client.example"},
                {"from", "a@sender.example"}, {"rcpt", "bob@example.com"}}) {
            b.append("--").append(boundary).append("\r\nContent-Disposition: form-data; name=\"").append(f[0])
                    .append("\"\r\n\r\n").append(f[1]).append("\r\n");
        }
        b.append("--").append(boundary).append("\r\nContent-Disposition: form-data; name=\"message\"; filename=\"m.eml\"\r\n")
                .append("Content-Type: message/rfc822\r\n\r\n").append(message).append("\r\n--").append(boundary).append("--\r\n");
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url("/explain")))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary).header("Cookie", s[0])
                .POST(HttpRequest.BodyPublishers.ofString(b.toString())).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertTrue(r.body().contains("message " + message.length() + " bytes"), r.body());
        assertTrue(r.body().contains("rcpt=[bob@example.com]"), r.body());
        // a domain admin explains only for their domains' recipients
        HttpResponse<String> other = post("/explain", s[0], Map.of("_csrf", s[1], "client-ip", "192.0.2.7", "rcpt", "x@example.org"));
        assertTrue(other.body().contains("rcpt x@example.org: not one of your domains"), other.body());
    }

    @Test
    void theLiveStreamSendsNewDecisionsAsEvents() throws Exception {
        String[] s = login("op", "op-password");
        HttpResponse<java.io.InputStream> r = http.send(HttpRequest.newBuilder(URI.create(url("/live/stream?outcome=refused")))
                .header("Cookie", s[0]).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals("text/event-stream; charset=utf-8", r.headers().firstValue("content-type").orElse(null));
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            Thread.sleep(200); // subscribed
            feed.publish(refusal("SESSIONLIVE1", "x@example.com", "h.example", "s@h.example"));
            String line;
            while ((line = in.readLine()) != null && !line.contains("SESSIONLIVE1")) { /* earlier lines */ }
            assertNotNull(line, "the event arrived");
            assertTrue(line.startsWith("data: {"), line);
        }
    }

    /** Restarts the console on a configuration with the embedded (H2) policy store; returns the store. */
    org.mxfront.store.PolicyStore withStore() throws Exception {
        server.close();
        config.resources().close();
        config = new ConfigLoader(Doors.ALL).parse(dir.resolve("s.yml").toString(), """
                smtp: {listen: 127.0.0.1:0}
                downstream: {address: 127.0.0.1:1}
                state-directory: %s
                policy-store: {enabled: true, poll-interval: 200ms, connect-timeout: 30s}
                domains: {example.com: {}, example.org: {}}
                console: {enabled: true, listen: 127.0.0.1:0, users-file: users}
                """.formatted(dir.resolve("state")), new SimpleMeterRegistry());
        config.resources().start();
        feed = config.engine().decisionLog().feed();
        ConsoleBackend backend = idle(() -> config);
        storeBackend = backend;
        server = new ConsoleServer(config.console(), backend, feed, new UsersFile(dir.resolve("users"))).start();
        return config.console().store().store();
    }

    @Test
    void operatorsAddAndRemoveStoredDomainsOthersCannot() throws Exception {
        var store = withStore();
        String[] op = login("op", "op-password");
        String page = get("/domains", op[0]).body();
        assertTrue(page.contains("id=\"add-domain\""), page);
        // validation at the field: a bad name, bad settings (check-config's message), nothing stored
        String badName = post("/domains", op[0], Map.of("_csrf", op[1], "action", "add", "name", "not a domain")).body();
        assertTrue(badName.contains("id=\"new-domain-name-error\">name: not a domain name"), badName);
        String badSettings = post("/domains", op[0], Map.of("_csrf", op[1], "action", "add", "name", "new.example",
                "settings", "{\"checks\": {\"message-size\": {\"max-bytes\": \"lots\"}}}")).body();
        assertTrue(badSettings.contains("id=\"new-domain-settings-error\">settings.checks.message-size.max-bytes:"), badSettings);
        assertTrue(store.domain("new.example").isEmpty(), "nothing stored");
        // a hostile name is shown as text
        String hostile = post("/domains", op[0], Map.of("_csrf", op[1], "action", "add", "name", XSS_SENDER)).body();
        assertFalse(hostile.contains("<img src=x"), hostile);
        // no CSRF token: refused, nothing stored
        assertEquals(403, post("/domains", op[0], Map.of("action", "add", "name", "new.example")).statusCode());
        assertTrue(store.domain("new.example").isEmpty());
        // added, audited, listed at once
        var added = post("/domains", op[0], Map.of("_csrf", op[1], "action", "add", "name", "New.Example",
                "settings", "{\"checks\": {\"message-size\": {\"max-bytes\": 1048576}}}"));
        assertEquals(200, added.statusCode());
        assertTrue(added.body().contains("id=\"domains-done\">Added new.example."), added.body());
        assertTrue(added.body().contains("<a href=\"/domains/new.example\">"), added.body());
        assertEquals("{\"checks\":{\"message-size\":{\"max-bytes\":1048576}}}", store.domain("new.example").orElseThrow().settings());
        assertTrue(store.audit(0, 10).stream().anyMatch(a -> a.actor().equals("op") && a.object().equals("domain new.example")),
                "audited in the store");
        String dup = post("/domains", op[0], Map.of("_csrf", op[1], "action", "add", "name", "new.example")).body();
        assertTrue(dup.contains("id=\"new-domain-name-error\">name: domain exists"), dup);
        // a domain admin (even of that domain) and a user cannot add or remove
        String[] alice = login("alice", "alice-password");
        assertFalse(get("/domains", alice[0]).body().contains("id=\"add-domain\""));
        assertEquals(404, post("/domains", alice[0], Map.of("_csrf", alice[1], "action", "add", "name", "alice.example")).statusCode());
        assertEquals(404, post("/domains", alice[0], Map.of("_csrf", alice[1], "action", "remove", "name", "new.example")).statusCode());
        String[] bob = login("bob@example.org", "bob-password");
        assertEquals(404, post("/domains", bob[0], Map.of("_csrf", bob[1], "action", "add", "name", "bob.example")).statusCode());
        assertTrue(store.domain("alice.example").isEmpty() && store.domain("bob.example").isEmpty());
        assertTrue(store.domain("new.example").isPresent());
        // removed by the operator, audited; a second removal names the field
        assertEquals(403, post("/domains", op[0], Map.of("action", "remove", "name", "new.example")).statusCode());
        assertTrue(store.domain("new.example").isPresent(), "no CSRF token: not removed");
        var removed = post("/domains", op[0], Map.of("_csrf", op[1], "action", "remove", "name", "new.example"));
        assertTrue(removed.body().contains("id=\"domains-done\">Removed new.example."), removed.body());
        assertTrue(store.domain("new.example").isEmpty());
        String dash = get("/", op[0]).body();
        assertTrue(dash.contains("id=\"store-status\">reachable, version 2<"), dash);
        assertTrue(Pattern.compile("id=\"policy-change\">version 2, taken in at 20\\d\\d-\\d\\d-\\d\\dT").matcher(dash).find(), dash);
        assertFalse(removed.body().contains("/domains/new.example\""), removed.body());
        assertTrue(store.audit(0, 10).stream().anyMatch(a -> a.action().equals("domain.delete") && a.actor().equals("op")));
        String again = post("/domains", op[0], Map.of("_csrf", op[1], "action", "remove", "name", "new.example")).body();
        assertTrue(again.contains("id=\"new-domain-name-error\">name: no such stored domain"), again);
    }

    @Test
    void theDashboardShowsTheLastReloadAndTheStoreStatus() throws Exception {
        String[] op = login("op", "op-password");
        String dash = get("/", op[0]).body();
        assertTrue(dash.contains("id=\"reload-status\">none since start<"), dash);
        assertTrue(dash.contains("id=\"store-status\">off<") && dash.contains("id=\"policy-change\">off<"), dash);
        lastReload = new ConsoleBackend.Reload(java.time.Instant.parse("2026-12-07T04:00:00.123Z"), false,
                "mxfront.yml:3: smtp.lisen: unknown key <b>");
        dash = get("/", op[0]).body();
        assertTrue(dash.contains("id=\"reload-status\" class=\"error\">FAILED (the previous configuration stays in force): "
                + "mxfront.yml:3: smtp.lisen: unknown key &lt;b&gt; at 2026-12-07T04:00:00Z<"), dash);
        lastReload = new ConsoleBackend.Reload(java.time.Instant.parse("2026-12-07T04:01:00Z"), true, "reloaded mxfront.yml");
        assertTrue(get("/", op[0]).body().contains("id=\"reload-status\">ok at 2026-12-07T04:01:00Z<"));
        // a domain admin sees no daemon status
        String[] alice = login("alice", "alice-password");
        assertFalse(get("/", alice[0]).body().contains("reload-status"));
    }

    static DecisionEvent at(long millis, String session, String rcpt, String outcomeAction) {
        DecisionEvent r = refusal(session, rcpt, "h.example", "s@h.example");
        return new DecisionEvent(millis, r.door(), outcomeAction, r.stage(), r.clientIp(), r.clientName(), r.helo(), r.sender(),
                r.recipients(), outcomeAction.equals("reject") ? r.code() : "", outcomeAction.equals("reject") ? r.check() : "",
                r.reply(), r.session(), r.queueId(), r.findings());
    }

    com.fasterxml.jackson.databind.JsonNode dashboard(String cookie, String span) throws Exception {
        HttpResponse<String> r = get("/api/dashboard?span=" + span, cookie);
        assertEquals(200, r.statusCode(), r.body());
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body());
    }

    /** The index of the quarter-hour holding that time, by its label (HH:mm is unique within a day). */
    static int bucketOf(com.fasterxml.jackson.databind.JsonNode day, long millis) {
        String label = java.time.Instant.ofEpochMilli(millis / 900_000 * 900_000).toString().substring(11, 16);
        for (int i = 0; i < day.get("labels").size(); i++) if (day.get("labels").get(i).asText().equals(label)) return i;
        throw new AssertionError("no bucket " + label + " in " + day.get("labels"));
    }

    @Test
    void theLastDayIsShownPerQuarterHourBesideTheLastHour() throws Exception {
        long now = System.currentTimeMillis();
        long fiveHoursAgo = now - 5 * 3_600_000L;
        feed.publish(at(fiveHoursAgo, "SESSIONDAY01", "x@example.com", "reject"));
        feed.publish(at(now, "SESSIONNOW01", "y@example.org", "reject"));
        String[] op = login("op", "op-password");
        var hour = dashboard(op[0], "hour");
        assertEquals(60, hour.get("labels").size());
        assertEquals(1, hour.get("totals").get("refused").asInt(), "five hours ago is outside the last hour");
        var day = dashboard(op[0], "day");
        assertEquals("day", day.get("span").asText());
        assertEquals(15, day.get("bucketMinutes").asInt());
        assertEquals(96, day.get("labels").size());
        assertEquals(96, day.get("refused").size());
        assertEquals(2, day.get("totals").get("refused").asInt(), day.toString());
        int bucket = bucketOf(day, fiveHoursAgo);
        assertEquals(1, day.get("refused").get(bucket).asInt(), day.toString());
        assertEquals(1, day.get("refused").get(bucketOf(day, now)).asInt(), day.toString());
        assertEquals("memory", day.get("source").asText());
        // a domain admin's day holds their domain only
        String[] alice = login("alice", "alice-password");
        var hers = dashboard(alice[0], "day");
        assertEquals(1, hers.get("totals").get("refused").asInt(), hers.toString());
        assertEquals(1, hers.get("refused").get(bucket).asInt());
    }

    @Test
    void theLastDayComesFromTheJournalWhenItIsOn() throws Exception {
        var store = withStore();
        DecisionFeed journalled = new DecisionFeed(100);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (Journal journal = new Journal(store.dataSource(), journalled, Duration.ofDays(14), registry,
                java.time.Clock.systemUTC()).start()) {
            // the console's own ring is empty: what the day shows was counted by the journal
            server.close();
            server = new ConsoleServer(config.console(), storeBackend, new DecisionFeed(100), new UsersFile(dir.resolve("users")),
                    journal).start();
            long now = System.currentTimeMillis();
            long twentyHoursAgo = now - 20 * 3_600_000L;
            journalled.publish(at(twentyHoursAgo, "JOURNALDAY01", "x@example.com", "reject"));
            journalled.publish(at(twentyHoursAgo, "JOURNALDAY02", "x@example.org", "reject"));
            journalled.publish(at(now - 60_000, "JOURNALDAY03", "x@example.com", "accept"));
            journalled.publish(at(now - 2 * 86_400_000L, "JOURNALOLD01", "x@example.com", "reject"));
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (journal.written() < 4 && System.nanoTime() < deadline) Thread.sleep(50);
            assertEquals(4, journal.written());
            String[] op = login("op", "op-password");
            var day = dashboard(op[0], "day");
            assertEquals("journal", day.get("source").asText(), day.toString());
            int bucket = bucketOf(day, twentyHoursAgo);
            assertEquals(2, day.get("refused").get(bucket).asInt(), day.toString());
            assertEquals(2, day.get("totals").get("refused").asInt(), "two days ago is outside the day: " + day);
            assertEquals(1, day.get("totals").get("accepted").asInt(), day.toString());
            assertEquals(0, dashboard(op[0], "hour").get("totals").get("accepted").asInt(), "the hour reads the ring");
            String[] alice = login("alice", "alice-password");
            var hers = dashboard(alice[0], "day");
            assertEquals(1, hers.get("refused").get(bucket).asInt(), hers.toString());
            assertEquals(1, hers.get("totals").get("accepted").asInt(), hers.toString());
        }
    }

    @Test
    void greylistAndRateLimitListsAreTablesWithARowAction() throws Exception {
        String[] op = login("op", "op-password");
        String grey = get("/greylist?action=list&kind=all&match=", op[0]).body();
        assertTrue(grey.contains("<table id=\"admin-table\">"), grey);
        assertTrue(grey.contains("<th>kind</th><th>key</th><th>first-seen</th>"), grey);
        assertTrue(grey.contains("<td>client</td><td>192.0.2.0</td>"), grey);
        assertTrue(grey.contains("<input type=\"hidden\" name=\"key\" value=\"192.0.2.0\"><button type=\"submit\" name=\"action\" value=\"delete\">"), grey);
        assertTrue(grey.contains("id=\"admin-summary\">2 entries (memory)<"), grey);
        assertFalse(grey.contains("<img src=x"), "a sender from mail is text: " + grey);
        assertTrue(grey.contains("&lt;img src=x onerror=alert(2)&gt;"), grey);
        assertFalse(grey.contains("id=\"admin-output\""), grey);
        String rate = get("/ratelimit?action=list", op[0]).body();
        assertTrue(rate.contains("<td>per-client/100/3600s/100:192.0.2.7</td><td>99</td>"), rate);
        assertTrue(rate.contains("value=\"reset\">Reset</button>"), rate);
        // the row's button posts with the CSRF token; without it, refused
        assertEquals(403, post("/greylist", op[0], Map.of("action", "delete", "key", "192.0.2.0")).statusCode());
        String deleted = post("/greylist", op[0], Map.of("_csrf", op[1], "action", "delete", "key", "192.0.2.0")).body();
        assertTrue(deleted.contains("id=\"admin-output\">delete [192.0.2.0]"), deleted);
        // text that is no table stays text
        assertEquals(null, AdminPages.table("allowed 192.0.2.0 until 2027-01-11T03:00:00Z\n"));
        assertEquals(null, AdminPages.table("a\tb\nonly-one-cell\n1 entries\n"));
    }
}
