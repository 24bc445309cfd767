// Two mxfront daemons on one real PostgreSQL 15: a domain and list entries added through the API of
// the first are applied by the second within 2 s, with the exact reply lines at its SMTP door, at its
// policy door (through a private Postfix with check_policy_service) and at its milter door (through a
// private Postfix with smtpd_milters); a recipient's safe entry lifts an SBL listing but not a PBL
// one (rbldnsd, the shipped rule: PBL answers are safelist-exempt); PostgreSQL stopped: mail keeps
// flowing on the data held and the outage is counted; the second daemon restarted while PostgreSQL
// is down serves from its snapshot file; PostgreSQL back: the next change is applied.
package org.mxfront.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mxfront.config.StoreDomains;
import org.mxfront.store.PolicyStore;
import org.mxfront.store.PolicyStoreService;
import org.mxfront.store.Tokens;

class PolicyStoreDoorsIT {
    @TempDir
    static Path tmp;
    static PostgresServer pg;
    static SmtpSink sink;
    static Rbldnsd rbl;
    static Mxfront a;
    static Mxfront b;
    static PostfixInstance viaPolicy;
    static PostfixInstance viaMilter;
    static int policyPort;
    static int milterPort;
    static String token;

    static String yaml(String name, String doors) {
        return """
                state-directory: %s
                dns: { resolvers: ["127.0.0.1:%d"] }
                domains: { example.com: {} }
                policy-store: { enabled: true, url: "postgresql://127.0.0.1:%d/postgres", user: mx, connect-timeout: 1s }
                %s
                checks:
                  helo: {}
                %s  relay: {}
                  policy-lists: {}
                """.formatted(tmp.resolve(name), rbl.port, pg.port, doors,
                DoorYaml.zenDnsbl("{ addresses: [127.0.0.10-127.0.0.11], code: pbl-listed, safelist-exempt: true }"));
    }

