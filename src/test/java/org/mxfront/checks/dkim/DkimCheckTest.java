// dkim check: results stored for DMARC under DkimResults.KEY, the must-be-signed rule by the From:
// domain (XM-RJCT17), key lookup failures (XM-RJCT55 or skip), metrics, config errors. Messages are
// signed by dkimpy (Debian python3-dkim) with keys made here; keys come from a map.
package org.mxfront.checks.dkim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mxfront.checks.CheckContext;
import org.mxfront.checks.CheckFixtures;
import org.mxfront.codes.Code;
import org.mxfront.dkim.DkimKeyException;
import org.mxfront.dkim.DkimKeySource;
import org.mxfront.dkim.DkimResult;
import org.mxfront.dkim.Dkimpy;
import org.mxfront.dkim.TestKeys;
import org.mxfront.dns.OnDnsFailure;
import org.mxfront.policy.Check;
import org.mxfront.policy.Facts;
import org.mxfront.policy.Stage;
import org.mxfront.policy.HeaderSection;
import org.mxfront.policy.MessageCheck;
import org.mxfront.policy.Verdict;

class DkimCheckTest {
    @TempDir
    static Path dir;
    static Dkimpy dkimpy;
    static TestKeys.Key key;
    final Map<String, String> records = new HashMap<>();
    final CheckContext ctx = new CheckContext("mx.test", List.of(), java.util.Set.of("example.org"), Clock.systemUTC(),
            new io.micrometer.core.instrument.simple.SimpleMeterRegistry());

    @BeforeAll
    static void keys() throws IOException {
        dkimpy = new Dkimpy(dir);
        key = TestKeys.rsa(2048);
    }

    static String message(String from) {
        return "From: " + from + "\r\nTo: bob@example.org\r\nSubject: statement\r\n\r\nYour statement is ready.\r\n";
    }

    byte[] signed(String from, String domain) throws IOException {
        records.put("sel._domainkey." + domain, key.record());
        return dkimpy.sign(message(from).getBytes(StandardCharsets.US_ASCII), key, "sel", domain, "relaxed/relaxed", false, null);
    }

    DkimCheck check(List<String> mustBeSigned, OnDnsFailure onDnsFailure, DkimKeySource keys) {
        return new DkimCheck(new DkimConfig(mustBeSigned, onDnsFailure, null, null, null, null, null, null), ctx, keys);
    }

    DkimCheck check(List<String> mustBeSigned) {
        return check(mustBeSigned, null, name -> records.containsKey(name) ? List.of(records.get(name)) : List.of());
    }

    /** Runs one message through the check as the engine does: open at DATA, bytes, finish at the dot. */
    static Verdict run(DkimCheck check, Facts facts, byte[] message, String from) {
        Facts f = facts.withHeaders(new HeaderSection(List.of(new HeaderSection.Field("From", from),
                new HeaderSection.Field("To", "bob@example.org")), 100));
        try (MessageCheck.MessageReader r = check.open(f)) {
            for (int i = 0; i < message.length; i += 100) r.write(message, i, Math.min(100, message.length - i));
            return r.finish(f);
        }
    }

    @Test
    void resultsAreStoredForTheMessageAndReplacedByTheNext() throws IOException {
        DkimCheck c = check(List.of());
        Facts f = CheckFixtures.outsider();
        assertNull(DkimResults.get(f.state()));
        assertEquals(Verdict.CONTINUE, run(c, f, signed("Alice <alice@bank.example>", "bank.example"), "Alice <alice@bank.example>"));
        List<DkimResult> r = DkimResults.get(f.state());
        assertEquals(1, r.size());
        assertEquals(DkimResult.Outcome.PASS, r.get(0).outcome());
        assertEquals("bank.example", r.get(0).domain());
        assertEquals("pass", r.get(0).outcome().token());
        assertEquals(Verdict.CONTINUE, run(c, f, message("x@y.example").getBytes(StandardCharsets.US_ASCII), "x@y.example"));
        assertEquals(List.of(), DkimResults.get(f.state()), "no signature: dkim=none");
        assertEquals(List.of(new Check.Explained(Stage.END_OF_DATA, "dkim=none (no signature)")), c.explain(f.state()));
        assertEquals("dkim=none (not evaluated)", c.explain(CheckFixtures.outsider().state()).get(0).text());
        MeterRegistry m = ctx.registry();
        assertEquals(1.0, m.get("mxfront.dkim.signatures").tag("outcome", "pass").counter().count());
        assertEquals(1.0, m.get("mxfront.dkim.messages").tag("signed", "yes").counter().count());
        assertEquals(1.0, m.get("mxfront.dkim.messages").tag("signed", "no").counter().count());
    }

