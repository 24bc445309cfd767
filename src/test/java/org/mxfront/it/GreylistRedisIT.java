// Greylisting with a real redis-server shared by two mxfront daemons (two MX hosts): a tuple
// greylisted on A passes on B after the delay; with Redis killed mail still flows (fail open, exact
// 250 replies, the message reaches the downstream); greylisting resumes when Redis is back on the
// same port. Polling, no timing assertions.
package org.mxfront.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;

@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GreylistRedisIT {
    @TempDir
    static Path tmp;
    static final SinkFixture sink = new SinkFixture(); // these two started by a and b, which need them
    static final RedisFixture redis = new RedisFixture();
    @RegisterExtension
    static final MxfrontFixture a = MxfrontFixture.relayingTo(sink).with(GreylistRedisIT::yaml, redis);
    @RegisterExtension
    static final MxfrontFixture b = a.twin(); // a second host on the same store

    static String yaml() {
        return "checks:\n  relay: {}\n" + DoorYaml.GREYLIST_2S + DoorYaml.redisStore(redis.uri(), false);
    }

    @Test
    @Order(1)
    void greylistedOnAPassesOnB() throws Exception {
        List<String> onA = Greylisting.rcpt(a.get(), "127.0.0.2", "alice@sender.example", "bob@example.com");
        System.out.println("node A: " + onA);
        assertEquals(GreylistIT.greylisted(2, "127.0.0.2"), onA);
        List<String> onB = GreylistIT.retryUntilAccepted(b.get(), "127.0.0.2", "alice@sender.example", "bob@example.com", "via node B");
        System.out.println("node B: " + onB);
        assertEquals("250 2.1.5 Ok", onB.get(0));
        assertTrue(onB.get(1).startsWith("250 2.0.0 Ok"), onB.toString());
        sink.awaitMessageContaining("Subject: via node B");
        assertEquals(0.0, Greylisting.decisions(b.get(), "new"), "B never saw the tuple as new: it shares A's store");
        assertEquals(1.0, Greylisting.decisions(b.get(), "passed"));
        assertEquals(List.of("250 2.1.5 Ok"), Greylisting.rcpt(a.get(), "127.0.0.2", "other@sender.example", "carol@example.com"),
                "auto-allowed on A by the pass on B");

        Path cfg = tmp.resolve("redis-cli.yml");
        Files.writeString(cfg, "state-directory: " + tmp.resolve("cli-state") + "\n" + yaml());
        org.mxfront.Cli.Run list = Greylisting.cli("greylist", "list", "-c", cfg.toString());
        System.out.println("greylist list (redis): " + list.out());
        assertEquals(0, list.exit(), list.err());
        assertTrue(list.out().contains("client\t127.0.0.2/32\t"), list.out());
        assertTrue(list.out().contains("tuple\t127.0.0.2/32|alice@sender.example|bob@example.com\t"), list.out());
    }

    @Test
    @Order(2)
    void withRedisDownMailFlowsAndGreylistingResumesWhenItIsBack() throws Exception {
        redis.get().kill();
        List<String> r = Greylisting.send(a.get(), "127.0.0.3", "down@sender.example", "bob@example.com", "redis down");
        System.out.println("redis down: " + r);
        assertEquals("250 2.1.5 Ok", r.get(0));
        assertTrue(r.get(1).startsWith("250 2.0.0 Ok"), r.toString());
        sink.awaitMessageContaining("Subject: redis down");
        assertEquals(List.of("250 2.1.5 Ok"), Greylisting.rcpt(b.get(), "127.0.0.3", "down2@sender.example", "bob@example.com"));
        assertTrue(Greylisting.decisions(a.get(), "store_error") >= 1.0);
        assertTrue(Greylisting.decisions(b.get(), "store_error") >= 1.0);

        redis.get().startAgain();
        AtomicInteger n = new AtomicInteger();
        Ports.await(() -> {
            try {
                List<String> x = Greylisting.rcpt(a.get(), "127.0.0.3", "back" + n.incrementAndGet() + "@sender.example", "bob@example.com");
                if (x.equals(List.of("250 2.1.5 Ok"))) {
                    Thread.sleep(200);
                    return false;
                }
                assertEquals(GreylistIT.greylisted(2, "127.0.0.3"), x);
                System.out.println("redis back: " + x);
                return true;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }, Duration.ofSeconds(30), "greylisting to resume with Redis back");
    }
}