    static String doorsOfB() {
        return "policy-server: {enabled: true, listen: \"127.0.0.1:%d\"}\nmilter: {enabled: true, listen: \"127.0.0.1:%d\"}"
                .formatted(policyPort, milterPort);
    }

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(PostgresServer.available(), "needs PostgreSQL 15 (.ci/test installs postgresql)");
        assumeTrue(PostfixInstance.available(), "needs root and Postfix");
        pg = PostgresServer.start(tmp);
        sink = SmtpSink.start(tmp);
        rbl = Rbldnsd.start(tmp, Map.of("sbl", ":127.0.0.2:Listed in the test SBL\n127.0.0.2\n127.0.0.3\n",
                "pbl", ":127.0.0.10:Listed in the test PBL\n127.0.0.7\n"),
                List.of("zen.test:ip4set:sbl", "zen.test:ip4set:pbl"), "2.0.0.127.zen.test");
        policyPort = Ports.free();
        milterPort = Ports.free();
        a = Mxfront.start(sink.port, yaml("a", ""));
        b = Mxfront.start(sink.port, yaml("b", doorsOfB()));
        List<String> relay = List.of("relay_domains=example.com,hosted.example",
                "transport_maps=inline:{example.com=smtp:[127.0.0.1]:" + sink.port + ",hosted.example=smtp:[127.0.0.1]:" + sink.port + "}");
        List<String> p1 = new ArrayList<>(PolicyDoorIT.mainCf(policyPort));
        p1.addAll(relay);
        viaPolicy = PostfixInstance.start(Files.createDirectories(tmp.resolve("p1")), sink.port, p1);
        List<String> p2 = new ArrayList<>(MilterDoorIT.milterLines(milterPort));
        p2.addAll(List.of("mynetworks=127.0.0.1/32"));
        p2.addAll(relay);
        viaMilter = PostfixInstance.start(Files.createDirectories(tmp.resolve("p2")), sink.port, p2);
        // an operator's token, made as `mxfront admin` makes it
        PolicyStore store = service(a).store();
        store.putUser("it", new PolicyStore.User("ops", "operator", List.of(), null, null));
        Tokens.New t = Tokens.create();
        store.addToken("it", new PolicyStore.Token(t.id(), "ops", t.hash(), Instant.now(), null));
        token = t.token();
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {viaMilter, viaPolicy, b, a, rbl, sink, pg}) {
            try {
                if (c != null) c.close();
            } catch (Exception e) {
                System.out.println("closing " + c + ": " + e);
            }
        }
    }

    static PolicyStoreService service(Mxfront m) {
        return ((StoreDomains) m.daemon.config().engine().directory()).service();
    }

    static HttpResponse<String> api(String method, String path, String json) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + a.httpPort() + path))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json)).build();
        return HttpClient.newHttpClient().send(r, HttpResponse.BodyHandlers.ofString());
    }

    /** RCPT at a door: the reply lines. */
    static List<String> rcpt(int port, String source, String sender, String recipient) throws Exception {
        try (SmtpClient c = new SmtpClient(source, port)) {
            c.timeout(java.time.Duration.ofSeconds(20));
            assertTrue(c.reply().get(0).startsWith("220 "));
            List<String> ehlo = c.command("EHLO client.sender.example");
            assertTrue(ehlo.get(ehlo.size() - 1).startsWith("250 "), ehlo.toString());
            assertEquals("250 2.1.0 Ok", c.command("MAIL FROM:<" + sender + ">").get(0));
            return c.command("RCPT TO:<" + recipient + ">");
        }
    }

    static List<String> smtp(Mxfront m, String source, String sender, String recipient) throws Exception {
        return rcpt(m.port(), source, sender, recipient);
    }

    /** Milliseconds until {@code reply} gives {@code want} (fails after 10 s). */
    static long until(Supplier<List<String>> reply, List<String> want) throws Exception {
        long t0 = System.nanoTime();
        List<String> got = null;
        while (System.nanoTime() - t0 < 10_000_000_000L) {
            got = reply.get();
            if (got.equals(want)) return (System.nanoTime() - t0) / 1_000_000;
            Thread.sleep(50);
        }
        throw new AssertionError("still " + got + ", want " + want);
    }

    /** Milliseconds from t0 until the condition holds on the other host (fails after 10 s). */
    static long applied(java.util.function.BooleanSupplier done, long t0) throws InterruptedException {
        while (!done.getAsBoolean()) {
            if (System.nanoTime() - t0 > 10_000_000_000L) throw new AssertionError("not applied within 10 s");
            Thread.sleep(5);
        }
        return (System.nanoTime() - t0) / 1_000_000;
    }

    static Supplier<List<String>> smtpOf(Mxfront m, String source, String sender, String recipient) {
        return () -> {
            try {
                return smtp(m, source, sender, recipient);
            } catch (Exception e) {
                return List.of(e.toString());
            }
        };
    }

    static List<String> refusal(String code, String text, String ip) {
        return List.of("550-5.7.1 " + code + ": " + text, "550 5.7.1 [" + ip + "] [mx.test]");
    }

    static String viaPostfixPolicy(String recipient, String code, String text, String ip) {
        return "550 5.7.1 <" + recipient + ">: Recipient address rejected: " + code + ": " + text + " [" + ip + "] [mx.test]";
    }

    @Test
    void changesThroughOneHostsApiApplyOnTheOtherAtEveryDoor() throws Exception {
        // 1. a domain added through A's API becomes local on B
        assertEquals(refusal("XM-RJCT06", "Unauthorized relay attempt", "127.0.0.5"),
                smtp(b, "127.0.0.5", "alice@example.org", "bob@hosted.example"));
        assertEquals(201, api("POST", "/api/v1/domains", "{\"name\": \"hosted.example\"}").statusCode());
        long t0 = System.nanoTime(); // committed when the API answers: from here on B may read it
        long domainMs = applied(() -> b.daemon.config().engine().isLocalDomain("hosted.example"), t0);
        until(smtpOf(b, "127.0.0.5", "alice@example.org", "bob@hosted.example"), List.of("250 2.1.5 Ok"));
        System.out.println("domain added on A, local on B after " + domainMs + " ms");
        assertTrue(domainMs < 2000, domainMs + " ms");

        // 2. a user-level block added through A's API, at B's three doors
        assertEquals(201, api("POST", "/api/v1/entries", "{\"scope\": \"user\", \"key\": \"bob@hosted.example\", "
                + "\"action\": \"block\", \"kind\": \"sender\", \"value\": \"spam@example.net\"}").statusCode());
        t0 = System.nanoTime();
        String text83 = "Sender <spam@example.net> is blocklisted by the recipient <bob@hosted.example>.";
        long entryMs = applied(() -> service(b).current().entries().size() == 1, t0);
        until(smtpOf(b, "127.0.0.5", "spam@example.net", "bob@hosted.example"), refusal("XM-RJCT83", text83, "127.0.0.5"));
        System.out.println("entry added on A, applied on B after " + entryMs + " ms");
        assertTrue(entryMs < 2000, entryMs + " ms");
        assertEquals(List.of(viaPostfixPolicy("bob@hosted.example", "XM-RJCT83", text83, "127.0.0.5")),
                rcpt(viaPolicy.port, "127.0.0.5", "spam@example.net", "bob@hosted.example"));
        assertEquals(refusal("XM-RJCT83", text83, "127.0.0.5"), rcpt(viaMilter.port, "127.0.0.5", "spam@example.net", "bob@hosted.example"));
        // the same sender to another recipient: accepted at every door
        assertEquals(List.of("250 2.1.5 Ok"), smtp(b, "127.0.0.5", "spam@example.net", "carol@hosted.example"));
        assertEquals(List.of("250 2.1.5 Ok"), rcpt(viaPolicy.port, "127.0.0.5", "spam@example.net", "carol@hosted.example"));
        assertEquals(List.of("250 2.1.5 Ok"), rcpt(viaMilter.port, "127.0.0.5", "spam@example.net", "carol@hosted.example"));

        // 3. a user's safe entry lifts the SBL listing for that user, never the PBL one (seed 002)
        String sbl = "IP address 127.0.0.3 is listed in the Spamhaus SBL.";
        String pbl = "IP address 127.0.0.7 is listed in the Spamhaus PBL.";
        assertEquals(refusal("XM-RJCT04", sbl, "127.0.0.3"), smtp(b, "127.0.0.3", "alice@example.org", "bob@hosted.example"));
        assertEquals(201, api("POST", "/api/v1/entries", "{\"scope\": \"user\", \"key\": \"bob@hosted.example\", "
                + "\"action\": \"safe\", \"kind\": \"sender-domain\", \"value\": \"example.org\"}").statusCode());
        until(smtpOf(b, "127.0.0.3", "alice@example.org", "bob@hosted.example"), List.of("250 2.1.5 Ok"));
        assertEquals(List.of("250 2.1.5 Ok"), rcpt(viaPolicy.port, "127.0.0.3", "alice@example.org", "bob@hosted.example"));
        assertEquals(List.of("250 2.1.5 Ok"), rcpt(viaMilter.port, "127.0.0.3", "alice@example.org", "bob@hosted.example"));
        assertEquals(refusal("XM-RJCT04", sbl, "127.0.0.3"), smtp(b, "127.0.0.3", "alice@example.org", "carol@hosted.example"));
        assertEquals(List.of(viaPostfixPolicy("carol@hosted.example", "XM-RJCT04", sbl, "127.0.0.3")),
                rcpt(viaPolicy.port, "127.0.0.3", "alice@example.org", "carol@hosted.example"));
        assertEquals(refusal("XM-RJCT19", pbl, "127.0.0.7"), smtp(b, "127.0.0.7", "alice@example.org", "bob@hosted.example"));
        assertEquals(List.of(viaPostfixPolicy("bob@hosted.example", "XM-RJCT19", pbl, "127.0.0.7")),
                rcpt(viaPolicy.port, "127.0.0.7", "alice@example.org", "bob@hosted.example"));
        assertEquals(refusal("XM-RJCT19", pbl, "127.0.0.7"), rcpt(viaMilter.port, "127.0.0.7", "alice@example.org", "bob@hosted.example"));

        // 4. PostgreSQL stops: mail keeps flowing on the data held; the outage is counted once
        pg.stop();
        Thread.sleep(3000);
        assertEquals(refusal("XM-RJCT83", text83, "127.0.0.5"), smtp(b, "127.0.0.5", "spam@example.net", "bob@hosted.example"));
        assertEquals(List.of("250 2.1.5 Ok"), smtp(b, "127.0.0.5", "alice@example.org", "bob@hosted.example"));
        assertEquals(List.of("250 2.1.5 Ok"), rcpt(viaPolicy.port, "127.0.0.5", "alice@example.org", "bob@hosted.example"));
        assertTrue(b.registry.scrape().contains("mxfront_policy_store_outages_total 1.0"), "outage counted on B");
        assertTrue(b.registry.scrape().contains("mxfront_policy_store_up 0.0"));
        HttpResponse<String> down = api("POST", "/api/v1/entries", "{\"scope\": \"operator\", \"action\": \"block\", "
                + "\"kind\": \"ip\", \"value\": \"192.0.2.1\"}");
        assertEquals(503, down.statusCode(), down.body());

        // 5. B restarted while PostgreSQL is down: it serves from its snapshot file
        b.close();
        b = Mxfront.start(sink.port, yaml("b", doorsOfB()));
        assertEquals(refusal("XM-RJCT83", text83, "127.0.0.5"), smtp(b, "127.0.0.5", "spam@example.net", "bob@hosted.example"));
        assertEquals(List.of("250 2.1.5 Ok"), smtp(b, "127.0.0.3", "alice@example.org", "bob@hosted.example"));
        assertEquals(List.of(viaPostfixPolicy("bob@hosted.example", "XM-RJCT83", text83, "127.0.0.5")),
                rcpt(viaPolicy.port, "127.0.0.5", "spam@example.net", "bob@hosted.example"));

        // 6. PostgreSQL back: the next change made through A is applied on B
        pg.startAgain();
        long t1 = System.nanoTime();
        HttpResponse<String> r;
        do {
            Thread.sleep(200);
            r = api("POST", "/api/v1/entries", "{\"scope\": \"domain\", \"key\": \"hosted.example\", \"action\": \"block\", "
                    + "\"kind\": \"sender-domain\", \"value\": \".example.com\"}");
        } while (r.statusCode() == 503 && System.nanoTime() - t1 < 15_000_000_000L);
        assertEquals(201, r.statusCode(), r.body());
        String text82 = "Sender <x@mail.example.com> is blocklisted by the domain hosted.example.";
        until(smtpOf(b, "127.0.0.5", "x@mail.example.com", "dave@hosted.example"), refusal("XM-RJCT82", text82, "127.0.0.5"));
        assertEquals(List.of(viaPostfixPolicy("dave@hosted.example", "XM-RJCT82", text82, "127.0.0.5")),
                rcpt(viaPolicy.port, "127.0.0.5", "x@mail.example.com", "dave@hosted.example"));
        assertEquals(refusal("XM-RJCT82", text82, "127.0.0.5"), rcpt(viaMilter.port, "127.0.0.5", "x@mail.example.com", "dave@hosted.example"));
        assertTrue(b.registry.scrape().contains("mxfront_policy_store_up 1.0"));
    }
}
