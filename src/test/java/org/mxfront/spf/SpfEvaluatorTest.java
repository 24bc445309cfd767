// The SPF evaluator against RFC 7208's rules, on a fake DNS: every mechanism, redirect, exp, macros,
// and the limits (10 DNS-querying terms, 2 void lookups, include loops), each result reachable.
package org.mxfront.spf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.mxfront.spf.SpfResult.Result;

class SpfEvaluatorTest {
    static final String ZONE = """
            pass4       IN TXT "v=spf1 ip4:192.0.2.0/24 -all"
            pass6       IN TXT "v=spf1 ip6:2001:db8::/32 -all"
            viaa        IN TXT "v=spf1 a:host.viaa.test/24 -all"
            host.viaa   IN A   192.0.2.77
            viamx       IN TXT "v=spf1 mx -all"
            viamx       IN MX  10 mx1.viamx.test.
            mx1.viamx   IN A   192.0.2.10
            soft        IN TXT "v=spf1 ~all"
            neutral     IN TXT "v=spf1 ?all"
            noall       IN TXT "v=spf1 ip4:10.0.0.1"
            notspf      IN TXT "some other text"
            two         IN TXT "v=spf1 -all"
            two         IN TXT "v=spf1 +all"
            inc         IN TXT "v=spf1 include:pass4.test -all"
            incnone     IN TXT "v=spf1 include:notspf.test -all"
            loop1       IN TXT "v=spf1 include:loop2.test -all"
            loop2       IN TXT "v=spf1 include:loop1.test -all"
            eleven      IN TXT "v=spf1 a:a1.test a:a2.test a:a3.test a:a4.test a:a5.test a:a6.test a:a7.test a:a8.test a:a9.test a:a10.test a:a11.test -all"
            ten         IN TXT "v=spf1 a:a1.test a:a2.test a:a3.test a:a4.test a:a5.test a:a6.test a:a7.test a:a8.test a:a9.test ip4:192.0.2.1 -all"
            a1 IN A 10.0.0.1
            a2 IN A 10.0.0.1
            a3 IN A 10.0.0.1
            a4 IN A 10.0.0.1
            a5 IN A 10.0.0.1
            a6 IN A 10.0.0.1
            a7 IN A 10.0.0.1
            a8 IN A 10.0.0.1
            a9 IN A 10.0.0.1
            a10 IN A 10.0.0.1
            a11 IN A 10.0.0.1
            void3       IN TXT "v=spf1 a:nx1.test a:nx2.test a:nx3.test -all"
            void2       IN TXT "v=spf1 a:nx1.test a:nx2.test ip4:192.0.2.1 -all"
            redir       IN TXT "v=spf1 redirect=pass4.test"
            redirnone   IN TXT "v=spf1 redirect=notspf.test"
            twoexp      IN TXT "v=spf1 exp=e.test exp=e.test -all"
            bad         IN TXT "v=spf1 foo:bar -all"
            badmacro    IN TXT "v=spf1 exists:%{x}.test -all"
            nodot       IN TXT "v=spf1 a:localhost -all"
            withexp     IN TXT "v=spf1 -all exp=explain.withexp.test"
            explain.withexp IN TXT "%{l} from %{i} may not send for %{d} (%{o})"
            exists      IN TXT "v=spf1 exists:%{ir}.%{l1r+-}._spf.%{d} -all"
            2.2.0.192.alice._spf.exists IN A 127.0.0.2
            deadinc     IN TXT "v=spf1 include:dead.test -all"
            ptr         IN TXT "v=spf1 ptr -all"
            unknownmod  IN TXT "v=spf1 foo=bar ip4:192.0.2.2 -all"
            """;
    static final String REVERSE = """
            $ORIGIN 2.0.192.in-addr.arpa.
            2 IN PTR mail.ptr.test.
            """;

