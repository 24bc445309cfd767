// Rate limits shared by two mxfront daemons (two MX hosts) through a real redis-server: 3 messages
// per client across both, the 4th refused on either with the exact reply; the limit recovers after
// one interval; IPv6 clients are counted per /64 (behind a PROXY header from a trusted proxy); the admin
// command lists and resets a bucket through the running daemon; with Redis killed mail flows (fail
// open, counted), and once Redis is back on the same port the limit is enforced again. Polling, no
// timing assertions.
package org.mxfront.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mxfront.Cli;

@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RateLimitRedisIT {
    static final SinkFixture sink = new SinkFixture(); // these two started by a and b, which need them
    static final RedisFixture redis = new RedisFixture();
    @RegisterExtension
    static final MxfrontFixture a = MxfrontFixture.relayingTo(sink).with(RateLimitRedisIT::yaml, redis);
    @RegisterExtension
    static final MxfrontFixture b = a.twin(); // a second host on the same store

    /** 3 messages per client network at once, then one every 10 s (30/5m, burst 3). */
    static String yaml() {
        return "smtp:\n  trusted-proxies: [127.0.0.1/32]\n"
                + DoorYaml.rateLimits("per-client: {key: [client-ip], count: messages, rate: 30/5m, burst: 3}")
                + DoorYaml.redisStore(redis.uri(), false);
    }

    @Test
    @Order(1)
    void threeMessagesAcrossBothHostsThenTheFourthIsRefusedOnEither() throws Exception {
        assertEquals("250 2.0.0 Ok", prefix(RateLimiting.send(a.get(), "127.0.0.2", "alice@sender.example", "rl one")));
        assertEquals("250 2.0.0 Ok", prefix(RateLimiting.send(b.get(), "127.0.0.2", "alice@sender.example", "rl two")));
        assertEquals("250 2.0.0 Ok", prefix(RateLimiting.send(a.get(), "127.0.0.2", "carol@sender.example", "rl three")));
        sink.awaitMessageContaining("Subject: rl three");
        List<String> onB = RateLimiting.mail(b.get(), "127.0.0.2", "alice@sender.example");
        System.out.println("4th on B: " + onB);
        assertEquals(RateLimiting.refused("127.0.0.2"), onB);
        assertEquals(RateLimiting.refused("127.0.0.2"), RateLimiting.mail(a.get(), "127.0.0.2", "dave@sender.example"));
        assertEquals(List.of("250 2.1.0 Ok"), RateLimiting.mail(a.get(), "127.0.0.3", "alice@sender.example"), "another client");
        assertEquals(1.0, RateLimiting.decisions(b.get(), "per-client", "limited"));
        assertEquals(1.0, RateLimiting.decisions(a.get(), "per-client", "limited"));

        // one interval (10 s) later one more passes, and the next is refused again
        AtomicReference<List<String>> last = new AtomicReference<>();
        Ports.await(() -> {
            try {
                last.set(RateLimiting.mail(a.get(), "127.0.0.2", "alice@sender.example"));
                if (last.get().equals(List.of("250 2.1.0 Ok"))) return true;
                assertEquals(RateLimiting.refused("127.0.0.2"), last.get());
                Thread.sleep(500);
                return false;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }, Duration.ofSeconds(40), "the limit to recover");
        assertEquals(RateLimiting.refused("127.0.0.2"), RateLimiting.mail(b.get(), "127.0.0.2", "alice@sender.example"));
    }

    @Test
    @Order(2)
    void ipv6ClientsAreCountedPerSlash64() throws Exception {
        assertEquals(List.of("250 2.1.0 Ok"), RateLimiting.mail(a.get(), "2001:db8:1:2::1", "v6@sender.example"));
        assertEquals(List.of("250 2.1.0 Ok"), RateLimiting.mail(b.get(), "2001:db8:1:2::2", "v6@sender.example"));
        assertEquals(List.of("250 2.1.0 Ok"), RateLimiting.mail(a.get(), "2001:db8:1:2:ffff::3", "v6@sender.example"));
        List<String> r = RateLimiting.mail(b.get(), "2001:db8:1:2::99", "v6@sender.example");
        System.out.println("IPv6, 4th of the /64: " + r);
        assertEquals(RateLimiting.refused("2001:db8:1:2::99"), r);
        assertEquals(List.of("250 2.1.0 Ok"), RateLimiting.mail(b.get(), "2001:db8:1:3::1", "v6@sender.example"), "the next /64");

        Cli.Run list = Cli.run("ratelimit", "list", "--server", "127.0.0.1:" + a.get().httpPort(), "--match", "2001:db8");
        System.out.println("ratelimit list: " + list.out());
        assertEquals(0, list.exit(), list.err());
        assertTrue(list.out().startsWith("key\tavailable\tfull-at\n"), list.out());
        // available: what the bucket lets through now (one more every 10 s)
        assertTrue(list.out().matches("(?s).*\nper-client/30/300s/3:2001:db8:1:2::/64\t[0-3]\t20[0-9-]+T[0-9:.]+Z\n.*"), list.out());
        assertTrue(list.out().matches("(?s).*\nper-client/30/300s/3:2001:db8:1:3::/64\t[23]\t20[0-9-]+T[0-9:.]+Z\n.*"), list.out());
        assertTrue(list.out().endsWith("2 buckets (redis " + redis.uri() + ")\n"), list.out());
        Cli.Run reset = Cli.run("ratelimit", "reset", "per-client/30/300s/3:2001:db8:1:2::/64", "--server", "127.0.0.1:" + b.get().httpPort());
        assertEquals(0, reset.exit(), reset.err());
        assertEquals("reset per-client/30/300s/3:2001:db8:1:2::/64\n", reset.out());
        assertEquals(List.of("250 2.1.0 Ok"), RateLimiting.mail(a.get(), "2001:db8:1:2::99", "v6@sender.example"), "reset on B, seen on A");
        Cli.Run unknown = Cli.run("ratelimit", "reset", "per-client/30/300s/3:2001:db8:9::/64", "--server", "127.0.0.1:" + b.get().httpPort());
        assertEquals(1, unknown.exit(), "resetting a bucket that is not there fails");
        assertEquals("no bucket per-client/30/300s/3:2001:db8:9::/64\n", unknown.err());
        assertEquals("", unknown.out());
    }

    @Test
    @Order(3)
    void withRedisDownMailFlowsAndTheLimitHoldsAgainWhenItIsBack() throws Exception {
        redis.get().kill();
        for (int i = 0; i < 5; i++) {
            List<String> r = RateLimiting.send(i % 2 == 0 ? a.get() : b.get(), "127.0.0.4", "down@sender.example", "rl down " + i);
            assertEquals("250 2.0.0 Ok", prefix(r), r.toString());
        }
        sink.awaitMessageContaining("Subject: rl down 4");
        assertTrue(RateLimiting.decisions(a.get(), "per-client", "store_error") >= 3.0);
        assertTrue(RateLimiting.decisions(b.get(), "per-client", "store_error") >= 2.0);

        redis.get().startAgain();
        AtomicInteger passed = new AtomicInteger();
        Ports.await(() -> {
            try {
                List<String> r = RateLimiting.mail(b.get(), "127.0.0.4", "back@sender.example");
                if (r.equals(List.of("250 2.1.0 Ok"))) {
                    passed.incrementAndGet();
                    Thread.sleep(100);
                    return false;
                }
                assertEquals(RateLimiting.refused("127.0.0.4"), r);
                System.out.println("redis back: refused after " + passed.get() + " accepted");
                return true;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }, Duration.ofSeconds(30), "the limit to hold again with Redis back");
        assertEquals(RateLimiting.refused("127.0.0.4"), RateLimiting.mail(a.get(), "127.0.0.4", "back@sender.example"));
    }

    static String prefix(List<String> r) {
        return r.size() == 3 && r.get(2).startsWith("250 2.0.0 Ok") ? "250 2.0.0 Ok" : String.join(" / ", r);
    }
}
