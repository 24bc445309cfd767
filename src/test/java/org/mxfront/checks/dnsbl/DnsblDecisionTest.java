// The DNSBL's pure parts, table-driven as Postfix's postscreen_dnsbl_test: answer classification
// (127.255.255.x is never a listing), answer ranges, query names (IPv4 reversed, IPv6 nibbles),
// and the scoring that picks the reply code.
package org.mxfront.checks.dnsbl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.mxfront.codes.Code;
import org.mxfront.dns.OnDnsFailure;
import org.mxfront.policy.Verdict;

class DnsblDecisionTest {
    static InetAddress ip(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(s);
        }
    }

    static ZoneAnswer listed(String... answers) {
        return ZoneAnswer.classify(Stream.of(answers).map(DnsblDecisionTest::ip).toList());
    }

    static final ZoneAnswer NOT_LISTED = new ZoneAnswer(ZoneAnswer.Outcome.NOT_LISTED, List.of(), null);
    static final ZoneAnswer TIMEOUT = new ZoneAnswer(ZoneAnswer.Outcome.TIMEOUT, List.of(), null);

    static final DnsblCheck.Rules ZEN = DnsblCheck.Rules.of(DnsblConfig.defaultZones().get(0));
    static final DnsblCheck.Rules OWN = DnsblCheck.Rules.of(new DnsblConfig.Zone("rbl.example.net", "our RBL", null, null,
            List.of(new DnsblConfig.Answer(List.of("127.0.0.2"), "own-rbl-listed", 2))));
    static final DnsblCheck.Rules SPAMCOP = DnsblCheck.Rules.of(new DnsblConfig.Zone("bl.spamcop.net", null, null, null, null));
    static final DnsblCheck.Rules DNSWL = DnsblCheck.Rules.of(new DnsblConfig.Zone("list.dnswl.org", null, null, null,
            List.of(new DnsblConfig.Answer(List.of("127.0.0.0/24"), null, -5))));

    @ParameterizedTest
    @CsvSource({"127.0.0.2, LISTED", "127.0.0.4, LISTED", "127.0.0.10, LISTED", "127.1.2.3, LISTED",
            "127.255.255.254, REFUSED", "127.255.255.252, REFUSED", "127.255.255.255, REFUSED", "127.255.255.1, REFUSED",
            "192.0.2.1, BOGUS", "10.0.0.1, BOGUS"})
    void answersAreClassified(String answer, ZoneAnswer.Outcome outcome) {
        assertEquals(outcome, listed(answer).outcome());
    }

    @Test
    void blockedResolverAnswersAreRecognized() {
        assertTrue(listed("127.255.255.254").blockedResolver());
        assertTrue(listed("127.255.255.252").blockedResolver());
        assertTrue(listed("127.255.255.255").blockedResolver());
        assertFalse(listed("127.255.255.253").blockedResolver());
        assertFalse(listed("127.0.0.2").blockedResolver());
        assertEquals("254", listed("127.255.255.254").refusedCode());
        // An error answer among listings still makes the whole answer a refusal, never a listing.
        assertEquals(ZoneAnswer.Outcome.REFUSED, listed("127.0.0.2", "127.255.255.254").outcome());
    }

    @ParameterizedTest
    @CsvSource({"127.0.0.2, 127.0.0.2, true", "127.0.0.2, 127.0.0.3, false", "127.0.0.4-127.0.0.7, 127.0.0.4, true",
            "127.0.0.4-127.0.0.7, 127.0.0.7, true", "127.0.0.4-127.0.0.7, 127.0.0.8, false", "127.0.0.4-7, 127.0.0.6, true",
            "127.0.0.4-7, 127.0.0.3, false", "127.0.0.0/24, 127.0.0.255, true", "127.0.0.0/24, 127.0.1.0, false",
            "127.0.0.0/8, 127.255.0.1, true"})
    void answerRanges(String range, String address, boolean contained) {
        assertEquals(contained, AddressRange.parse(range).contains(ip(address)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0", "127.0.0.7-127.0.0.4", "127.0.0.0/33", "127.0.0.256", "::1", "x"})
    void badRanges(String range) {
        assertThrows(IllegalArgumentException.class, () -> AddressRange.parse(range));
    }

    @ParameterizedTest
    @CsvSource({"192.0.2.7, 7.2.0.192.zen.test", "127.0.0.2, 2.0.0.127.zen.test",
            "2001:db8::2, 2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.zen.test",
            "2001:db8:1:abcd::ff, f.f.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.c.b.a.1.0.0.0.8.b.d.0.1.0.0.2.zen.test"})
    void queryNames(String address, String name) {
        assertEquals(name, DnsblCheck.queryName(ip(address), "zen.test"));
    }

    /** One row of the decision table. */
    record Row(String what, List<DnsblCheck.Rules> zones, List<ZoneAnswer> answers, int threshold, OnDnsFailure onFailure,
            Code expected, String zone) {
        @Override
        public String toString() { return what; }
    }

    static Stream<Row> rows() {
        List<Row> r = new ArrayList<>();
        r.add(new Row("SBL", List.of(ZEN), List.of(listed("127.0.0.2")), 1, OnDnsFailure.SKIP, Code.SBL_LISTED, null));
        r.add(new Row("SBL 127.0.0.3", List.of(ZEN), List.of(listed("127.0.0.3")), 1, OnDnsFailure.SKIP, Code.SBL_LISTED, null));
        r.add(new Row("XBL", List.of(ZEN), List.of(listed("127.0.0.4")), 1, OnDnsFailure.SKIP, Code.XBL_LISTED, null));
        r.add(new Row("XBL 127.0.0.7", List.of(ZEN), List.of(listed("127.0.0.7")), 1, OnDnsFailure.SKIP, Code.XBL_LISTED, null));
        r.add(new Row("PBL", List.of(ZEN), List.of(listed("127.0.0.11")), 1, OnDnsFailure.SKIP, Code.PBL_LISTED, null));
        r.add(new Row("SBL and PBL: the first entry wins a tie", List.of(ZEN), List.of(listed("127.0.0.10", "127.0.0.2")), 1,
                OnDnsFailure.SKIP, Code.SBL_LISTED, null));
        r.add(new Row("unmapped zen answer", List.of(ZEN), List.of(listed("127.0.0.9")), 1, OnDnsFailure.SKIP, null, null));
        r.add(new Row("not listed", List.of(ZEN), List.of(NOT_LISTED), 1, OnDnsFailure.SKIP, null, null));
        r.add(new Row("refused answer is no listing", List.of(ZEN), List.of(listed("127.255.255.254")), 1,
                OnDnsFailure.TEMPFAIL, null, null));
        r.add(new Row("bogus answer is no listing", List.of(SPAMCOP), List.of(listed("192.0.2.1")), 1,
                OnDnsFailure.SKIP, null, null));
        r.add(new Row("generic zone", List.of(ZEN, SPAMCOP), List.of(NOT_LISTED, listed("127.0.0.2")), 1,
                OnDnsFailure.SKIP, Code.RBL_LISTED, "bl.spamcop.net"));
        r.add(new Row("heaviest list gives the code", List.of(ZEN, OWN), List.of(listed("127.0.0.2"), listed("127.0.0.2")), 1,
                OnDnsFailure.SKIP, Code.OWN_RBL_LISTED, "our RBL"));
        r.add(new Row("below the threshold", List.of(ZEN, SPAMCOP), List.of(listed("127.0.0.4"), NOT_LISTED), 2,
                OnDnsFailure.SKIP, null, null));
        r.add(new Row("weights add up to the threshold", List.of(ZEN, SPAMCOP), List.of(listed("127.0.0.4"), listed("127.0.0.2")),
                2, OnDnsFailure.SKIP, Code.XBL_LISTED, null));
        r.add(new Row("allow-list subtracts", List.of(ZEN, OWN, DNSWL),
                List.of(listed("127.0.0.2"), listed("127.0.0.2"), listed("127.0.0.3")), 1, OnDnsFailure.SKIP, null, null));
        r.add(new Row("timeout skipped", List.of(ZEN), List.of(TIMEOUT), 1, OnDnsFailure.SKIP, null, null));
        r.add(new Row("timeout tempfails", List.of(ZEN), List.of(TIMEOUT), 1, OnDnsFailure.TEMPFAIL, Code.DNS_TEMPFAIL, null));
        r.add(new Row("a listing beats another zone's timeout", List.of(ZEN, SPAMCOP), List.of(TIMEOUT, listed("127.0.0.2")), 1,
                OnDnsFailure.TEMPFAIL, Code.RBL_LISTED, "bl.spamcop.net"));
        r.add(new Row("zone suspended for errors tempfails", List.of(ZEN), List.of(ZoneAnswer.suspended(ZoneHealth.Reason.ERRORS)),
                1, OnDnsFailure.TEMPFAIL, Code.DNS_TEMPFAIL, null));
        r.add(new Row("zone suspended as blocked is skipped", List.of(ZEN),
                List.of(ZoneAnswer.suspended(ZoneHealth.Reason.BLOCKED)), 1, OnDnsFailure.TEMPFAIL, null, null));
        return r.stream();
    }

    @ParameterizedTest
    @MethodSource("rows")
    void decisions(Row row) {
        Verdict v = DnsblCheck.decide(row.zones(), row.answers(), row.threshold(), row.onFailure());
        assertEquals(row.expected(), v.code(), row.what());
        if (row.zone() != null) assertEquals(Map.of("zone", row.zone()), v.vars());
        if (row.expected() == Code.DNS_TEMPFAIL) assertTrue(v instanceof Verdict.Defer);
        else if (row.expected() != null) assertTrue(v instanceof Verdict.Reject);
    }

    @Test
    void configDefaultsFollowTheSeeds() {
        DnsblConfig c = new DnsblConfig(null, null, null, null, null, null, null, null, null, null);
        assertEquals("zen.spamhaus.org", c.zones().get(0).zone());
        assertEquals(DnsblConfig.EnforceAt.RCPT, c.enforceAt());
        assertEquals(OnDnsFailure.SKIP, c.onDnsFailure());
        assertEquals(List.of("postmaster", "abuse"), c.exemptRecipients());
        assertThrows(IllegalArgumentException.class, () -> new DnsblConfig.Answer(List.of("127.0.0.2"), null, 1));
        assertThrows(IllegalArgumentException.class, () -> new DnsblConfig.Answer(List.of("127.0.0.2"), "greylisted", 1));
        assertThrows(IllegalArgumentException.class, () -> new DnsblConfig.Answer(List.of("127.0.0.2"), "no-such-code", 1));
        assertThrows(IllegalArgumentException.class, () -> new DnsblConfig.Zone("bad zone", null, null, null, null));
    }
}
