// The rate-limit store through Redis Sentinel (redis-sentinel://SENTINEL/0#mymaster) on real
// processes: a master, one replica and one sentinel (quorum 1). The limit holds through the
// sentinel with the exact reply and its bucket is on the master; the master is killed (SIGKILL):
// until the sentinel promotes the replica mail flows (the store fails open and counts store_error,
// never a 4xx or 5xx of its own); then mxfront follows the failover by itself: the limit holds
// again, exactly, with the buckets on the promoted replica, and the bucket written before the
// failover (replicated) still counts. Then the old master comes back as a replica and a graceful
// SENTINEL FAILOVER promotes it again: mxfront follows that too. Polling, no timing assertions.
package org.mxfront.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisSentinelIT {
    static final String BUCKET = "mxfront:ratelimit:per-client/3/3600s/3:";

    static final RedisSentinelFixture redis = new RedisSentinelFixture(); // started by mx
    @RegisterExtension
    static final MxfrontFixture mx = MxfrontFixture.relayingToNewSink().with(RedisSentinelIT::yaml, redis);

    /** 3 messages per client an hour. */
    static String yaml() {
        return DoorYaml.rateLimits("per-client: {rate: 3/1h}") + DoorYaml.redisStore(redis.uri(), false);
    }

    @Test
    @Order(1)
    void theLimitHoldsThroughSentinelFailsOpenWithoutMasterAndFollowsTheFailover() throws Exception {
        RedisSentinelServers r = redis.get();
        Mxfront m = mx.get();
        assertEquals(r.master.port, r.masterPort());

        // through the sentinel: 3 pass, the 4th gets the exact reply; the bucket is on the master
        assertThreeThenRefused(m, "127.0.0.2");
        assertEquals(List.of(BUCKET + "127.0.0.2"), RedisSentinelServers.keys(r.master));
        assertEquals(0.0, RateLimiting.decisions(m, "per-client", "store_error"));
        Ports.await(() -> RedisSentinelServers.call(() -> RedisSentinelServers.keys(r.replica).contains(BUCKET + "127.0.0.2")),
                Duration.ofSeconds(30), "the bucket to be replicated");

        // no master: mail flows (fail open, as documented), counted as store_error
        long killed = System.nanoTime();
        r.master.kill();
        for (int i = 0; i < 5; i++) {
            assertEquals(List.of("250 2.1.0 Ok"), RateLimiting.mail(m, "127.0.0.3", "down" + i + "@sender.example"), "no master, attempt " + i);
        }
        assertTrue(RateLimiting.decisions(m, "per-client", "store_error") >= 1.0, "store errors counted");

        // the sentinel promotes the replica
        Ports.await(() -> RedisSentinelServers.call(() -> r.masterPort() == r.replica.port), Duration.ofSeconds(30),
                "the sentinel to promote the replica");
        long promoted = System.nanoTime();
        assertTrue(r.replica.cli("role").startsWith("master"), "the replica is now a master");

        // mxfront uses the new master by itself: a client's limit holds again
        AtomicInteger passed = new AtomicInteger();
        Ports.await(() -> {
            try {
                List<String> reply = RateLimiting.mail(m, "127.0.0.4", "back@sender.example");
                if (reply.equals(List.of("250 2.1.0 Ok"))) {
                    passed.incrementAndGet();
                    Thread.sleep(100);
                    return false;
                }
                assertEquals(RateLimiting.refused("127.0.0.4"), reply);
                return true;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }, Duration.ofSeconds(30), "the limit to hold again on the new master");
        long enforced = System.nanoTime();
        System.out.printf("sentinel failover: replica promoted %d ms after the kill, limit enforced again %d ms after the kill"
                + " (%d ms after the promotion, %d accepted meanwhile)%n", (promoted - killed) / 1_000_000,
                (enforced - killed) / 1_000_000, (enforced - promoted) / 1_000_000, passed.get());

        // exactly: a new client gets 3, then the exact reply; the buckets are on the promoted replica
        double errors = RateLimiting.decisions(m, "per-client", "store_error");
        assertThreeThenRefused(m, "127.0.0.5");
        assertEquals(errors, RateLimiting.decisions(m, "per-client", "store_error"), "no store error on the new master");
        List<String> keys = RedisSentinelServers.keys(r.replica);
        assertTrue(keys.contains(BUCKET + "127.0.0.4"), keys.toString());
        assertTrue(keys.contains(BUCKET + "127.0.0.5"), keys.toString());
        // the bucket written before the failover was replicated: that client is still over its limit
        assertEquals(RateLimiting.refused("127.0.0.2"), RateLimiting.mail(m, "127.0.0.2", "again@sender.example"));
    }

    @Test
    @Order(2)
    void aGracefulFailoverBackToTheOldMasterIsFollowedToo() throws Exception {
        RedisSentinelServers r = redis.get();
        Mxfront m = mx.get();
        assertEquals(r.replica.port, r.masterPort(), "after the first test");
        // the old master comes back (empty): the sentinel makes it a replica of the new master
        r.master.startAgain();
        List<String> buckets = RedisSentinelServers.keys(r.replica);
        Ports.await(() -> RedisSentinelServers.call(() -> r.master.cli("info", "replication").contains("master_link_status:up")
                && RedisSentinelServers.keys(r.master).equals(buckets)), Duration.ofSeconds(30),
                "the old master to be a replica in sync");
        double errors = RateLimiting.decisions(m, "per-client", "store_error");

        // SENTINEL FAILOVER: the old master is promoted back; the demoted one stays alive, and mxfront
        // moves once it is disconnected from it (the sentinel's reconfiguration kills its clients),
        // asking the sentinel for the master again; every reply meanwhile is a pass or the exact refusal
        long asked = System.nanoTime();
        assertEquals("OK", r.sentinel.cli("sentinel", "failover", RedisSentinelServers.MASTER_NAME).trim());
        Ports.await(() -> RedisSentinelServers.call(() -> r.masterPort() == r.master.port
                && r.master.cli("role").startsWith("master")), Duration.ofSeconds(30), "the sentinel to promote the old master");
        long promoted = System.nanoTime();
        // mxfront follows the sentinel's +switch-master at once: a write made a second after the
        // failover is on the new master (it used to go to the demoted one for about 11 s, and was lost)
        Thread.sleep(1000);
        List<String> soon = RateLimiting.mail(m, "127.0.0.8", "soon@sender.example");
        List<String> onNewMaster = RedisSentinelServers.keys(r.master);
        System.out.printf("graceful failover: a write %d ms after the promotion: %s, on the new master: %s%n",
                (System.nanoTime() - promoted) / 1_000_000, soon, onNewMaster.contains(BUCKET + "127.0.0.8"));
        assertEquals(List.of("250 2.1.0 Ok"), soon);
        assertTrue(onNewMaster.contains(BUCKET + "127.0.0.8"), "the bucket written 1 s after the failover is on the new master: " + onNewMaster);
        assertEquals(errors, RateLimiting.decisions(m, "per-client", "store_error"), "and it was not a store error");
        Ports.await(() -> {
            try {
                List<String> reply = RateLimiting.mail(m, "127.0.0.6", "switch@sender.example");
                if (reply.equals(List.of("250 2.1.0 Ok"))) {
                    Thread.sleep(100);
                    return false;
                }
                assertEquals(RateLimiting.refused("127.0.0.6"), reply);
                return RedisSentinelServers.keys(r.master).contains(BUCKET + "127.0.0.6");
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }, Duration.ofSeconds(30), "the limit to hold on the old master, promoted again");
        System.out.printf("graceful failover: old master promoted %d ms after SENTINEL FAILOVER, limit enforced on it %d ms after"
                + " the promotion, %.0f store errors meanwhile%n", (promoted - asked) / 1_000_000, (System.nanoTime() - promoted) / 1_000_000,
                RateLimiting.decisions(m, "per-client", "store_error") - errors);

        errors = RateLimiting.decisions(m, "per-client", "store_error");
        assertThreeThenRefused(m, "127.0.0.7");
        assertEquals(errors, RateLimiting.decisions(m, "per-client", "store_error"), "no store error on the master");
        assertTrue(RedisSentinelServers.keys(r.master).contains(BUCKET + "127.0.0.7"), "the bucket is on the master now");
        assertTrue(RedisSentinelServers.keys(r.master).containsAll(buckets), "the buckets from before the switch were replicated");
        assertEquals(RateLimiting.refused("127.0.0.5"), RateLimiting.mail(m, "127.0.0.5", "again@sender.example"), "replicated back");
    }

    private static void assertThreeThenRefused(Mxfront m, String client) throws Exception {
        for (int i = 1; i <= 3; i++) {
            assertEquals(List.of("250 2.1.0 Ok"), RateLimiting.mail(m, client, "s" + i + "@sender.example"), client + " #" + i);
        }
        List<String> fourth = RateLimiting.mail(m, client, "s4@sender.example");
        System.out.println("4th from " + client + ": " + fourth);
        assertEquals(RateLimiting.refused(client), fourth);
    }
}
