// Learning through the API and the console with a real rspamd (RspamdFixture: Bayes on a private
// Redis, the controller asking every client for its password): an operator's POST
// /api/v1/spam/learn and the console's Report spam form each raise the learned count of rspamd's
// controller (/stat); a second report of the same message changes nothing; and everything that
// must not teach it does not: no token (401), a domain admin's or a user's token (403), a body over
// the spam check's max-bytes (413), a wrong controller password (502), a console POST without the
// CSRF token (403), a domain admin on the console page (404, no navigation link), rspamd killed (503).
// The trace's session page says that no message body is kept instead of offering a button.
package org.mxfront.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mxfront.config.StoreDomains;
import org.mxfront.console.ConsoleForms;
import org.mxfront.content.Corpus;
import org.mxfront.spam.RspamdClient;
import org.mxfront.store.PolicyStore;
import org.mxfront.store.Tokens;

@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SpamLearnIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final int MAX_BYTES = 100_000;

    static final RspamdFixture rspamd = new RspamdFixture(); // Bayes on a Redis of its own; started by mx
    @RegisterExtension
    static final MxfrontFixture mx = MxfrontFixture.relayingToNewSink().with(() -> yaml(rspamd), rspamd);

    /** The file rspamd.password-file names (read at each learning request). */
    static Path password;
    static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5)).build();

    /** The spam check on that rspamd with its controller's password, the embedded policy store (tokens), the console (three roles). */
    static String yaml(RspamdFixture rspamd) {
        try {
            Path dir = Files.createTempDirectory("mxfront-spamlearn-it");
            password = dir.resolve("rspamd-password");
            Files.writeString(password, RspamdInstance.PASSWORD + "\n");
            Path users = ConsoleForms.writeUsers(dir.resolve("users"), "bob@example.com");
            return """
                    state-directory: %s
                    policy-store: {enabled: true}
                    domains: {example.com: {}}
                    checks:
                      relay: {}
                      spam:
                        rspamd: {url: "%s", controller: "%s", password-file: "%s"}
                        connect-timeout: 2s
                        timeout: 10s
                        max-bytes: %d
                    console: {enabled: true, listen: 127.0.0.1:0, users-file: %s}
                    """.formatted(dir.resolve("state"), rspamd.url(), rspamd.controllerUrl(), password, MAX_BYTES, users);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static long learned() throws Exception {
        return learned(rspamd);
    }

    /** The learned count of that rspamd's controller (/stat "learned"). */
    static long learned(RspamdFixture rspamd) throws Exception {
        try (RspamdClient admin = new RspamdClient(URI.create(rspamd.url()), URI.create(rspamd.controllerUrl()), RspamdInstance.PASSWORD,
                Duration.ofSeconds(2), Duration.ofSeconds(10))) {
            JsonNode stat = admin.stat();
            assertTrue(stat.has("learned"), stat.toString());
            return stat.path("learned").asLong();
        }
    }

    /**
     * A message of its own words for each n: rspamd learns a message once per class (its Message-ID),
     * and its Bayes learn conditions skip one it already classifies (HTTP 204), so each report needs
     * words Bayes has not seen.
     */
    static byte[] spam(String n) {
        java.util.Random r = new java.util.Random(n.hashCode());
        StringBuilder words = new StringBuilder("Limited offer " + n + ":");
        for (int i = 0; i < 60; i++) {
            words.append(' ');
            for (int k = 0, len = 4 + r.nextInt(6); k < len; k++) words.append((char) ('a' + r.nextInt(26)));
        }
        return Corpus.plain("offer " + n, words.toString());
    }

    static String token(String name, String role, List<String> domains, String address) throws Exception {
        PolicyStore store = ((StoreDomains) mx.get().daemon.config().engine().directory()).service().store();
        store.putUser("it", new PolicyStore.User(name, role, domains, address, null));
        Tokens.New t = Tokens.create();
        store.addToken("it", new PolicyStore.Token(t.id(), name, t.hash(), Instant.now(), null));
        return t.token();
    }

    static HttpResponse<String> learnViaApi(String token, String query, byte[] message) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + mx.get().httpPort() + "/api/v1/spam/learn" + query))
                .header("Content-Type", "message/rfc822").POST(HttpRequest.BodyPublishers.ofByteArray(message));
        if (token != null) b.header("Authorization", "Bearer " + token);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static void assertJsonError(int status, String error, HttpResponse<String> r) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        assertEquals("application/json", r.headers().firstValue("content-type").orElse(""));
        JsonNode j = JSON.readTree(r.body());
        if (error != null) assertEquals(error, j.path("error").asText(), r.body());
        assertFalse(r.body().contains("Exception"), r.body());
    }

    @Test
    @Order(1)
    void anOperatorsReportThroughTheApiIsLearnedByRspamd() throws Exception {
        String op = token("ops", "operator", List.of(), null);
        long before = learned();
        HttpResponse<String> r = learnViaApi(op, "?as=spam", spam("api-1"));
        assertEquals(200, r.statusCode(), r.body());
        JsonNode j = JSON.readTree(r.body());
        assertTrue(j.path("learned").asBoolean(), r.body());
        assertEquals("spam", j.path("as").asText());
        assertEquals("rspamd", j.path("backend").asText());
        assertEquals(before + 1, learned(), "rspamd's /stat learned count");
        System.out.println("learn via API: " + r.statusCode() + " " + r.body());
        // the same message again: rspamd says it knows it; nothing changes, and the answer says so
        HttpResponse<String> again = learnViaApi(op, "?as=spam", spam("api-1"));
        System.out.println("learn again via API: " + again.statusCode() + " " + again.body());
        assertEquals(200, again.statusCode(), again.body());
        assertFalse(JSON.readTree(again.body()).path("learned").asBoolean(), again.body());
        assertEquals("already learned as spam: nothing changed", JSON.readTree(again.body()).path("note").asText());
        // the same words under another Message-ID: rspamd's learn cache knows the content (HTTP 208 again)
        HttpResponse<String> same = learnViaApi(op, "?as=spam", new String(spam("api-1"), StandardCharsets.UTF_8)
                .replace("Message-ID: <", "Message-ID: <other.").getBytes(StandardCharsets.UTF_8));
        System.out.println("learn the same words via API: " + same.statusCode() + " " + same.body());
        assertEquals(200, same.statusCode(), same.body());
        assertFalse(JSON.readTree(same.body()).path("learned").asBoolean(), same.body());
        assertEquals(before + 1, learned());
        // as ham, with a domain's settings (example.com has the default's)
        HttpResponse<String> ham = learnViaApi(op, "?as=ham&domain=example.com", Corpus.plain("minutes",
                "Hi Bob,\r\n\r\nthe minutes of Tuesday's meeting are below; the budget review moves to Thursday at ten.\r\n\r\nAlice"));
        assertEquals(200, ham.statusCode(), ham.body());
        assertEquals(before + 2, learned());
    }

    @Test
    @Order(2)
    void whatMustNotTeachRspamdDoesNot() throws Exception {
        String admin = token("anna", "domain-admin", List.of("example.com"), null);
        String user = token("bob", "user", List.of(), "bob@example.com");
        String op = token("ops2", "operator", List.of(), null);
        long before = learned();
        assertJsonError(401, "a bearer token is required", learnViaApi(null, "?as=spam", spam("no-token")));
        assertJsonError(401, "invalid token", learnViaApi("mxf_AAAAAAAAAAAA_wrongwrongwrong", "?as=spam", spam("bad-token")));
        // a message to the domain admin's own domain is refused too: one Bayes serves every tenant
        for (String t : new String[] {admin, user}) {
            HttpResponse<String> r = learnViaApi(t, "?as=ham", spam("tenant"));
            assertJsonError(403, "operators only: one Bayes filter serves every domain, so only operators teach it", r);
            System.out.println("learn by a non-operator: " + r.statusCode() + " " + r.body());
        }
        HttpResponse<String> big = learnViaApi(op, "?as=spam", Corpus.plain("big", "x".repeat(MAX_BYTES + 1)));
        assertJsonError(413, "larger than the spam check's max-bytes (" + MAX_BYTES + " bytes): it would never be classified", big);
        System.out.println("learn too large: " + big.statusCode() + " " + big.body());
        assertJsonError(400, "missing value (spam or ham)", learnViaApi(op, "", spam("no-as")));
        assertJsonError(400, "not an RFC 5322 message (it does not start with a header field)",
                learnViaApi(op, "?as=spam", "{\"message\": \"hello\"}".getBytes(StandardCharsets.UTF_8)));
        // a wrong controller password: rspamd refuses, and the answer says who refused
        Files.writeString(password, "wrong\n");
        try {
            HttpResponse<String> wrong = learnViaApi(op, "?as=spam", spam("wrong-password"));
            System.out.println("learn with a wrong password: " + wrong.statusCode() + " " + wrong.body());
            assertEquals(502, wrong.statusCode(), wrong.body());
            assertTrue(JSON.readTree(wrong.body()).path("error").asText().startsWith("rspamd did not learn the message: rspamd controller answered HTTP 401"),
                    wrong.body());
        } finally {
            Files.writeString(password, RspamdInstance.PASSWORD + "\n");
        }
        assertEquals(before, learned(), "nothing was learned");
    }

    // ---- the console ---------------------------------------------------------------------------

    static String consoleUrl(String path) {
        return "http://127.0.0.1:" + mx.get().daemon.consolePort() + path;
    }

    static HttpResponse<String> get(String path, String cookie) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(consoleUrl(path)));
        if (cookie != null) b.header("Cookie", cookie);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String hidden(String html, String name) {
        return ConsoleForms.hidden(html, name);
    }

    static String cookie(HttpResponse<?> r, String name) {
        return ConsoleForms.cookie(r, name);
    }

    /** Logs in: the session cookie and the CSRF token of the dashboard. */
    static String[] login(String user, String pw) throws Exception {
        HttpResponse<String> page = get("/login", null);
        String body = "_csrf=" + hidden(page.body(), "_csrf") + "&user=" + URLEncoder.encode(user, StandardCharsets.UTF_8)
                + "&password=" + URLEncoder.encode(pw, StandardCharsets.UTF_8);
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(consoleUrl("/login")))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Cookie", cookie(page, "mxlogin"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(303, r.statusCode(), r.body());
        String session = cookie(r, "mxconsole");
        assertNotNull(session, r.headers().toString());
        return new String[] {session, hidden(get("/", session).body(), "_csrf")};
    }

    /** The Report spam form, as a browser sends it (multipart, the message as a file). */
    static HttpResponse<String> report(String session, String csrf, String as, byte[] message) throws Exception {
        String boundary = "----mxfrontit" + System.nanoTime();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Map.Entry<String, String> f : (csrf == null ? Map.of("as", as) : Map.of("_csrf", csrf, "as", as)).entrySet()) {
            out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + f.getKey() + "\"\r\n\r\n" + f.getValue() + "\r\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
        out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"message\"; filename=\"m.eml\"\r\n"
                + "Content-Type: message/rfc822\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        out.writeBytes(message);
        out.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return HTTP.send(HttpRequest.newBuilder(URI.create(consoleUrl("/spam"))).header("Cookie", session)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(out.toByteArray())).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @Order(3)
    void theConsolesReportFormTeachesRspamdForOperatorsOnly() throws Exception {
        String[] op = login("op", "op-password");
        HttpResponse<String> page = get("/spam", op[0]);
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("id=\"nav-spam\""), "the navigation shows Report spam to operators");
        assertTrue(page.body().contains("rspamd&#39;s controller at " + rspamd.controllerUrl()) || page.body().contains(
                "rspamd's controller at " + rspamd.controllerUrl()), page.body());
        long before = learned();
        // no CSRF token: refused before anything is read
        HttpResponse<String> noCsrf = report(op[0], null, "spam", spam("console-no-csrf"));
        assertEquals(403, noCsrf.statusCode());
        assertEquals("missing or wrong CSRF token: reload the page and try again\n", noCsrf.body());
        assertEquals(before, learned());
        HttpResponse<String> done = report(op[0], op[1], "spam", spam("console-1"));
        assertEquals(200, done.statusCode(), done.body());
        assertTrue(done.body().matches("(?s).*<p class=\"muted\" id=\"spam-done\">Learned as spam by rspamd \\(\\d+ bytes\\)\\.</p>.*"),
                done.body());
        assertEquals(before + 1, learned(), "rspamd's /stat learned count");
        // the message pasted into the text area (LF line ends, as a browser may send them), as not spam
        String pasted = new String(spam("console-pasted"), StandardCharsets.UTF_8).replace("\r\n", "\n");
        HttpResponse<String> ham = HTTP.send(HttpRequest.newBuilder(URI.create(consoleUrl("/spam"))).header("Cookie", op[0])
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString("_csrf=" + op[1]
                        + "&as=ham&message-text=" + URLEncoder.encode(pasted, StandardCharsets.UTF_8))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, ham.statusCode(), ham.body());
        assertTrue(ham.body().contains("id=\"spam-done\">Learned as not spam by rspamd"), ham.body());
        assertEquals(before + 2, learned(), "rspamd's /stat learned count");
        HttpResponse<String> big = report(op[0], op[1], "ham", Corpus.plain("big", "x".repeat(MAX_BYTES + 1)));
        assertEquals(413, big.statusCode());
        assertTrue(big.body().contains("id=\"spam-error\">Not learned: the message is larger than the spam check&#39;s max-bytes (100000 bytes)")
                || big.body().contains("id=\"spam-error\">Not learned: the message is larger than the spam check's max-bytes (100000 bytes)"),
                big.body());
        // a domain admin: no link, and the page and the form are not there (as elsewhere in the console)
        String[] alice = login("alice", "alice-password");
        HttpResponse<String> dash = get("/", alice[0]);
        assertFalse(dash.body().contains("href=\"/spam\""), "no Report spam link for a domain admin");
        assertEquals(404, get("/spam", alice[0]).statusCode());
        assertEquals(404, report(alice[0], alice[1], "ham", spam("console-alice")).statusCode());
        String[] bob = login("bob@example.com", "bob-password");
        assertEquals(404, report(bob[0], bob[1], "ham", spam("console-bob")).statusCode());
        assertEquals(before + 2, learned(), "nothing learned for the domain admin or the user");
    }

    @Test
    @Order(4)
    void theTracesSessionPageSaysNoBodyIsKept() throws Exception {
        try (SmtpClient c = FrontDoorIT.hello(mx.get(), "127.0.0.2", "client.sender.example")) {
            assertEquals(List.of("250 2.1.0 Ok"), c.command("MAIL FROM:<alice@sender.example>"));
            assertEquals(List.of("250 2.1.5 Ok"), c.command("RCPT TO:<bob@example.com>"));
            assertEquals(List.of("354 End data with <CR><LF>.<CR><LF>"), c.command("DATA"));
            c.sendRaw(Corpus.smtpData(Corpus.plain("traced", "Hi Bob, see you on Tuesday.\r\nAlice")));
            assertTrue(c.reply().get(0).startsWith("250 2.0.0 Ok"));
        }
        var feed = mx.get().daemon.config().engine().decisionLog().feed();
        Ports.await(() -> !feed.recent(e -> e.recipients().contains("bob@example.com")).isEmpty(), Duration.ofSeconds(10), "a decision");
        String session = feed.recent(e -> e.recipients().contains("bob@example.com")).get(0).session();
        HttpResponse<String> asOp = get("/trace/session/" + session, login("op", "op-password")[0]);
        assertEquals(200, asOp.statusCode());
        assertTrue(asOp.body().contains("mxfront keeps no message bodies"), asOp.body());
        assertTrue(asOp.body().contains("upload a copy of it on <a href=\"/spam\">Report spam</a>"), asOp.body());
        HttpResponse<String> asAlice = get("/trace/session/" + session, login("alice", "alice-password")[0]);
        assertEquals(200, asAlice.statusCode());
        assertTrue(asAlice.body().contains("only operators teach it"), asAlice.body());
        assertFalse(asAlice.body().contains("href=\"/spam\""), asAlice.body());
    }

    @Test
    @Order(100)
    void rspamdDownIsA503WithAMessage() throws Exception {
        rspamd.get().kill();
        String op = token("ops3", "operator", List.of(), null);
        HttpResponse<String> r = learnViaApi(op, "?as=spam", spam("down"));
        System.out.println("learn with rspamd down: " + r.statusCode() + " " + r.body());
        assertEquals(503, r.statusCode(), r.body());
        assertTrue(JSON.readTree(r.body()).path("error").asText().startsWith("rspamd does not answer: "), r.body());
    }
}
