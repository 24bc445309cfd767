// DKIM end to end: mxfront with the dkim check asking a real NSD on loopback that publishes the key
// records (RSA 2048/1024/512, Ed25519, a revoked key; a missing selector is NXDOMAIN), messages
// signed by Debian's dkimpy with keys made in this test, smtp-sink downstream. Every refusal with
// its exact reply lines and nothing of it reaching the sink; passes and l= arrive; a dead resolver
// gives temperror (451 4.4.3 for a must-be-signed domain); dkimpy's verdict on the same messages
// and records agrees with ours except where RFC 8301 makes us stricter (rsa-sha1).
package org.mxfront.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mxfront.Doors;
import org.mxfront.config.ConfigLoader;
import org.mxfront.config.DaemonConfig;
import org.mxfront.content.Corpus;
import org.mxfront.dkim.Dkimpy;
import org.mxfront.dkim.TestKeys;
import org.mxfront.explain.Explainer;
import org.slf4j.LoggerFactory;

class DkimIT {
    static final TestKeys.Key RSA2048 = TestKeys.rsa(2048);
    static final TestKeys.Key RSA512 = TestKeys.rsa(512);
    static final TestKeys.Key ED25519 = TestKeys.ed25519();
    /** Key records by name, as NSD publishes them (dkimpy's verify gets the same map). */
    static final Map<String, String> RECORDS = records();

    @RegisterExtension
    static final SinkFixture sink = new SinkFixture();
    @RegisterExtension
    static final NsdFixture nsd = new NsdFixture(Map.of("test", zone()));
    @RegisterExtension
    static final MxfrontFixture mx = MxfrontFixture.relayingTo(sink).with(() -> config(nsd.port(), "2s"), nsd);

    static Path dir;
    static Dkimpy dkimpy;
    static DatagramSocket dead;

    static Map<String, String> records() {
        Map<String, String> r = new LinkedHashMap<>();
        r.put("s2048._domainkey.bank.test", RSA2048.record());
        r.put("ed._domainkey.bank.test", ED25519.record());
        r.put("s512._domainkey.bank.test", RSA512.record());
        r.put("revoked._domainkey.bank.test", "v=DKIM1; k=rsa; p=");
        r.put("s2048._domainkey.other.test", RSA2048.record());
        return r;
    }

    /** The test. zone: the key records as TXT, each split into strings of at most 250 characters. */
    static String zone() {
        return Nsd.txtZone(RECORDS);
    }

    static String config(int dnsPort, String timeout) {
        return """
                dns:
                  resolvers: ["127.0.0.1:%d"]
                  timeout: %s
                checks:
                  relay: {}
                  dkim:
                    must-be-signed: [bank.test]
                    lookup-timeout: 3s
                """.formatted(dnsPort, timeout);
    }

