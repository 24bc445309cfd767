// DMARC's pieces without a server: organisational domains (PSL, and names under no known suffix),
// record parsing, discovery at the organisational domain, alignment, pct sampling, From: addresses.
package org.mxfront.dmarc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mxfront.spf.FakeDns;

class DmarcEvaluatorTest {
    @Test
    void organisationalDomains() {
        assertEquals("example.co.uk", OrgDomain.of("mail.sub.example.co.uk"));
        assertEquals("example.com", OrgDomain.of("a.b.example.com."));
        assertEquals("example.com", OrgDomain.of("EXAMPLE.com"));
        assertEquals("lab.test", OrgDomain.of("x.y.lab.test"), "under no known suffix: the last two labels");
        assertEquals("localhost", OrgDomain.of("localhost"));
        assertTrue(OrgDomain.aligned("bounce.example.com", "example.com", false));
        assertFalse(OrgDomain.aligned("bounce.example.com", "example.com", true));
        assertFalse(OrgDomain.aligned("example.org", "example.com", false));
    }

    @Test
    void records() {
        DmarcRecord r = DmarcRecord.parse("v=DMARC1; p=quarantine; sp=reject; pct=50; adkim=s; rua=mailto:x@y", "d.test");
        assertEquals(DmarcRecord.Policy.QUARANTINE, r.policy());
        assertEquals(DmarcRecord.Policy.REJECT, r.subdomainPolicy());
        assertEquals(50, r.pct());
        assertTrue(r.strictDkim());
        assertFalse(r.strictSpf());
        assertEquals(DmarcRecord.Policy.REJECT, r.policyFor("sub.d.test"));
        assertEquals(DmarcRecord.Policy.QUARANTINE, r.policyFor("d.test"));
        assertNull(DmarcRecord.parse("v=DMARC1; p=bogus", "d.test"), "no valid p= and no rua=");
        assertEquals(DmarcRecord.Policy.NONE, DmarcRecord.parse("v=DMARC1; p=bogus; rua=mailto:a@b", "d.test").policy());
        assertNull(DmarcRecord.parse("p=reject; v=DMARC1", "d.test"), "v= must come first");
    }

    static final String ZONE = """
            _dmarc.org IN TXT "v=DMARC1; p=reject; sp=quarantine; pct=50"
            _dmarc.two IN TXT "v=DMARC1; p=reject"
            _dmarc.two IN TXT "v=DMARC1; p=none"
            """;

    DmarcResult eval(String from, int percentile, boolean spfPass, String spfDomain, String... dkim) {
        DmarcEvaluator e = new DmarcEvaluator(new DmarcDiscovery(new FakeDns(ZONE).dead("_dmarc.dead.test")), () -> percentile);
        return e.evaluate(from, spfPass, spfDomain, java.util.Arrays.stream(dkim).map(DmarcEvaluator.DkimPass::new).toList());
    }

    @Test
    void discoveryAlignmentAndSampling() {
        assertEquals(DmarcResult.Result.PASS, eval("org.test", 0, true, "bounce.org.test").result());
        assertEquals(DmarcResult.Result.PASS, eval("org.test", 0, false, null, "mail.org.test").result());
        DmarcResult f = eval("org.test", 10, true, "other.test", "other.test");
        assertEquals(DmarcResult.Result.FAIL, f.result());
        assertEquals(DmarcRecord.Policy.REJECT, f.applied(), "10 < pct=50: in the sample");
        assertEquals(DmarcRecord.Policy.QUARANTINE, eval("org.test", 70, false, null).applied(), "outside the sample: one milder");
        DmarcResult sub = eval("a.b.org.test", 10, false, null);
        assertEquals(DmarcRecord.Policy.QUARANTINE, sub.policy(), "sp= at the organisational domain");
        assertEquals(DmarcResult.Result.NONE, eval("nothing.test", 0, false, null).result());
        assertEquals(DmarcResult.Result.NONE, eval("two.test", 0, false, null).result(), "two records: no policy");
        assertEquals(DmarcResult.Result.TEMPERROR, eval("dead.test", 0, false, null).result());
    }

    @Test
    void fromAddresses() {
        assertEquals(List.of("alice@example.com"), FromAddresses.parse(" \"Alice, A.\" <alice@Example.COM> (work)"));
        assertEquals(List.of("a@x.test", "b@y.test"), FromAddresses.parse("a@x.test, Bob <b@y.test>"));
        assertEquals(List.of("a@x.test"), FromAddresses.parse("Team: a@x.test;"));
        assertEquals(List.of(), FromAddresses.parse("undisclosed"));
        assertEquals(List.of("\"odd,local\"@x.test"), FromAddresses.parse("<\"odd,local\"@x.test>"));
    }
}
