// A second opinion on DMARC: Debian's opendmarc (libopendmarc) judges the same messages as mxfront
// on the same records. One nsd on 127.0.0.153:53 serves SenderAuthIT's zones (and a few more records
// below) to both: mxfront asks it directly, opendmarc through glibc in a private mount namespace
// whose /etc/resolv.conf names it (see Opendmarc). Each message goes through mxfront by SMTP, and
// through opendmarc by miltertest with the same client, HELO, MAIL FROM and header; opendmarc gets
// its SPF and DKIM inputs from independent tools on the same records (Debian's spfquery, dkimpy) in
// an Authentication-Results field it trusts. The DMARC result must agree case by case (and the
// policy and disposition, where both say them), and be what RFC 7489 says for the case.
// Needs root (port 53, unshare -m); skipped otherwise or without opendmarc, unshare or miltertest.
package org.mxfront.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mxfront.dkim.Dkimpy;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

class DmarcOpendmarcIT {
    /** The name server's address: port 53 of a loopback address nothing else uses. */
    static final String NS = "127.0.0.153";
    static final String HELO = "client.pass.test";

    @RegisterExtension
    static final NsdFixture nsd = NsdFixture.at(NS, 53, zones());
    /** First: without root, opendmarc or unshare, nothing is started and the test is skipped. */
    @RegisterExtension
    @Order(1)
    static final OpendmarcFixture opendmarc = new OpendmarcFixture(nsd, NS);
    @RegisterExtension
    static final SinkFixture sink = new SinkFixture();
    @RegisterExtension
    static final MxfrontFixture mx = MxfrontFixture.relayingTo(sink).with(() -> """
            dns:
              resolvers: ["%s:53"]
            relay-networks: [127.0.0.1/32]
            checks:
              spf: {}
              relay: {}
              dkim: {}
              dmarc: {}
              authentication-results: {}
            domains:
              example.com: {}
            """.formatted(NS), nsd);

    /**
     * SenderAuthIT's zones, and: an SPF record at strict.test (SPF aligned with the organisational
     * domain but not with its subdomain); SenderAuthIT's DKIM key also at s1._domainkey.sub.relaxed.test (a
     * signature by a subdomain, relaxed alignment); a DMARC record at example.com (an
     * organisational domain under a real public suffix); github.io, a suffix of the PSL's private
     * section, whose names foo.github.io and bar.github.io are two organisations.
     */
    static Map<String, String> zones() {
        Map<String, String> z = new LinkedHashMap<>(SenderAuthIT.zones());
        z.put("test", z.get("test") + "strict IN TXT \"v=spf1 ip4:127.0.0.2 -all\"\n"
                + "s1._domainkey.sub.relaxed IN TXT" + chunks(SenderAuthIT.KEY.record()) + "\n");
        z.put("example.com", z.get("example.com") + "_dmarc IN TXT \"v=DMARC1; p=reject\"\n");
        z.put("github.io", Nsd.zoneHead("github.io") + """
                foo        IN TXT "v=spf1 ip4:127.0.0.2 -all"
                _dmarc.bar IN TXT "v=DMARC1; p=reject"
                """);
        return z;
    }