    @Test
    void aMustBeSignedDomainWithoutItsOwnPassingSignatureIsRefused() throws IOException {
        DkimCheck c = check(List.of("Bank.Example"));
        Verdict refused = Verdict.reject(Code.DKIM_FAIL, Map.of("sender", "alice@bank.example"));
        byte[] good = signed("Alice <alice@bank.example>", "bank.example");
        assertEquals(Verdict.CONTINUE, run(c, CheckFixtures.outsider(), good, "Alice <alice@bank.example>"));
        byte[] altered = new String(good, StandardCharsets.US_ASCII).replace("ready", "READY").getBytes(StandardCharsets.US_ASCII);
        assertEquals(refused, run(c, CheckFixtures.outsider(), altered, "Alice <alice@bank.example>"));
        assertEquals(refused, run(c, CheckFixtures.outsider(), message("alice@bank.example").getBytes(StandardCharsets.US_ASCII),
                "Alice <alice@bank.example>"), "unsigned");
        byte[] thirdParty = signed("Alice <alice@bank.example>", "mailer.example");
        assertEquals(refused, run(c, CheckFixtures.outsider(), thirdParty, "Alice <alice@bank.example>"), "signed by someone else");
        byte[] parent = signed("Alerts <alerts@mail.bank.example>", "bank.example");
        assertEquals(Verdict.CONTINUE, run(c, CheckFixtures.outsider(), parent, "Alerts <alerts@mail.bank.example>"),
                "a subdomain's mail signed by the listed domain");
        byte[] other = signed("x@other.example", "mailer.example");
        assertEquals(Verdict.CONTINUE, run(c, CheckFixtures.outsider(), altered, "x@other.example"), "not listed, failing");
        assertEquals(Verdict.CONTINUE, run(c, CheckFixtures.outsider(), other, "x@other.example"));
        assertEquals(Verdict.CONTINUE, run(c, CheckFixtures.outsider(), altered, "a@bank.example, b@bank.example"),
                "no single author: left to DMARC");
    }

    @Test
    void aKeyLookupFailureForAMustBeSignedDomainDefersOrIsSkipped() throws IOException {
        byte[] good = signed("alice@bank.example", "bank.example");
        DkimKeySource dead = name -> {
            throw new DkimKeyException("key lookup for " + name + " timed out", true);
        };
        assertEquals(Verdict.defer(Code.DNS_TEMPFAIL, Map.of()),
                run(check(List.of("bank.example"), null, dead), CheckFixtures.outsider(), good, "alice@bank.example"));
        assertEquals(Verdict.CONTINUE,
                run(check(List.of("bank.example"), OnDnsFailure.SKIP, dead), CheckFixtures.outsider(), good, "alice@bank.example"));
    }

    @Test
    void fromHeaderAddresses() {
        assertEquals("alice@bank.example", FromHeader.parse("\"Smith, Alice\" <alice@Bank.Example.>"));
        assertEquals("alice@bank.example", FromHeader.parse("alice@bank.example (Alice <a@b>)"));
        assertEquals("alice@bank.example", FromHeader.parse(" alice@bank.example "));
        assertNull(FromHeader.parse("a@x.example, b@y.example"));
        assertNull(FromHeader.parse("undisclosed-recipients:;"));
        assertNull(FromHeader.parse("Alice"));
        assertNull(FromHeader.parse("<a@x.example> <b@y.example>"));
        assertNull(FromHeader.address(new HeaderSection(List.of(new HeaderSection.Field("From", "a@x.example"),
                new HeaderSection.Field("from", "b@x.example")), 10)), "two From: fields");
    }

    @Test
    void badSettingsAreConfigErrors() {
        assertThrows(IllegalArgumentException.class, () -> new DkimConfig(List.of("not a domain"), null, null, null, null, null, null, null));
        assertThrows(IllegalArgumentException.class, () -> new DkimConfig(null, null, 512, null, null, null, null, null));
        assertThrows(IllegalArgumentException.class, () -> new DkimConfig(null, null, null, null, 0, null, null, null));
        assertThrows(IllegalArgumentException.class,
                () -> new DkimConfig(null, null, null, null, null, java.time.Duration.ZERO, null, null));
    }
}
