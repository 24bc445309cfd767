// The spam check with a real rspamd (Debian's 3.4, private instance, Bayes on a private Redis; see
// RspamdInstance for its settings): GTUBE refused with the exact reply lines at the SMTP door and at
// the milter door (a real Postfix as the milter client) and never delivered; a clean message
// delivered with rspamd-style headers; per-domain settings changing the verdict (mxfront's own
// thresholds, and rspamd's Settings-ID); rspamd's greylist action as 451 4.7.1; the seed's 551
// shape; a recipient's safe entry (the policy store) lifting the refusal for that recipient only; learning through `mxfront spam learn` seen in rspamd's /stat; rspamd killed: accepted and
// counted, or 451 4.3.0 XM-RJCT66 with on-failure: tempfail. rspamd starts once for the class.
package org.mxfront.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.mxfront.content.Corpus;
import org.mxfront.spam.RspamdClient;

@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SpamRspamdIT {
    static final String GTUBE = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X";

    @RegisterExtension
    static final SinkFixture sink = new SinkFixture();
    @RegisterExtension
    static final RedisFixture redis = new RedisFixture();
    @RegisterExtension
    static final RspamdFixture rspamd = new RspamdFixture(redis);
    @RegisterExtension
    static final MxfrontFixture mx = MxfrontFixture.relayingTo(sink).with(() -> yaml(rspamd.url(), "accept", ""), rspamd);

    @TempDir
    Path tmp;

    /**
     * The spam check on rspamd, and per domain: example.net with mxfront's own thresholds (reject at
     * 20, rewrite the subject from 6: GTUBE's 15 only flags), example.org with rspamd's Settings-ID "strict" (reject at 2),
     * example.info with "grey" (greylist at 1).
     */
    static String yaml(String url, String onFailure, String extra) {
        return """
                checks:
                  relay: {}
                  message-size: {}
                  spam:
                    rspamd: {url: "%s"}
                    connect-timeout: 2s
                    timeout: 10s
                    on-failure: %s
                %s
                domains:
                  example.com: {}
                  example.net:
                    checks:
                      spam: {thresholds: {reject: 20, rewrite-subject: 6}}
                  example.org:
                    checks:
                      spam: {rspamd: {settings-id: strict}}
                  example.info:
                    checks:
                      spam: {rspamd: {settings-id: grey}}
                """.formatted(url, onFailure, extra.indent(4).stripTrailing());
    }

    /** One message from 127.0.0.2 to the recipient; the reply to the final dot. */
    static List<String> send(Mxfront m, String rcpt, byte[] message) throws Exception {
        try (SmtpClient c = FrontDoorIT.hello(m, "127.0.0.2", "client.sender.example")) {
            assertEquals(List.of("250 2.1.0 Ok"), c.command("MAIL FROM:<alice@sender.example>"));
            assertEquals(List.of("250 2.1.5 Ok"), c.command("RCPT TO:<" + rcpt + ">"));
            assertEquals(List.of("354 End data with <CR><LF>.<CR><LF>"), c.command("DATA"));
            c.sendRaw(Corpus.smtpData(message));
            return c.reply();
        }
    }

    static byte[] gtube(String subject) {
        return Corpus.plain(subject, "This is the GTUBE, the Generic Test for Unsolicited Bulk Email\r\n\r\n" + GTUBE);
    }

    static byte[] clean(String subject) {
        return Corpus.plain(subject, "Hi Bob,\r\n\r\nthe minutes of Tuesday's meeting are below; the budget review moves to"
                + " Thursday at ten, in the small room on the second floor.\r\n\r\nAlice");
    }

    double counted(String action) {
        var c = mx.get().registry.find("mxfront.spam.results").tag("backend", "rspamd").tag("action", action).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    @Order(1)
    void gtubeIsRefusedAtTheSmtpDoorAndNeverDelivered() throws Exception {
        double before = counted("reject");
        assertEquals(List.of("550-5.7.1 XM-RJCT84: Message classified as spam (score 15.0 / 15).", "550 5.7.1 [127.0.0.2] [mx.test]"),
                send(mx.get(), "bob@example.com", gtube("rspamd gtube")));
        assertEquals(before + 1, counted("reject"));
        assertTrue(send(mx.get(), "bob@example.com", clean("rspamd after gtube")).get(0).startsWith("250 2.0.0 Ok"));
        sink.awaitMessageContaining("Subject: rspamd after gtube\n");
        assertFalse(sink.messages().stream().anyMatch(d -> d.contains("Subject: rspamd gtube\n")), "GTUBE reached the downstream");
    }

    @Test
    @Order(2)
    void aCleanMessageIsDeliveredWithRspamdsHeaders() throws Exception {
        assertTrue(send(mx.get(), "bob@example.com", clean("rspamd clean")).get(0).startsWith("250 2.0.0 Ok"));
        String dump = sink.awaitMessageContaining("Subject: rspamd clean\n");
        String body = SmtpSink.body(dump);
        assertTrue(body.matches("(?s)X-Spamd-Result: default: False \\[-?\\d+\\.\\d\\d / 15\\.00\\];\n\t.*"), body);
        assertTrue(body.matches("(?s).*\nX-Spam-Status: No, score=-?\\d+\\.\\d\\d\nX-Rspamd-Action: no action\nReceived: .*"), body);
        assertFalse(body.contains("X-Spam: Yes"));
        // the message itself follows unchanged
        assertTrue(body.endsWith(new String(clean("rspamd clean"), StandardCharsets.UTF_8).replace("\r\n", "\n")));
    }

    @Test
    @Order(3)
    void mxfrontsOwnThresholdForADomainTurnsTheRefusalIntoARewrittenSubject() throws Exception {
        assertTrue(send(mx.get(), "bob@example.net", gtube("rspamd gtube example.net")).get(0).startsWith("250 2.0.0 Ok"));
        String body = SmtpSink.body(sink.awaitMessageContaining("Subject: ***SPAM*** rspamd gtube example.net\n"));
        assertTrue(body.startsWith("X-Spamd-Result: default: True [15.00 / 20.00];\n\tGTUBE(0.00)[]\nX-Spam-Status: Yes, score=15.00\n"
                + "X-Rspamd-Action: rewrite subject\nX-Spam: Yes\n"), body);
        // the subject is rewritten in place: one Subject field, where it was
        assertEquals(1, body.split("\nSubject: ", -1).length - 1, body);
        assertTrue(body.contains("\nTo: bob@example.com\nSubject: ***SPAM*** rspamd gtube example.net\nDate: "), body);
    }

    @Test
    @Order(4)
    void rspamdsSettingsIdForADomainChangesItsVerdict() throws Exception {
        // "strict" rejects at 2: the clean message that passes for example.com is refused for example.org
        List<String> r = send(mx.get(), "bob@example.org", clean("rspamd strict"));
        assertEquals(2, r.size(), r.toString());
        assertTrue(r.get(0).matches("550-5\\.7\\.1 XM-RJCT84: Message classified as spam \\(score \\d+\\.\\d / 2\\)\\."), r.toString());
        assertEquals("550 5.7.1 [127.0.0.2] [mx.test]", r.get(1));
        // "grey" greylists at 1: 451 4.7.1
        List<String> g = send(mx.get(), "bob@example.info", clean("rspamd grey"));
        assertTrue(g.get(0).matches("451-4\\.7\\.1 XM-RJCT85: Message deferred as possible spam \\(score \\d+\\.\\d\\), please try again later\\."),
                g.toString());
        assertEquals("451 4.7.1 [127.0.0.2] [mx.test]", g.get(1));
    }

    @Test
    @Order(5)
    void replyCode551AsSeed003() throws Exception {
        try (Mxfront m = Mxfront.start(sink.port(), yaml(rspamd.url(), "accept", "").replace("on-failure: accept",
                "on-failure: accept\n    reply-code: 551"))) {
            assertEquals(List.of("551-5.7.1 XM-RJCT84: Message classified as spam (score 15.0 / 15).", "551 5.7.1 [127.0.0.2] [mx.test]"),
                    send(m, "bob@example.com", gtube("rspamd 551")));
        }
    }

    @Test
    @Order(6)
    void gtubeIsRefusedAtTheMilterDoorByARealPostfix() throws Exception {
        Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        org.junit.jupiter.api.Assumptions.assumeTrue(PostfixInstance.available(), "needs root and Debian's postfix package");
        String milter = """
                smtp: {enabled: false}
                milter: {enabled: true, listen: "127.0.0.1:0"}
                """ + yaml(rspamd.url(), "accept", "");
        try (Mxfront m = Mxfront.start(sink.port(), milter);
                PostfixInstance postfix = PostfixInstance.start(tmp, sink.port(), List.of("smtpd_milters=inet:127.0.0.1:"
                        + m.daemon.milterPort(), "milter_default_action=tempfail", "milter_protocol=6", "mynetworks=127.0.0.1/32",
                        "relay_domains=example.com,example.net", "transport_maps=inline:{example.com=smtp:[127.0.0.1]:" + sink.port()
                                + ",example.net=smtp:[127.0.0.1]:" + sink.port() + "}"))) {
            List<String> refused = viaPostfix(postfix, "gtube@sender.example", "bob@example.com", gtube("milter gtube"));
            assertEquals(List.of("550-5.7.1 XM-RJCT84: Message classified as spam (score 15.0 / 15).", "550 5.7.1 [127.0.0.4] [mx.test]"),
                    refused);
            List<String> flagged = viaPostfix(postfix, "flagged@sender.example", "bob@example.net", gtube("milter gtube flagged"));
            assertTrue(flagged.get(0).startsWith("250 2.0.0 Ok: queued as "), flagged.toString());
            String f = sink.awaitMessageContaining("Subject: ***SPAM*** milter gtube flagged\n", Duration.ofSeconds(30));
            assertTrue(f.contains("\nX-Rspamd-Action: rewrite subject\nX-Spam: Yes\n"), f);
            assertEquals(1, f.split("\nSubject: ", -1).length - 1, f);
            List<String> ok = viaPostfix(postfix, "clean@sender.example", "bob@example.com", clean("milter clean spam"));
            assertTrue(ok.get(0).startsWith("250 2.0.0 Ok: queued as "), ok.toString());
            String dump = sink.awaitMessageContaining("Subject: milter clean spam\n", Duration.ofSeconds(30));
            assertTrue(dump.contains("\nX-Spamd-Result: default: False ["), dump);
            assertTrue(dump.matches("(?s).*\nX-Spam-Status: No, score=-?\\d+\\.\\d\\d\nX-Rspamd-Action: no action\n.*"), dump);
            assertFalse(sink.messages().stream().anyMatch(d -> d.contains("Subject: milter gtube\n")));
            assertTrue(postfix.maillog().contains("milter-reject: END-OF-MESSAGE"), postfix.maillog());
            assertFalse(postfix.maillog().contains("from=<gtube@sender.example>, size"), "Postfix queued the GTUBE message");
        }
    }

    static List<String> viaPostfix(PostfixInstance postfix, String sender, String rcpt, byte[] message) throws Exception {
        try (SmtpClient c = new SmtpClient("127.0.0.4", postfix.port)) {
            c.timeout(Duration.ofSeconds(30));
            assertTrue(c.reply().get(0).startsWith("220 "));
            List<String> ehlo = c.command("EHLO client.sender.example");
            assertTrue(ehlo.get(ehlo.size() - 1).startsWith("250 "), ehlo.toString());
            assertEquals(List.of("250 2.1.0 Ok"), c.command("MAIL FROM:<" + sender + ">"));
            assertEquals(List.of("250 2.1.5 Ok"), c.command("RCPT TO:<" + rcpt + ">"));
            assertEquals(List.of("354 End data with <CR><LF>.<CR><LF>"), c.command("DATA"));
            c.sendRaw(Corpus.smtpData(message));
            return c.reply();
        }
    }

    @Test
    @Order(7)
    void learningThroughTheControllerChangesRspamdsBayesCounts() throws Exception {
        Path password = tmp.resolve("rspamd-password");
        Files.writeString(password, RspamdInstance.PASSWORD + "\n");
        Path config = tmp.resolve("mxfront.yml");
        Files.writeString(config, Mxfront.merge(Mxfront.base(sink.port()), yaml(rspamd.url(), "accept", "")
                .replace("rspamd: {url: \"" + rspamd.url() + "\"}", "rspamd: {url: \"" + rspamd.url() + "\", controller: \""
                        + rspamd.controllerUrl() + "\", password-file: \"" + password + "\"}")));
        List<Path> spam = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Path f = tmp.resolve("spam" + i + ".eml");
            Files.write(f, Corpus.plain("cheap pills " + i, ("Buy cheap pills now, limited offer number " + i + ", best prices"
                    + " guaranteed, click the link below to claim your discount before midnight, free shipping worldwide. ").repeat(3)));
            spam.add(f);
        }
        RspamdClient admin = new RspamdClient(URI.create(rspamd.url()), URI.create(rspamd.controllerUrl()), RspamdInstance.PASSWORD,
                Duration.ofSeconds(2), Duration.ofSeconds(10));
        long before = bayesSpamLearns(admin.stat());
        long inRedis = redisLearnsSpam();
        List<String> args = new ArrayList<>(List.of("spam", "learn", "--spam", "-c", config.toString()));
        spam.forEach(p -> args.add(p.toString()));
        assertEquals(0, new picocli.CommandLine(new org.mxfront.Main()).execute(args.toArray(String[]::new)));
        assertEquals(before + 2, bayesSpamLearns(admin.stat()), admin.stat().toString());
        assertEquals(inRedis + 2, redisLearnsSpam(), "the Bayes classifier's count in Redis");
        // a wrong password is refused by rspamd, and the command says so
        Files.writeString(password, "wrong\n");
        assertEquals(1, new picocli.CommandLine(new org.mxfront.Main()).execute("spam", "learn", "--ham", "-c", config.toString(),
                spam.get(0).toString()));
        assertEquals(before + 2, bayesSpamLearns(admin.stat()));
        admin.close();
    }

    /** The Bayes classifier's own count of spam learned, in Redis (new schema: hash RS, field learns_spam). */
    static long redisLearnsSpam() throws Exception {
        Process p = new ProcessBuilder("redis-cli", "-p", Integer.toString(redis.port()), "hget", "RS", "learns_spam")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        p.waitFor();
        return out.isEmpty() ? 0 : Long.parseLong(out);
    }

    /**
     * Messages the Bayes classifier has learned, as the controller's /stat counts them ("learned"; the
     * statfiles' revisions of a Redis backend are refreshed by rspamd in the background, later).
     */
    static long bayesSpamLearns(JsonNode stat) {
        assertTrue(stat.has("learned"), stat.toString());
        return stat.path("learned").asLong();
    }

    @Test
    @Order(8)
    void aRecipientsSafeEntryLiftsTheRefusalForThatRecipientOnly() throws Exception {
        String yaml = yaml(rspamd.url(), "accept", "").replaceFirst("checks:\n", "checks:\n  policy-lists: {}\n")
                + "policy-store: { enabled: true }\nstate-directory: " + tmp.resolve("state") + "\n";
        try (Mxfront m = Mxfront.start(sink.port(), yaml)) {
            org.mxfront.store.PolicyStoreService store =
                    ((org.mxfront.config.StoreDomains) m.daemon.config().engine().directory()).service();
            store.store().addEntry("it", new org.mxfront.store.ListEntry(0, org.mxfront.store.ListEntry.Scope.USER, "bob@example.com",
                    org.mxfront.store.ListEntry.Action.SAFE, org.mxfront.store.ListEntry.Kind.SENDER,
                    org.mxfront.store.EntryValues.address("value", "alice@sender.example"), null, null, null, null));
            Ports.await(() -> store.current().entries().size() == 1, Duration.ofSeconds(10), "the safe entry in the snapshot");
            assertTrue(send(m, "bob@example.com", gtube("rspamd safelisted")).get(0).startsWith("250 2.0.0 Ok"));
            String body = SmtpSink.body(sink.awaitMessageContaining("Subject: rspamd safelisted\n"));
            assertTrue(body.startsWith("X-Spamd-Result: default: True [15.00 / 15.00];\n\tGTUBE(0.00)[]\nX-Spam-Status: Yes, score=15.00\n"
                    + "X-Rspamd-Action: reject\nX-Spam: Yes\n"), body);
            assertEquals(List.of("550-5.7.1 XM-RJCT84: Message classified as spam (score 15.0 / 15).", "550 5.7.1 [127.0.0.2] [mx.test]"),
                    send(m, "carol@example.com", gtube("rspamd not safelisted")));
        }
        assertFalse(sink.messages().stream().anyMatch(d -> d.contains("Subject: rspamd not safelisted\n")));
    }

    @Test
    @Order(9)
    void rspamdOnItsUnixSocketsGivesTheSameVerdictsAndLearns() throws Exception {
        // the check on the normal worker's socket: the same refusal, the same headers
        try (Mxfront m = Mxfront.start(sink.port(), yaml(rspamd.get().socketUrl(), "accept", ""))) {
            assertEquals(List.of("550-5.7.1 XM-RJCT84: Message classified as spam (score 15.0 / 15).", "550 5.7.1 [127.0.0.2] [mx.test]"),
                    send(m, "bob@example.com", gtube("rspamd unix gtube")));
            assertTrue(send(m, "bob@example.com", clean("rspamd unix clean")).get(0).startsWith("250 2.0.0 Ok"));
        }
        String body = SmtpSink.body(sink.awaitMessageContaining("Subject: rspamd unix clean\n"));
        assertTrue(body.matches("(?s).*\nX-Spam-Status: No, score=-?\\d+\\.\\d\\d\nX-Rspamd-Action: no action\nReceived: .*"), body);
        assertFalse(sink.messages().stream().anyMatch(d -> d.contains("Subject: rspamd unix gtube\n")), "GTUBE reached the downstream");
        // learning on the controller's socket: rspamd's learned count rises by one
        try (RspamdClient admin = new RspamdClient(URI.create(rspamd.get().socketUrl()), URI.create(rspamd.get().controllerSocketUrl()),
                RspamdInstance.PASSWORD, Duration.ofSeconds(2), Duration.ofSeconds(20))) {
            long before = bayesSpamLearns(admin.stat());
            admin.learn(true, Corpus.plain("cheap pills by socket", ("Buy cheap pills now over the socket, limited offer, best"
                    + " prices guaranteed, click the link below to claim your discount before midnight, free shipping. ").repeat(3)));
            assertEquals(before + 1, bayesSpamLearns(admin.stat()), admin.stat().toString());
        }
    }

    @Test
    @Order(100)
    void rspamdKilledIsAcceptedAndCountedOrATempfailAsConfigured() throws Exception {
        rspamd.get().kill();
        double before = counted("failed");
        assertTrue(send(mx.get(), "bob@example.com", gtube("rspamd down accepted")).get(0).startsWith("250 2.0.0 Ok"));
        sink.awaitMessageContaining("Subject: rspamd down accepted\n");
        assertEquals(before + 1, counted("failed"));
        try (Mxfront m = Mxfront.start(sink.port(), yaml(rspamd.url(), "tempfail", ""))) {
            assertEquals(List.of("451-4.3.0 XM-RJCT66: Message could not be scanned now, please try again later.",
                    "451 4.3.0 [127.0.0.2] [mx.test]"), send(m, "bob@example.com", clean("rspamd down deferred")));
        }
        assertFalse(sink.messages().stream().anyMatch(d -> d.contains("Subject: rspamd down deferred\n")));
    }
}
