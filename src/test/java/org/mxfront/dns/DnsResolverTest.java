// The resolver's contract: answers cached for their TTL within [min-ttl, max-ttl] (NXDOMAIN for
// its SOA's), failures and timeouts never cached, every future complete within the timeout, and
// reverse lookups forward-confirmed. Against an in-process fake DNS server, on a clock moved by hand.
package org.mxfront.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Type;

class DnsResolverTest {
    FakeDnsServer server;
    MutableClock clock = new MutableClock();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    DnsResolver dns;

    @BeforeEach
    void start() throws Exception {
        server = new FakeDnsServer();
        dns = new DnsResolver(DnsConfig.of(List.of(server.address()), Duration.ofMillis(500), false,
                new DnsConfig.CacheConfig(1000, Duration.ofSeconds(60), Duration.ofHours(1))), registry, clock);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private DnsResult a(String name) {
        return dns.lookup(name, Type.A).join();
    }

    @Test
    void answerIsCachedForItsTtlButAtLeastMinTtl() {
        server.add("short.test. 5 IN A 192.0.2.1");
        assertEquals(DnsResult.Status.ANSWER, a("short.test").status());
        assertEquals(5, a("short.test").ttl());
        assertKeptFor("short.test", Duration.ofSeconds(60));
        assertEquals(2.0, registry.find("mxfront.dns.cache.lookups").tag("result", "hit").counter().count());
        assertEquals(2.0, registry.find("mxfront.dns.cache.lookups").tag("result", "miss").counter().count());
    }

    @Test
    void longTtlIsCutToMaxTtl() {
        server.add("long.test. 86400 IN A 192.0.2.1");
        a("long.test");
        assertKeptFor("long.test", Duration.ofHours(1)); // max-ttl, not the record's day
    }

    @Test
    void nxdomainIsAnAnswerKeptForItsSoaTtl() {
        server.negativeTtl = 300;
        DnsResult r = a("missing.test");
        assertEquals(DnsResult.Status.NO_SUCH_DOMAIN, r.status());
        assertEquals(300, r.ttl());
        assertKeptFor("missing.test", Duration.ofSeconds(300));
    }

    /**
     * After one lookup of {@code name}: answered from the cache 1 s before {@code ttl} is over (one query to
     * the server so far), asked again 1 s after (two).
     */
    void assertKeptFor(String name, Duration ttl) {
        clock.advance(ttl.minusSeconds(1));
        a(name);
        assertEquals(1, server.queries(name, Type.A));
        clock.advance(Duration.ofSeconds(2));
        a(name);
        assertEquals(2, server.queries(name, Type.A));
    }

    @Test
    void nameWithoutThatTypeIsNoData() {
        server.add("mxonly.test. 300 IN MX 10 mx.test.");
        assertEquals(DnsResult.Status.NO_DATA, a("mxonly.test").status());
        assertEquals(DnsResult.Status.ANSWER, dns.lookup("mxonly.test", Type.MX).join().status());
    }

    @Test
    void failuresAreNotCached() {
        server.servfail("broken.test");
        assertEquals(DnsResult.Status.FAILURE, a("broken.test").status());
        assertEquals(DnsResult.Status.FAILURE, a("broken.test").status());
        assertEquals(2, server.queries("broken.test", Type.A));
    }

    @Test
    void aServerThatNeverAnswersGivesTimeoutWithinTheTimeoutAndNothingIsCached() {
        server.silence("slow.test");
        assertEquals(DnsResult.Status.TIMEOUT, a("slow.test").status());
        assertEquals(DnsResult.Status.TIMEOUT, a("slow.test").status());
        // Not cached: the second lookup asked the server again. (Under load the datagram may land a
        // moment after our deadline, so wait for it rather than count at once.)
        long end = System.nanoTime() + 5_000_000_000L;
        while (server.queries("slow.test", Type.A) < 2 && System.nanoTime() < end) Thread.onSpinWait();
        assertEquals(2, server.queries("slow.test", Type.A));
    }

    @Test
    void invalidNamesDoNotExist() {
        assertEquals(DnsResult.Status.NO_SUCH_DOMAIN, a("a..b").status());
    }

    @Test
    void reverseNameIsForwardConfirmed() throws Exception {
        server.add("2.2.0.192.in-addr.arpa. 300 IN PTR good.test.");
        server.add("good.test. 300 IN A 192.0.2.2");
        server.add("3.2.0.192.in-addr.arpa. 300 IN PTR liar.test.");
        server.add("liar.test. 300 IN A 192.0.2.99");
        ReverseName good = dns.reverse(InetAddress.getByName("192.0.2.2")).join();
        assertEquals(ReverseName.Status.VERIFIED, good.status());
        assertEquals("good.test", good.name());
        ReverseName liar = dns.reverse(InetAddress.getByName("192.0.2.3")).join();
        assertEquals(ReverseName.Status.UNVERIFIED, liar.status());
        assertEquals(List.of("liar.test"), liar.ptrNames());
        assertEquals(ReverseName.Status.NO_PTR, dns.reverse(InetAddress.getByName("192.0.2.4")).join().status());
    }

    @Test
    void classlessDelegationCnameIsFollowed() throws Exception {
        server.add("5.2.0.192.in-addr.arpa. 300 IN CNAME 5.0-63.2.0.192.in-addr.arpa.");
        server.add("5.0-63.2.0.192.in-addr.arpa. 300 IN PTR five.test.");
        server.add("five.test. 300 IN AAAA 2001:db8::5");
        server.add("five.test. 300 IN A 192.0.2.5");
        ReverseName r = dns.reverse(InetAddress.getByName("192.0.2.5")).join();
        assertEquals("five.test", r.name());
    }

    @Test
    void ipv6ReverseUsesAaaa() throws Exception {
        server.add("1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa. 300 IN PTR six.test.");
        server.add("six.test. 300 IN AAAA 2001:db8::1");
        assertEquals("six.test", dns.reverse(InetAddress.getByName("2001:db8::1")).join().name());
    }

    @Test
    void reverseOfADeadServerFailsWithinTheTimeout() throws Exception {
        server.silence("6.2.0.192.in-addr.arpa");
        assertEquals(ReverseName.Status.FAILED, dns.reverse(InetAddress.getByName("192.0.2.6")).join().status());
    }
}