    final FakeDns dns = new FakeDns(ZONE + REVERSE + "$ORIGIN test.\nmail.ptr IN A 192.0.2.2\n").dead("dead.test");
    final SpfEvaluator spf = new SpfEvaluator(dns, "mx.test", Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));

    SpfResult check(String ip, String sender) throws Exception {
        return spf.check(InetAddress.getByName(ip), sender, "client.example");
    }

    @Test
    void mechanismsThatPass() throws Exception {
        assertEquals(Result.PASS, check("192.0.2.2", "a@pass4.test").result());
        assertEquals(Result.PASS, check("2001:db8::1", "a@pass6.test").result());
        assertEquals(Result.PASS, check("192.0.2.200", "a@viaa.test").result());
        assertEquals(Result.PASS, check("192.0.2.10", "a@viamx.test").result());
        assertEquals(Result.PASS, check("192.0.2.2", "a@inc.test").result());
        assertEquals(Result.PASS, check("192.0.2.2", "a@redir.test").result());
        assertEquals(Result.PASS, check("192.0.2.2", "alice@exists.test").result());
        assertEquals(Result.PASS, check("192.0.2.2", "a@ptr.test").result());
        assertEquals(Result.PASS, check("192.0.2.2", "a@unknownmod.test").result());
    }

    @Test
    void failSoftfailNeutralNone() throws Exception {
        SpfResult f = check("198.51.100.1", "a@pass4.test");
        assertEquals(Result.FAIL, f.result());
        assertEquals("SPF check failed", f.explanation());
        assertEquals(Result.FAIL, check("192.0.2.9", "alice@exists.test").result());
        assertEquals(Result.FAIL, check("192.0.3.2", "a@ptr.test").result());
        assertEquals(Result.SOFTFAIL, check("198.51.100.1", "a@soft.test").result());
        assertEquals(Result.NEUTRAL, check("198.51.100.1", "a@neutral.test").result());
        assertEquals(Result.NEUTRAL, check("198.51.100.1", "a@noall.test").result());
        assertEquals(Result.NONE, check("198.51.100.1", "a@notspf.test").result());
        assertEquals(Result.NONE, check("198.51.100.1", "a@nxdomain.test").result());
        assertEquals(Result.NONE, check("198.51.100.1", "a@localhost").result());
    }

    @Test
    void explanationIsExpanded() throws Exception {
        SpfResult f = check("198.51.100.1", "bob@withexp.test");
        assertEquals(Result.FAIL, f.result());
        assertEquals("bob from 198.51.100.1 may not send for withexp.test (withexp.test)", f.explanation());
    }

    @Test
    void temperrorWhenTheServerDoesNotAnswer() throws Exception {
        assertEquals(Result.TEMPERROR, check("192.0.2.2", "a@dead.test").result());
        assertEquals(Result.TEMPERROR, check("192.0.2.2", "a@deadinc.test").result());
    }

    @Test
    void permerrors() throws Exception {
        SpfResult eleven = check("192.0.2.1", "a@eleven.test");
        assertEquals(Result.PERMERROR, eleven.result());
        assertTrue(eleven.reason().contains("more than 10"), eleven.reason());
        assertEquals(Result.PASS, check("192.0.2.1", "a@ten.test").result());
        SpfResult voids = check("192.0.2.1", "a@void3.test");
        assertEquals(Result.PERMERROR, voids.result());
        assertTrue(voids.reason().contains("void"), voids.reason());
        assertEquals(Result.PASS, check("192.0.2.1", "a@void2.test").result());
        SpfResult loop = check("192.0.2.1", "a@loop1.test");
        assertEquals(Result.PERMERROR, loop.result());
        assertEquals(Result.PERMERROR, check("192.0.2.1", "a@two.test").result());
        assertEquals(Result.PERMERROR, check("192.0.2.1", "a@incnone.test").result());
        assertEquals(Result.PERMERROR, check("192.0.2.1", "a@redirnone.test").result());
        assertEquals(Result.PERMERROR, check("192.0.2.1", "a@twoexp.test").result());
        assertEquals(Result.PERMERROR, check("192.0.2.1", "a@bad.test").result());
        assertEquals(Result.PERMERROR, check("192.0.2.1", "a@badmacro.test").result());
        assertEquals(Result.PERMERROR, check("192.0.2.1", "a@nodot.test").result());
    }

    @Test
    void nullSenderChecksTheHeloIdentity() throws Exception {
        SpfResult r = spf.check(InetAddress.getByName("192.0.2.5"), null, "pass4.test");
        assertEquals(Result.PASS, r.result());
        assertEquals("helo", r.identity());
        assertEquals("postmaster@pass4.test", r.sender());
    }

    @Test
    void macroTransformers() {
        assertEquals("1.2.0.192", String.join(".", reversed("192.0.2.1")));
        assertEquals("2.0.0.1.0.d.b.8.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1",
                SpfEvaluator.dotted(addr("2001:db8::1")));
    }

    static java.util.List<String> reversed(String s) {
        java.util.List<String> p = new java.util.ArrayList<>(SpfEvaluator.split(s, "."));
        java.util.Collections.reverse(p);
        return p;
    }

    static InetAddress addr(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