    @BeforeAll
    static void tools() throws Exception {
        dir = Files.createTempDirectory("dkim-it");
        dkimpy = new Dkimpy(dir);
        dead = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    @AfterAll
    static void stop() {
        if (dead != null) dead.close();
    }

    static String message(String from, String subject) {
        return "From: " + from + "\r\nTo: bob@example.com\r\nSubject: " + subject + "\r\nMessage-ID: <" + subject.hashCode()
                + "@bank.test>\r\n\r\nYour statement is ready.\r\n\r\nRegards,\r\nThe bank\r\n";
    }

    static byte[] signed(String from, String subject, TestKeys.Key key, String selector, String domain, boolean length)
            throws Exception {
        return dkimpy.sign(message(from, subject).getBytes(StandardCharsets.US_ASCII), key, selector, domain, "relaxed/relaxed",
                length, null);
    }

    static byte[] edit(byte[] m, String from, String to) {
        String s = new String(m, StandardCharsets.ISO_8859_1);
        assertTrue(s.contains(from), from);
        return s.replace(from, to).getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Sends one message from 127.0.0.2; returns the reply to the final dot. */
    static List<String> send(SmtpClient c, byte[] message) throws Exception {
        assertEquals(List.of("250 2.1.0 Ok"), c.command("MAIL FROM:<a@sender.test>"));
        assertEquals(List.of("250 2.1.5 Ok"), c.command("RCPT TO:<bob@example.com>"));
        assertEquals(List.of("354 End data with <CR><LF>.<CR><LF>"), c.command("DATA"));
        c.sendRaw(Corpus.smtpData(message));
        return c.reply();
    }

    /** The reply to one message and the dkim check's log line for it. */
    record Outcome(List<String> reply, String log) {}

    static Outcome deliver(Mxfront m, byte[] message) throws Exception {
        Logger log = (Logger) LoggerFactory.getLogger("org.mxfront.checks.dkim.DkimCheck");
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        log.addAppender(lines);
        List<String> reply;
        try (SmtpClient c = FrontDoorIT.hello(m, "127.0.0.2", "client.sender.test")) {
            c.readTimeout(Duration.ofSeconds(15));
            reply = send(c, message);
        } finally {
            log.detachAppender(lines);
        }
        String line = lines.list.stream().map(ILoggingEvent::getFormattedMessage).filter(l -> l.startsWith("dkim: "))
                .reduce((a, b) -> b).orElse("");
        return new Outcome(reply, line);
    }

    static final List<String> REFUSED = List.of("550-5.7.20 XM-RJCT17: DKIM verification failed for <alice@bank.test>.",
            "550 5.7.20 [127.0.0.2] [mx.test]");

    /** Refused with XM-RJCT17, and the sink never sees it (a message sent after it does arrive). */
    static String refused(byte[] message, String subject) throws Exception {
        Outcome o = deliver(mx.get(), message);
        assertEquals(REFUSED, o.reply(), o.log());
        String marker = "after " + subject;
        Outcome ok = deliver(mx.get(), message("x@plain.test", marker).getBytes(StandardCharsets.US_ASCII));
        assertTrue(ok.reply().get(0).startsWith("250 2.0.0 Ok"), ok.reply().toString());
        sink.awaitMessageContaining("Subject: " + marker + "\n");
        assertFalse(sink.messages().stream().anyMatch(d -> d.contains("Subject: " + subject + "\n")),
                "the refused message reached the downstream");
        return o.log();
    }

    static String accepted(byte[] message, String subject) throws Exception {
        Outcome o = deliver(mx.get(), message);
        assertTrue(o.reply().get(0).startsWith("250 2.0.0 Ok"), o.reply() + " " + o.log());
        String dump = sink.awaitMessageContaining("Subject: " + subject + "\n");
        assertTrue(dump.contains("DKIM-Signature:") || !new String(message, StandardCharsets.ISO_8859_1).contains("DKIM-Signature:"));
        return o.log();
    }

    /** dkimpy's verdict on the same message and the same records NSD publishes. */
    static String theirs(byte[] message) throws Exception {
        return dkimpy.verify(message, RECORDS).get(0);
    }

    @Test
    void rsaAndEd25519SignaturesPass() throws Exception {
        byte[] rsa = signed("Alice <alice@bank.test>", "rsa pass", RSA2048, "s2048", "bank.test", false);
        assertTrue(accepted(rsa, "rsa pass").contains(
                "header.from=<alice@bank.test> dkim=pass d=bank.test s=s2048 a=rsa-sha256 b="), "log");
        assertEquals("pass", theirs(rsa));
        byte[] ed = signed("Alice <alice@bank.test>", "ed pass", ED25519, "ed", "bank.test", false);
        assertTrue(accepted(ed, "ed pass").contains("dkim=pass d=bank.test s=ed a=ed25519-sha256 b="));
        assertEquals("pass", theirs(ed));
    }

    @Test
    void alteredBodyAndAlteredHeaderAreRefusedForAMustBeSignedDomain() throws Exception {
        byte[] body = edit(signed("Alice <alice@bank.test>", "body altered", RSA2048, "s2048", "bank.test", false),
                "statement is ready", "statement is READY");
        assertTrue(refused(body, "body altered").contains("dkim=fail d=bank.test s=s2048 a=rsa-sha256"), "log");
        assertTrue(theirs(body).startsWith("error:ValidationError:body hash mismatch"));
        byte[] header = edit(signed("Alice <alice@bank.test>", "header original", RSA2048, "s2048", "bank.test", false),
                "Subject: header original", "Subject: header altered");
        assertTrue(refused(header, "header altered").endsWith("(signature did not verify)"));
        assertEquals("fail", theirs(header));
    }

    @Test
    void sha1And512BitKeysFailPerRfc8301() throws Exception {
        byte[] sha1 = signed("Alice <alice@bank.test>", "sha1", RSA2048.as("rsa-sha1"), "s2048", "bank.test", false);
        assertTrue(refused(sha1, "sha1").endsWith("a=rsa-sha1 b=" + headerB(sha1) + " (rsa-sha1 is not accepted (RFC 8301))"));
        assertEquals("pass", theirs(sha1), "dkimpy still accepts rsa-sha1: mxfront is stricter on purpose");
        byte[] small = signed("Alice <alice@bank.test>", "small key", RSA512, "s512", "bank.test", false);
        assertTrue(refused(small, "small key").endsWith("(key of 512 bits is under 1024)"));
        assertTrue(theirs(small).startsWith("error:KeyFormatError"));
    }

    @Test
    void revokedAndMissingKeysArePermerrors() throws Exception {
        byte[] revoked = signed("Alice <alice@bank.test>", "revoked", RSA2048, "revoked", "bank.test", false);
        assertTrue(refused(revoked, "revoked").contains("dkim=permerror d=bank.test s=revoked"), "log");
        assertTrue(refused(revoked, "revoked").endsWith("(key revoked (empty p=))"));
        assertFalse(theirs(revoked).equals("pass"));
        byte[] missing = signed("Alice <alice@bank.test>", "missing", RSA2048, "nokey", "bank.test", false);
        assertTrue(refused(missing, "missing").endsWith("dkim=permerror d=bank.test s=nokey a=rsa-sha256 b=" + headerB(missing)
                + " (no key for signature)"));
        assertEquals("fail", theirs(missing));
    }

    @Test
    void lengthLimitedSignatureSurvivesAppendedText() throws Exception {
        byte[] withL = signed("Alice <alice@bank.test>", "with l", RSA2048, "s2048", "bank.test", true);
        byte[] appended = (new String(withL, StandardCharsets.ISO_8859_1) + "-- \r\nSent through a list\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        assertTrue(accepted(appended, "with l").contains("dkim=pass d=bank.test s=s2048"));
        assertEquals("pass", theirs(appended));
        byte[] withoutL = signed("Alice <alice@bank.test>", "without l", RSA2048, "s2048", "bank.test", false);
        byte[] appended2 = (new String(withoutL, StandardCharsets.ISO_8859_1) + "-- \r\nSent through a list\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        assertTrue(refused(appended2, "without l").endsWith("(body hash did not verify)"));
    }

    @Test
    void failuresOfOtherDomainsAreOnlyRecorded() throws Exception {
        byte[] other = edit(signed("Carol <carol@other.test>", "other altered", RSA2048, "s2048", "other.test", false),
                "statement is ready", "statement is READY");
        assertTrue(accepted(other, "other altered").contains("header.from=<carol@other.test> dkim=fail d=other.test"));
        assertTrue(accepted(message("dave@unsigned.test", "unsigned").getBytes(StandardCharsets.US_ASCII), "unsigned")
                .endsWith("dkim=none"));
        // bank.test's mail signed only by a third party: refused.
        byte[] thirdParty = signed("Alice <alice@bank.test>", "third party", RSA2048, "s2048", "other.test", false);
        assertTrue(refused(thirdParty, "third party").contains("dkim=pass d=other.test"));
        double pass = mx.get().registry.get("mxfront.dkim.signatures").tag("outcome", "pass").counter().count();
        assertTrue(pass >= 1, "counted");
    }

    @Test
    void deadResolverGivesTemperrorAndATempfailForAMustBeSignedDomain() throws Exception {
        try (Mxfront m = Mxfront.start(sink.port(), config(dead.getLocalPort(), "1s"))) {
            byte[] bank = signed("Alice <alice@bank.test>", "dead dns bank", RSA2048, "s2048", "bank.test", false);
            Outcome o = deliver(m, bank);
            assertEquals(List.of("451-4.4.3 XM-RJCT55: Temporary DNS failure, please try again later.",
                    "451 4.4.3 [127.0.0.2] [mx.test]"), o.reply(), o.log());
            assertTrue(o.log().contains("dkim=temperror d=bank.test s=s2048"), o.log());
            byte[] other = signed("Carol <carol@other.test>", "dead dns other", RSA2048, "s2048", "other.test", false);
            Outcome o2 = deliver(m, other);
            assertTrue(o2.reply().get(0).startsWith("250 2.0.0 Ok"), o2.reply().toString());
            assertTrue(o2.log().contains("dkim=temperror d=other.test"), o2.log());
        }
        assertFalse(sink.messages().stream().anyMatch(d -> d.contains("Subject: dead dns bank\n")));
    }

    @Test
    void explainShowsEachSignature() throws Exception {
        byte[] twice = signed("Alice <alice@bank.test>", "explained", RSA2048, "s2048", "bank.test", false);
        twice = edit(dkimpy.sign(twice, ED25519, "ed", "bank.test", "relaxed/relaxed", false, null),
                "statement is ready", "statement is READY");
        String yaml = Mxfront.merge(Mxfront.base(sink.port()), config(nsd.port(), "2s"));
        DaemonConfig c = new ConfigLoader(Doors.ALL).parse("it.yml", yaml, org.mxfront.Daemon.newRegistry());
        try (var r = c.resources()) {
            String report = Explainer.explain(c.engine(), new Explainer.Request(InetAddress.getByName("127.0.0.2"),
                    "client.sender.test", "a@sender.test", List.of("bob@example.com"), twice), true);
            String both = "END-OF-MESSAGE dkim               dkim=fail header.d=bank.test header.s=ed header.a=ed25519-sha256 header.b="
                    + headerB(twice) + " (body hash did not verify)\n"
                    + "END-OF-MESSAGE dkim               dkim=fail header.d=bank.test header.s=s2048 header.a=rsa-sha256 header.b=";
            assertTrue(report.contains("END-OF-MESSAGE dkim               refuse: 550 5.7.20 XM-RJCT17:"), report);
            assertTrue(report.contains(both), report);
            assertTrue(report.endsWith("result: refused at END-OF-MESSAGE by dkim:\n"
                    + "  550-5.7.20 XM-RJCT17: DKIM verification failed for <alice@bank.test>.\n"
                    + "  550 5.7.20 [127.0.0.2] [mx.test]\n"), report);
        }
    }

    static String headerB(byte[] signed) {
        String s = new String(signed, StandardCharsets.ISO_8859_1).replaceAll("\\s", "");
        int i = s.indexOf(";b=");
        return s.substring(i + 3, i + 11);
    }
}
