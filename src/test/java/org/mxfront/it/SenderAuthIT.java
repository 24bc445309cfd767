// SPF, DMARC, Authentication-Results, the operators' lists and forged senders, end to end: a real
// authoritative DNS server (nsd on loopback) publishes the SPF and DMARC records, clients on
// 127.0.0.x send through mxfront to smtp-sink, and every refusal is asserted line by line. A
// resolver that never answers gives SPF's temperror.
package org.mxfront.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.mxfront.dkim.Dkimpy;
import org.mxfront.dkim.TestKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SenderAuthIT {
    /** The signer's key, published at s1._domainkey.signed.test; messages signed by dkimpy (python3-dkim). */
    static final TestKeys.Key KEY = TestKeys.rsa(2048);

    static final String TEST_ZONE = Nsd.zoneHead("test") + """
            pass         IN TXT "v=spf1 ip4:127.0.0.2 ip4:127.0.0.3 -all"
            fail         IN TXT "v=spf1 ip4:192.0.2.1 -all"
            soft         IN TXT "v=spf1 ~all"
            eleven       IN TXT "v=spf1 a:a1.test a:a2.test a:a3.test a:a4.test a:a5.test a:a6.test a:a7.test a:a8.test a:a9.test a:a10.test a:a11.test -all"
            a1 IN A 192.0.2.1
            a2 IN A 192.0.2.1
            a3 IN A 192.0.2.1
            a4 IN A 192.0.2.1
            a5 IN A 192.0.2.1
            a6 IN A 192.0.2.1
            a7 IN A 192.0.2.1
            a8 IN A 192.0.2.1
            a9 IN A 192.0.2.1
            a10 IN A 192.0.2.1
            a11 IN A 192.0.2.1
            void3        IN TXT "v=spf1 a:nx1.test a:nx2.test a:nx3.test ip4:127.0.0.2 -all"
            loop1        IN TXT "v=spf1 include:loop2.test -all"
            loop2        IN TXT "v=spf1 include:loop1.test -all"
            rejectdom    IN TXT "v=spf1 ip4:192.0.2.1 -all"
            _dmarc.rejectdom IN TXT "v=DMARC1; p=reject"
            nonedom      IN TXT "v=spf1 -all"
            _dmarc.nonedom IN TXT "v=DMARC1; p=none"
            sub.relaxed  IN TXT "v=spf1 ip4:127.0.0.2 -all"
            _dmarc.relaxed IN TXT "v=DMARC1; p=reject"
            sub.strict   IN TXT "v=spf1 ip4:127.0.0.2 -all"
            _dmarc.strict IN TXT "v=DMARC1; p=reject; aspf=s"
            _dmarc.spdom IN TXT "v=DMARC1; p=none; sp=reject"
            _dmarc.quar  IN TXT "v=DMARC1; p=quarantine"
            _dmarc.mlist IN TXT "v=DMARC1; p=reject"
            spdom        IN TXT "v=spf1 -all"
            """;

    static final String LOCAL_ZONE = Nsd.zoneHead("example.com") + """
            @   IN TXT "v=spf1 ip4:127.0.0.3 ?all"
            """;

    @RegisterExtension
    static final SinkFixture sink = new SinkFixture();
    @RegisterExtension
    static final NsdFixture nsd = new NsdFixture(zones());
    @RegisterExtension
    static final MxfrontFixture mx = MxfrontFixture.relayingTo(sink).with(SenderAuthIT::config, nsd);

    static String signedZone() {
        StringBuilder z = new StringBuilder("""
                signed       IN TXT "v=spf1 ip4:192.0.2.1 -all"
                _dmarc.signed IN TXT "v=DMARC1; p=reject; adkim=s"
                s1._domainkey.signed IN TXT""");
        String v = KEY.record();
        for (int i = 0; i < v.length(); i += 250) z.append(" \"").append(v, i, Math.min(v.length(), i + 250)).append('"');
        return z.append('\n').toString();
    }

    static Map<String, String> zones() {
        Map<String, String> z = new LinkedHashMap<>();
        z.put("test", TEST_ZONE + signedZone());
        z.put("example.com", LOCAL_ZONE);
        return z;
    }

    static Path lists;

    static String config() {
        try {
            lists = Files.createTempDirectory("sender-auth-lists");
            Files.writeString(lists.resolve("ips"), "# operators' blocks\n127.0.0.9\n2001:db8::/32  # a v6 block\n");
            Files.writeString(lists.resolve("senders"), "blocked.example\nspammer@pass.test\n");
            Files.writeString(lists.resolve("phish"), "phish@pass.test\n@phishing.example\n");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return """
                dns:
                  resolvers: ["127.0.0.1:%d"]
                relay-networks: [127.0.0.1/32]
                checks:
                  ip-blocklist: {files: ["%s"]}
                  sender-blocklist: {files: ["%s"]}
                  phishing: {files: ["%s"]}
                  spf: {}
                  relay: {}
                  dkim: {}
                  dmarc: {soften: [mlist.test]}
                  forged-sender: {}
                  authentication-results: {}
                domains:
                  example.com: {}
                  relayed.example:
                    checks:
                      spf: {relayed: true}
                """.formatted(nsd.port(), lists.resolve("ips"), lists.resolve("senders"), lists.resolve("phish"));
    }

    @AfterAll
    static void cleanup() throws Exception {
        if (lists != null) {
            try (var s = Files.list(lists)) {
                for (Path p : s.toList()) Files.delete(p);
            }
            Files.delete(lists);
        }
    }

    static final String CLIENT = "127.0.0.2";

    static SmtpClient mail(String source, String from) throws Exception {
        SmtpClient c = FrontDoorIT.hello(mx, source, "client.pass.test");
        assertEquals(List.of("250 2.1.0 Ok"), c.command("MAIL FROM:<" + from + ">"));
        return c;
    }

    /** Sends a message with these headers on an open transaction; the reply to the final dot. */
    static List<String> data(SmtpClient c, String headers) throws Exception {
        assertEquals(List.of("354 End data with <CR><LF>.<CR><LF>"), c.command("DATA"));
        return c.command(headers.replace("\n", "\r\n") + "\r\nbody line\r\n.");
    }

    static String deliver(String source, String from, String headers) throws Exception {
        String marker = "Message-ID: <" + System.nanoTime() + "@sender>";
        try (SmtpClient c = mail(source, from)) {
            assertEquals(List.of("250 2.1.5 Ok"), c.command("RCPT TO:<bob@example.com>"));
            List<String> r = data(c, headers + "\n" + marker + "\n");
            assertTrue(r.get(0).startsWith("250 "), r.toString());
        }
        return sink.get().awaitMessageContaining(marker);
    }

    /** Our Authentication-Results header in a dumped message, unfolded. */
    static String authResults(String dump) {
        int i = dump.indexOf("Authentication-Results: mx.test;");
        assertTrue(i >= 0, dump);
        int end = dump.indexOf('\n', i);
        while (dump.charAt(end + 1) == '\t') end = dump.indexOf('\n', end + 1);
        return dump.substring(i, end).replace("\n\t", " ");
    }

    // ---- SPF ----

    @Test
    void spfPassIsAcceptedAndSaidSo() throws Exception {
        String dump = deliver(CLIENT, "alice@pass.test", "From: alice@pass.test\nSubject: hi");
        assertEquals("Authentication-Results: mx.test; spf=pass smtp.mailfrom=alice@pass.test; dkim=none; "
                + "dmarc=none header.from=pass.test", authResults(dump));
        String metrics = mx.get().registry.scrape();
        assertTrue(metrics.matches("(?s).*mxfront_spf_results_total\\{result=\"pass\"} [1-9].*"), metrics);
        assertTrue(metrics.matches("(?s).*mxfront_dmarc_results_total\\{result=\"none\"} [1-9].*"), metrics);
    }

    @Test
    void spfFailWithoutDmarcIsRefusedAtRcpt() throws Exception {
        try (SmtpClient c = mail(CLIENT, "alice@fail.test")) {
            assertEquals(List.of("550-5.7.23 XM-RJCT16: SPF check failed for <alice@fail.test> from 127.0.0.2.",
                    "550 5.7.23 [127.0.0.2] [mx.test]"), c.command("RCPT TO:<bob@example.com>"));
            assertEquals(List.of("550-5.7.23 XM-RJCT09: SPF check failed for <alice@fail.test> from 127.0.0.2.",
                    "550 5.7.23 [127.0.0.2] [mx.test]"), c.command("RCPT TO:<bob@relayed.example>"));
        }
    }

    @Test
    void spfSoftfailIsAcceptedWithTheResultInTheHeader() throws Exception {
        String dump = deliver(CLIENT, "alice@soft.test", "From: alice@soft.test");
        assertTrue(authResults(dump).contains("spf=softfail smtp.mailfrom=alice@soft.test;"), dump);
    }

    @Test
    void spfPermerrors() throws Exception {
        assertTrue(authResults(deliver(CLIENT, "a@eleven.test", "From: a@eleven.test")).contains("spf=permerror"));
        assertTrue(authResults(deliver(CLIENT, "a@void3.test", "From: a@void3.test")).contains("spf=permerror"));
        assertTrue(authResults(deliver(CLIENT, "a@loop1.test", "From: a@loop1.test")).contains("spf=permerror"));
    }

    /**
     * A second opinion: Debian's spfquery (Mail::SPF, libmail-spf-perl) asks the same nsd and must
     * reach the same result as our evaluator on the same resolver, record set by record set.
     */
    @Test
    void spfqueryAgreesOnTheSameRecords() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/spfquery")), "spfquery (spf-tools-perl)");
        org.mxfront.dns.DnsResolver dns = new org.mxfront.dns.DnsResolver(org.mxfront.dns.DnsConfig.of(
                List.of("127.0.0.1:" + nsd.port()), java.time.Duration.ofSeconds(2), false, null),
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry(), java.time.Clock.systemUTC());
        org.mxfront.spf.SpfEvaluator ours = new org.mxfront.spf.SpfEvaluator(dns::lookup, "mx.test", java.time.Clock.systemUTC());
        String[][] cases = {
            {"127.0.0.2", "a@pass.test"}, {"127.0.0.9", "a@pass.test"}, {"127.0.0.2", "a@fail.test"},
            {"127.0.0.2", "a@soft.test"}, {"127.0.0.2", "a@eleven.test"}, {"127.0.0.2", "a@void3.test"},
            {"127.0.0.2", "a@loop1.test"}, {"127.0.0.2", "a@nonedom.test"}, {"127.0.0.2", "a@nothing.test"},
            {"127.0.0.2", "a@sub.relaxed.test"}, {"127.0.0.3", "a@example.com"}, {"127.0.0.2", "a@example.com"},
        };
        for (String[] c : cases) {
            ProcessBuilder pb = new ProcessBuilder("/usr/bin/spfquery", "--scope", "mfrom", "--id", c[1], "--ip", c[0],
                    "--helo-id", "client.pass.test").redirectErrorStream(true);
            pb.environment().put("RES_NAMESERVERS", "127.0.0.1");
            pb.environment().put("RES_OPTIONS", "port:" + nsd.port());
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            String theirs = out.strip().split("\\s+")[0];
            String mine = ours.check(java.net.InetAddress.getByName(c[0]), c[1], "client.pass.test").token();
            assertEquals(theirs, mine, c[0] + " " + c[1] + ": spfquery said\n" + out);
        }
    }

    @Test
    void spfTemperrorWhenTheResolverIsDead() throws Exception {
        try (DatagramSocket dead = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                Mxfront m = Mxfront.start(sink.port(), """
                        dns: {resolvers: ["127.0.0.1:%d"], timeout: 500ms}
                        checks: {spf: {fail: reject}, relay: {}}
                        """.formatted(dead.getLocalPort()))) {
            try (SmtpClient c = FrontDoorIT.hello(m, CLIENT, "client.pass.test")) {
                assertEquals(List.of("250 2.1.0 Ok"), c.command("MAIL FROM:<alice@pass.test>"));
                assertEquals(List.of("451-4.4.3 XM-RJCT55: Temporary DNS failure, please try again later.",
                        "451 4.4.3 [127.0.0.2] [mx.test]"), c.command("RCPT TO:<bob@example.com>"));
            }
        }
    }

    @Test
    void nullSenderIsCheckedByItsHeloName() throws Exception {
        try (SmtpClient c = FrontDoorIT.hello(mx, CLIENT, "fail.test")) {
            assertEquals(List.of("250 2.1.0 Ok"), c.command("MAIL FROM:<>"));
            assertEquals(List.of("550-5.7.23 XM-RJCT16: SPF check failed for <postmaster@fail.test> from 127.0.0.2.",
                    "550 5.7.23 [127.0.0.2] [mx.test]"), c.command("RCPT TO:<bob@example.com>"));
        }
    }

    // ---- DMARC ----

    @Test
    void dmarcRejectFailureIsRefusedAtTheEndAndNothingIsDelivered() throws Exception {
        int before = sink.messages().size();
        try (SmtpClient c = mail(CLIENT, "alice@rejectdom.test")) {
            assertEquals(List.of("250 2.1.5 Ok"), c.command("RCPT TO:<bob@example.com>"), "SPF fail: DMARC decides");
            assertEquals(List.of("550-5.7.1 XM-RJCT41: Message failed the DMARC policy of rejectdom.test, which says reject.",
                    "550 5.7.1 [127.0.0.2] [mx.test]"), data(c, "From: alice@rejectdom.test\nSubject: x\n"));
        }
        Thread.sleep(300);
        assertEquals(before, sink.messages().size());
    }

    @Test
    void dmarcNoneFailureIsAcceptedAndTheHeaderSaysSo() throws Exception {
        String dump = deliver(CLIENT, "alice@pass.test", "From: boss@nonedom.test");
        assertEquals("Authentication-Results: mx.test; spf=pass smtp.mailfrom=alice@pass.test; dkim=none; "
                + "dmarc=fail (p=none dis=none) header.from=nonedom.test", authResults(dump));
    }

    @Test
    void relaxedAlignmentPassesWhereStrictFails() throws Exception {
        String dump = deliver(CLIENT, "alice@sub.relaxed.test", "From: alice@relaxed.test");
        assertTrue(authResults(dump).contains("dmarc=pass (p=reject) header.from=relaxed.test"), authResults(dump));
        try (SmtpClient c = mail(CLIENT, "alice@sub.strict.test")) {
            c.command("RCPT TO:<bob@example.com>");
            assertEquals(List.of("550-5.7.1 XM-RJCT41: Message failed the DMARC policy of strict.test, which says reject.",
                    "550 5.7.1 [127.0.0.2] [mx.test]"), data(c, "From: alice@strict.test\n"));
        }
    }

    @Test
    void subdomainPolicyApplies() throws Exception {
        try (SmtpClient c = mail(CLIENT, "alice@pass.test")) {
            c.command("RCPT TO:<bob@example.com>");
            assertEquals(List.of("550-5.7.1 XM-RJCT41: Message failed the DMARC policy of sub.spdom.test, which says reject.",
                    "550 5.7.1 [127.0.0.2] [mx.test]"), data(c, "From: alice@sub.spdom.test\n"));
        }
        assertTrue(authResults(deliver(CLIENT, "alice@pass.test", "From: alice@spdom.test"))
                .contains("dmarc=fail (p=none dis=none) header.from=spdom.test"));
    }

    @Test
    void quarantineAndSoftenedRejectAddAHeader() throws Exception {
        String q = deliver(CLIENT, "alice@pass.test", "From: alice@quar.test");
        assertTrue(q.contains("\nX-Mxfront-Quarantine: DMARC policy of quar.test says quarantine\n"), q);
        assertTrue(authResults(q).contains("dmarc=fail (p=quarantine dis=quarantine) header.from=quar.test"), q);
        String listed = deliver(CLIENT, "alice@pass.test", "From: member@mlist.test");
        assertTrue(listed.contains("\nX-Mxfront-Quarantine: DMARC policy of mlist.test says quarantine\n"), listed);
        assertTrue(authResults(listed).contains("dmarc=fail (p=reject dis=quarantine) header.from=mlist.test"), listed);
    }

    @Test
    void notExactlyOneFromAddressIsMalformed() throws Exception {
        try (SmtpClient c = mail(CLIENT, "alice@pass.test")) {
            c.command("RCPT TO:<bob@example.com>");
            assertEquals(List.of("554-5.6.0 XM-RJCT75: Message refused: it must have exactly one From: address (RFC 5322 3.6.2), it has 2.",
                    "554 5.6.0 [127.0.0.2] [mx.test]"), data(c, "From: a@pass.test, b@pass.test\n"));
        }
        try (SmtpClient c = mail(CLIENT, "alice@pass.test")) {
            c.command("RCPT TO:<bob@example.com>");
            assertEquals(List.of("554-5.6.0 XM-RJCT75: Message refused: it must have exactly one From: address (RFC 5322 3.6.2), it has 0.",
                    "554 5.6.0 [127.0.0.2] [mx.test]"), data(c, "Subject: no from\n"));
        }
    }

    // ---- DKIM into DMARC ----

    static byte[] signed(String subject) throws Exception {
        Path dir = Files.createTempDirectory("sender-auth-dkim");
        String m = "From: Bank <alice@signed.test>\r\nTo: bob@example.com\r\nSubject: " + subject
                + "\r\nMessage-ID: <" + System.nanoTime() + "@signed.test>\r\n\r\nYour statement.\r\n.dot line\r\n";
        return new Dkimpy(dir).sign(m.getBytes(StandardCharsets.US_ASCII), KEY, "s1", "signed.test", "relaxed/relaxed", false, null);
    }

    /** The reply to the final dot of a raw message (dot-stuffed here). */
    static List<String> sendRaw(SmtpClient c, byte[] message) throws Exception {
        assertEquals(List.of("250 2.1.5 Ok"), c.command("RCPT TO:<bob@example.com>"));
        assertEquals(List.of("354 End data with <CR><LF>.<CR><LF>"), c.command("DATA"));
        String text = new String(message, StandardCharsets.ISO_8859_1).replace("\r\n.", "\r\n..");
        if (text.startsWith(".")) text = "." + text;
        c.sendRaw((text + ".\r\n").getBytes(StandardCharsets.ISO_8859_1));
        return c.reply();
    }

    @Test
    void dkimSignatureMakesDmarcPassWhereSpfFails() throws Exception {
        byte[] m = signed("statement");
        try (SmtpClient c = mail(CLIENT, "bounces@signed.test")) {
            List<String> r = sendRaw(c, m);
            assertTrue(r.get(0).startsWith("250 "), r.toString());
        }
        String dump = sink.get().awaitMessageContaining("Subject: statement");
        String ar = authResults(dump);
        assertTrue(ar.startsWith("Authentication-Results: mx.test; spf=fail smtp.mailfrom=bounces@signed.test; "
                + "dkim=pass header.d=signed.test header.s=s1 header.b="), ar);
        assertTrue(ar.endsWith("; dmarc=pass (p=reject) header.from=signed.test"), ar);
        assertTrue(dump.contains("\n..dot line\n") || dump.contains("\n.dot line\n"), dump);
    }

    @Test
    void alteredSignedMessageFailsDmarcReject() throws Exception {
        byte[] m = new String(signed("altered"), StandardCharsets.ISO_8859_1).replace("Your statement.", "Pay here.")
                .getBytes(StandardCharsets.ISO_8859_1);
        try (SmtpClient c = mail(CLIENT, "alice@pass.test")) {
            assertEquals(List.of("550-5.7.1 XM-RJCT41: Message failed the DMARC policy of signed.test, which says reject.",
                    "550 5.7.1 [127.0.0.2] [mx.test]"), sendRaw(c, m));
        }
    }

    @Test
    void explainShowsEachResultForAMessageFile() throws Exception {
        var cfg = new org.mxfront.config.ConfigLoader(org.mxfront.Doors.ALL).parse("it.yml", Mxfront.merge(Mxfront.base(sink.port()), config()),
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
        String report = org.mxfront.explain.Explainer.explain(cfg.engine(), new org.mxfront.explain.Explainer.Request(
                InetAddress.getByName(CLIENT), "client.pass.test", "bounces@signed.test", List.of("bob@example.com"),
                signed("explained")), true);
        List<String> lines = List.of(report.split("\n"));
        assertTrue(lines.contains("MAIL           spf                spf=fail smtp.mailfrom=bounces@signed.test (matched -all at signed.test)"), report);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("END-OF-MESSAGE dkim               dkim=pass header.d=signed.test header.s=s1 header.a=rsa-sha256 header.b=")), report);
        assertTrue(lines.contains("END-OF-MESSAGE dmarc              dmarc=pass header.from=signed.test p=reject (dkim aligned: d=signed.test)"), report);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("header added:  Authentication-Results: mx.test; spf=fail")), report);
        assertEquals("result: accepted: the message would be relayed downstream", lines.get(lines.size() - 1), report);
    }

    // ---- Authentication-Results ----

    @Test
    void forgedResultsClaimingOurIdAreRemovedOthersKept() throws Exception {
        String dump = deliver(CLIENT, "alice@pass.test", "Authentication-Results: mx.test; spf=pass\n\tsmtp.mailfrom=forged@x\n"
                + "Authentication-Results: other.example; dkim=pass\nFrom: alice@pass.test");
        assertFalse(dump.contains("forged@x"), dump);
        assertTrue(dump.contains("Authentication-Results: other.example; dkim=pass"), dump);
        assertEquals(1, dump.split("Authentication-Results: mx.test;", -1).length - 1, dump);
        assertTrue(dump.indexOf("Authentication-Results: mx.test;") < dump.indexOf("Received: from client.pass.test"), dump);
    }

    @Test
    void aHeldMessageOfSeveralMebibytesArrivesWhole() throws Exception {
        StringBuilder body = new StringBuilder();
        for (int i = 0; body.length() < 3 << 20; i++) body.append("line ").append(i).append(' ').append("z".repeat(i % 900)).append("\r\n");
        body.append(".starts with a dot\r\n");
        try (SmtpClient c = mail(CLIENT, "alice@pass.test")) {
            c.command("RCPT TO:<bob@example.com>");
            assertEquals(List.of("354 End data with <CR><LF>.<CR><LF>"), c.command("DATA"));
            String text = "From: alice@pass.test\r\nSubject: big held\r\n\r\n" + body;
            c.sendRaw((text.replace("\r\n.", "\r\n..") + ".\r\n").getBytes(StandardCharsets.US_ASCII));
            assertTrue(c.reply().get(0).startsWith("250 "));
        }
        String dump = sink.get().awaitMessageContaining("Subject: big held");
        String got = dump.substring(dump.indexOf("Subject: big held\n") + "Subject: big held\n\n".length());
        assertEquals(body.toString().replace("\r\n", "\n"), got.substring(0, got.length() - 1), "the body, byte for byte");
    }

    @Test
    void aHeldMessageSentByBdatInChunks() throws Exception {
        String part1 = "Authentication-Results: mx.test; spf=pass\r\nFrom: alice@pass.test\r\nSubject: bdat held\r\n\r\n.dot\r";
        String part2 = "\nlast line\r\n";
        try (SmtpClient c = mail(CLIENT, "alice@pass.test")) {
            c.command("RCPT TO:<bob@example.com>");
            c.sendRaw(("BDAT " + part1.length() + "\r\n" + part1).getBytes(StandardCharsets.US_ASCII));
            assertEquals(List.of("250 2.0.0 Ok: " + part1.length() + " bytes"), c.reply());
            c.sendRaw(("BDAT " + part2.length() + " LAST\r\n" + part2).getBytes(StandardCharsets.US_ASCII));
            assertTrue(c.reply().get(0).startsWith("250 "));
        }
        String dump = sink.get().awaitMessageContaining("Subject: bdat held");
        assertTrue(dump.endsWith("Subject: bdat held\n\n.dot\nlast line\n\n"), dump);
        assertEquals(1, dump.split("Authentication-Results: mx.test;", -1).length - 1, dump);
        assertFalse(dump.contains("mx.test; spf=pass\n"), "the client's own claim is gone:\n" + dump);
    }

    @Test
    void aSlowClientsHeldMessageOutlastsTheDownstreamDataTimeout() throws Exception {
        try (SmtpClient c = mail(CLIENT, "alice@pass.test")) {
            c.command("RCPT TO:<bob@example.com>");
            assertEquals(List.of("354 End data with <CR><LF>.<CR><LF>"), c.command("DATA"));
            c.sendRaw("From: alice@pass.test\r\nSubject: slow held\r\n\r\nfirst half\r\n".getBytes(StandardCharsets.US_ASCII));
            Thread.sleep(6000); // the base configuration's downstream.data-timeout is 5s
            c.sendRaw("second half\r\n.\r\n".getBytes(StandardCharsets.US_ASCII));
            assertTrue(c.reply().get(0).startsWith("250 "));
        }
        assertTrue(sink.get().awaitMessageContaining("Subject: slow held").contains("first half\nsecond half\n"));
    }

    @Test
    void listFilesAreReadAgainOnReload() throws Exception {
        Path dir = Files.createTempDirectory("sender-auth-reload");
        Path senders = dir.resolve("senders");
        Files.writeString(senders, "first.example\n");
        Path file = dir.resolve("mxfront.yml");
        try (Mxfront m = Mxfront.startFromFile(file, sink.port(), "checks: {sender-blocklist: {files: [\"" + senders + "\"]}, relay: {}}")) {
            try (SmtpClient c = FrontDoorIT.hello(m, CLIENT, "client.pass.test")) {
                assertEquals("550-5.7.1 XM-RJCT56: Sender <a@first.example> is blocked by local policy.", c.command("MAIL FROM:<a@first.example>").get(0));
                assertEquals(List.of("250 2.1.0 Ok"), c.command("MAIL FROM:<a@second.example>"));
            }
            Files.writeString(senders, "# now the other one\nsecond.example\n");
            assertTrue(m.daemon.reload().getKey(), "reload (what SIGHUP does)");
            try (SmtpClient c = FrontDoorIT.hello(m, CLIENT, "client.pass.test")) {
                assertEquals(List.of("250 2.1.0 Ok"), c.command("MAIL FROM:<a@first.example>"));
                c.command("RSET");
                assertEquals("550-5.7.1 XM-RJCT56: Sender <a@second.example> is blocked by local policy.", c.command("MAIL FROM:<a@second.example>").get(0));
            }
            Files.writeString(senders, "not a domain\n");
            var failed = m.daemon.reload();
            assertFalse(failed.getKey());
            assertTrue(failed.getValue().contains(senders + ":1: 'not a domain': one address or domain a line"), failed.getValue());
            try (SmtpClient c = FrontDoorIT.hello(m, CLIENT, "client.pass.test")) {
                assertEquals("550-5.7.1 XM-RJCT56: Sender <a@second.example> is blocked by local policy.",
                        c.command("MAIL FROM:<a@second.example>").get(0), "the previous lists stay in force");
            }
        }
    }

    // ---- local lists and forged senders ----

    @Test
    void operatorsIpBlocklist() throws Exception {
        try (SmtpClient c = mail("127.0.0.9", "alice@pass.test")) {
            assertEquals(List.of("550-5.7.1 XM-RJCT15: IP address 127.0.0.9 is blocked by local policy.",
                    "550 5.7.1 [127.0.0.9] [mx.test]"), c.command("RCPT TO:<bob@example.com>"));
        }
    }

    @Test
    void senderBlocklistExactAndByDomain() throws Exception {
        try (SmtpClient c = FrontDoorIT.hello(mx, CLIENT, "client.pass.test")) {
            assertEquals(List.of("550-5.7.1 XM-RJCT56: Sender <spammer@pass.test> is blocked by local policy.",
                    "550 5.7.1 [127.0.0.2] [mx.test]"), c.command("MAIL FROM:<spammer@pass.test>"));
            assertEquals(List.of("550-5.7.1 XM-RJCT56: Sender <x@mail.blocked.example> is blocked by local policy.",
                    "550 5.7.1 [127.0.0.2] [mx.test]"), c.command("MAIL FROM:<x@mail.blocked.example>"));
        }
    }

    @Test
    void phishingAddressesInTheEnvelopeAndInReplyTo() throws Exception {
        try (SmtpClient c = FrontDoorIT.hello(mx, CLIENT, "client.pass.test")) {
            assertEquals(List.of("550-5.7.1 XM-RJCT12: Address <phish@pass.test> is known to be used for phishing.",
                    "550 5.7.1 [127.0.0.2] [mx.test]"), c.command("MAIL FROM:<phish@pass.test>"));
        }
        try (SmtpClient c = mail(CLIENT, "alice@pass.test")) {
            c.command("RCPT TO:<bob@example.com>");
            assertEquals(List.of("550-5.7.1 XM-RJCT12: Address <pay@phishing.example> is known to be used for phishing.",
                    "550 5.7.1 [127.0.0.2] [mx.test]"), data(c, "From: alice@pass.test\nReply-To: \"Billing\" <pay@phishing.example>\n"));
        }
    }

    @Test
    void forgedLocalSenderFromOutside() throws Exception {
        try (SmtpClient c = mail(CLIENT, "ceo@example.com")) {
            assertEquals(List.of("250 2.1.5 Ok"), c.command("RCPT TO:<bob@example.com>"));
            assertEquals(List.of("550-5.7.1 XM-RJCT13: Sender address <ceo@example.com> is forged.",
                    "550 5.7.1 [127.0.0.2] [mx.test]"), data(c, "From: ceo@example.com\n"));
        }
        try (SmtpClient c = mail(CLIENT, "alice@pass.test")) {
            c.command("RCPT TO:<bob@example.com>");
            assertEquals(List.of("550-5.7.1 XM-RJCT13: Sender address <ceo@example.com> is forged.",
                    "550 5.7.1 [127.0.0.2] [mx.test]"), data(c, "From: \"The CEO\" <ceo@example.com>\n"));
        }
        // 127.0.0.3 is in example.com's SPF record: the same message passes
        deliver("127.0.0.3", "ceo@example.com", "From: ceo@example.com");
    }
}