    private static String chunks(String v) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < v.length(); i += 250) b.append(" \"").append(v, i, Math.min(v.length(), i + 250)).append('"');
        return b.toString();
    }

    /**
     * A verdict: result (pass, fail, none ...), policy (p= or sp= that applies) and disposition
     * (what is done: none, quarantine, reject); null where the answer does not say.
     */
    record Verdict(String result, String policy, String disposition) {
        boolean agrees(Verdict o) {
            return result.equals(o.result) && (policy == null || o.policy == null || policy.equals(o.policy))
                    && (disposition == null || o.disposition == null || disposition.equals(o.disposition));
        }

        @Override
        public String toString() {
            return result + (policy == null ? "" : " p=" + policy) + (disposition == null ? "" : " dis=" + disposition);
        }
    }

    private static final Pattern AR_DMARC = Pattern.compile("dmarc=(\\w+)(?: \\(p=(\\w+)(?: dis=(\\w+))?\\))?");

    static Verdict fromAuthResults(String field) {
        Matcher m = AR_DMARC.matcher(field);
        return m.find() ? new Verdict(m.group(1), m.group(2), m.group(3)) : null;
    }

    /**
     * One case: a client, MAIL FROM, the message's From: address, DKIM signing domain (null: not
     * signed; with {@code broken}, the body is changed after signing) and what RFC 7489 says. With
     * {@code notCompared} (why), opendmarc's answer is shown but not compared: only mxfront's is
     * held to RFC 7489.
     */
    record Case(String name, String ip, String mailFrom, String from, String signedBy, boolean broken, Verdict expected,
            String notCompared) {
        Case(String name, String ip, String mailFrom, String from, String signedBy, boolean broken, Verdict expected) {
            this(name, ip, mailFrom, from, signedBy, broken, expected, null);
        }

        Case notCompared(String why) {
            return new Case(name, ip, mailFrom, from, signedBy, broken, expected, why);
        }
    }

    static Verdict v(String result, String policy, String disposition) {
        return new Verdict(result, policy, disposition);
    }

    static final List<Case> CASES = List.of(
        new Case("p=reject, SPF fails, nothing aligned", "127.0.0.2", "alice@rejectdom.test", "alice@rejectdom.test", null, false,
                v("fail", null, "reject")),
        new Case("p=none, SPF passes for an unaligned domain", "127.0.0.2", "alice@pass.test", "boss@nonedom.test", null, false,
                v("fail", "none", "none")),
        new Case("p=quarantine", "127.0.0.2", "alice@pass.test", "alice@quar.test", null, false,
                v("fail", "quarantine", "quarantine")),
        new Case("relaxed aspf: SPF passes for a subdomain of the From domain", "127.0.0.2", "alice@sub.relaxed.test",
                "alice@relaxed.test", null, false, v("pass", "reject", "none")),
        // opendmarc 1.4.2 (Debian 12) says pass: opendmarc_policy_check_alignment(), after the exact
        // comparison fails, also compares organisational domains in strict mode (with a PSL loaded),
        // so aspf=s and adkim=s act as relaxed whenever the From: domain is the other's organisational
        // domain. RFC 7489 3.1.2: "In strict mode, only an exact match ... is considered to produce
        // Identifier Alignment." Upstream's fix: trusteddomainproject/OpenDMARC pull request #354
        // (issue in #268), returning "not aligned" in strict mode once the exact comparison fails.
        new Case("strict aspf=s: the same subdomain does not align", "127.0.0.2", "alice@sub.strict.test", "alice@strict.test",
                null, false, v("fail", null, "reject"))
                .notCompared("opendmarc 1.4.2's strict alignment also accepts the organisational domain (OpenDMARC #268, fixed by #354)"),
        new Case("strict aspf=s: SPF at the organisational domain does not align with a subdomain From", "127.0.0.2",
                "alice@strict.test", "alice@sub.strict.test", null, false, v("fail", null, "reject")),
        new Case("From a subdomain without a record: the organisational domain's policy, SPF aligned exactly", "127.0.0.2",
                "alice@sub.relaxed.test", "alice@sub.relaxed.test", null, false, v("pass", "reject", "none")),
        new Case("sp=reject governs a subdomain", "127.0.0.2", "alice@pass.test", "alice@sub.spdom.test", null, false,
                v("fail", null, "reject")),
        new Case("p=none governs the domain itself (sp=reject)", "127.0.0.2", "alice@pass.test", "alice@spdom.test", null, false,
                v("fail", "none", "none")),
        new Case("no DMARC record", "127.0.0.2", "alice@pass.test", "alice@pass.test", null, false, v("none", null, null)),
        new Case("no DMARC record at a subdomain nor its organisational domain", "127.0.0.2", "alice@pass.test",
                "alice@sub.pass.test", null, false, v("none", null, null)),
        new Case("strict adkim=s: an aligned signature passes where SPF fails", "127.0.0.2", "bounces@signed.test",
                "alice@signed.test", "signed.test", false, v("pass", "reject", "none")),
        new Case("strict adkim=s: a broken signature fails", "127.0.0.2", "alice@pass.test", "alice@signed.test", "signed.test",
                true, v("fail", null, "reject")),
        new Case("strict adkim=s: the parent domain's signature does not align with a subdomain", "127.0.0.2", "alice@pass.test",
                "alice@sub.signed.test", "signed.test", false, v("fail", null, "reject")),
        new Case("relaxed adkim: a subdomain's signature aligns", "127.0.0.2", "alice@pass.test", "alice@relaxed.test",
                "sub.relaxed.test", false, v("pass", "reject", "none")),
        new Case("a real public suffix (com): SPF at example.com aligns with mail.example.com", "127.0.0.3", "alice@example.com",
                "alice@mail.example.com", null, false, v("pass", "reject", "none")),
        new Case("the PSL's private section: foo.github.io and bar.github.io do not align", "127.0.0.2", "alice@foo.github.io",
                "alice@bar.github.io", null, false, v("fail", null, "reject")));

    @Test
    void opendmarcAgreesOnTheSameMessagesAndRecords() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/spfquery")), "needs spfquery (Debian's spf-tools-perl) for opendmarc's SPF input");
        Path tmp = Files.createTempDirectory("dmarc-opendmarc");
        try {
            compare(new Dkimpy(tmp));
        } finally {
            try (var files = Files.walk(tmp)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    private static void compare(Dkimpy dkimpy) throws Exception {
        List<String> table = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (Case c : CASES) {
            String message = message(dkimpy, c);
            Verdict ours = mxfront(c, message);
            String facts = facts(dkimpy, c, message);
            Opendmarc.Answer answer = opendmarc.check(c.ip(), HELO, c.mailFrom(), "Authentication-Results: " + facts + "\r\n" + message);
            Verdict theirs = verdict(answer);
            table.add("%-95s mxfront: %-28s opendmarc: %s%s".formatted(c.name(), ours, theirs,
                    c.notCompared() == null ? "" : "  (not compared: " + c.notCompared() + ")"));
            if (c.notCompared() != null) {
                if (!ours.agrees(c.expected())) problems.add("case '" + c.name() + "': mxfront said " + ours + "; RFC 7489 says " + c.expected());
            } else if (theirs == null || !ours.agrees(theirs)) {
                problems.add("case '" + c.name() + "': mxfront said " + ours + ", opendmarc said " + theirs
                        + "\n  opendmarc's input: " + facts + "\n  miltertest: " + answer.transcript().replace("\n", "\n    "));
            } else if (!ours.agrees(c.expected())) {
                problems.add("case '" + c.name() + "': mxfront and opendmarc both said " + ours + "; RFC 7489 says " + c.expected());
            }
        }
        System.out.println("DMARC, mxfront and opendmarc:\n  " + String.join("\n  ", table));
        assertTrue(problems.isEmpty(), problems.size() + " of " + CASES.size() + " cases differ:\n" + String.join("\n", problems));
    }

    /** The case's message, CRLF lines: From:, a unique Subject: and Message-ID:, signed by dkimpy if the case says. */
    static String message(Dkimpy dkimpy, Case c) throws Exception {
        String id = System.nanoTime() + "@case.test";
        String m = "From: " + c.from() + "\r\nTo: bob@example.com\r\nSubject: case " + id + "\r\nMessage-ID: <" + id
                + ">\r\n\r\nThe case: " + c.name() + "\r\n";
        if (c.signedBy() == null) return m;
        String signed = new String(dkimpy.sign(m.getBytes(StandardCharsets.US_ASCII), SenderAuthIT.KEY, "s1", c.signedBy(),
                "relaxed/relaxed", false, null), StandardCharsets.US_ASCII);
        return c.broken() ? signed.replace("The case: ", "Changed after signing: ") : signed;
    }

    /** mxfront's verdict: its Authentication-Results field on the delivered message, or its DMARC refusal. */
    static Verdict mxfront(Case c, String message) throws Exception {
        List<String> reply;
        try (SmtpClient s = FrontDoorIT.hello(mx, c.ip(), HELO)) {
            assertEquals(List.of("250 2.1.0 Ok"), s.command("MAIL FROM:<" + c.mailFrom() + ">"), c.name());
            assertEquals(List.of("250 2.1.5 Ok"), s.command("RCPT TO:<bob@example.com>"), c.name());
            assertEquals(List.of("354 End data with <CR><LF>.<CR><LF>"), s.command("DATA"), c.name());
            s.sendRaw((message.replace("\r\n.", "\r\n..") + ".\r\n").getBytes(StandardCharsets.US_ASCII));
            reply = s.reply();
        }
        if (reply.get(0).startsWith("550-5.7.1 XM-RJCT41: Message failed the DMARC policy of ")) return v("fail", null, "reject");
        assertTrue(reply.get(0).startsWith("250 "), c.name() + ": " + reply);
        String subject = message.substring(message.indexOf("Subject: "), message.indexOf("\r\n", message.indexOf("Subject: ")));
        String ar = SenderAuthIT.authResults(sink.get().awaitMessageContaining(subject));
        Verdict v = fromAuthResults(ar);
        assertTrue(v != null, c.name() + ": no dmarc= in " + ar);
        // mxfront names a disposition only on a failure: a pass is delivered as it is
        return v.result().equals("pass") && v.disposition() == null ? v(v.result(), v.policy(), "none") : v;
    }

    /**
     * opendmarc's input, an Authentication-Results field of TRUSTED_ID: spfquery's SPF result for the
     * MAIL FROM domain, dkimpy's verdict on the signature with the key nsd serves.
     */
    static String facts(Dkimpy dkimpy, Case c, String message) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("/usr/bin/spfquery", "--scope", "mfrom", "--id", c.mailFrom(), "--ip", c.ip(),
                "--helo-id", HELO).redirectErrorStream(true);
        pb.environment().put("RES_NAMESERVERS", NS); // port 53: Net::DNS's default
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        String spf = out.strip().split("\\s+")[0];
        assertTrue(spf.matches("pass|fail|softfail|neutral|none|permerror|temperror"), c.name() + ": spfquery said " + out);
        // opendmarc 1.4.2 takes an SPF pass only when smtp.mailfrom, from its '@' on, equals the
        // envelope domain; a bare domain is what matches
        String dkim = "dkim=none";
        if (c.signedBy() != null) {
            String key = txt("s1._domainkey." + c.signedBy());
            List<String> verdicts = dkimpy.verify(message.getBytes(StandardCharsets.US_ASCII), Map.of("s1._domainkey." + c.signedBy(), key));
            String r = verdicts.isEmpty() ? "none" : verdicts.get(0).startsWith("error") ? "permerror" : verdicts.get(0);
            dkim = "dkim=" + r + " header.d=" + c.signedBy() + " header.s=s1";
        }
        return Opendmarc.TRUSTED_ID + "; spf=" + spf + " smtp.mailfrom=" + c.mailFrom().substring(c.mailFrom().indexOf('@') + 1)
                + "; " + dkim;
    }

    /** The TXT record nsd serves at the name, its strings joined. */
    static String txt(String name) throws Exception {
        SimpleResolver r = new SimpleResolver(new InetSocketAddress(NS, 53));
        r.setTimeout(Duration.ofSeconds(2));
        Message m = r.send(Message.newQuery(Record.newRecord(Name.fromString(name, Name.root), Type.TXT, DClass.IN)));
        StringBuilder b = new StringBuilder();
        for (Record rec : m.getSection(Section.ANSWER)) {
            if (rec instanceof TXTRecord t) b.append(String.join("", t.getStrings()));
        }
        assertTrue(b.length() > 0, "nsd serves no TXT at " + name);
        return b.toString();
    }

    /** opendmarc's verdict: its refusal, or its Authentication-Results field. */
    static Verdict verdict(Opendmarc.Answer a) {
        if (a.rejected()) return v("fail", null, "reject");
        if (a.tempfailed()) return v("temperror", null, null);
        for (String ar : a.authResults()) {
            if (!ar.startsWith(Opendmarc.AUTHSERV_ID + ";")) continue;
            Verdict v = fromAuthResults(ar);
            if (v == null) continue;
            // "dmarc=none (p=none ...)": no record, so no policy; say so as mxfront does
            if (v.result().equals("none")) return v("none", null, null);
            if (a.quarantined() != Objects.equals(v.disposition(), "quarantine")) {
                return v(v.result() + " (quarantine request " + a.quarantined() + " but dis=" + v.disposition() + ")", v.policy(), v.disposition());
            }
            return v;
        }
        return null;
    }
}
