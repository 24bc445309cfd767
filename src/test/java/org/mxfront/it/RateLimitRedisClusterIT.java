// Rate limits on a real three-node Redis Cluster shared by two mxfront daemons: two rules at the
// same stage (per client and per sender domain, whose keys land in different slots, so the store runs
// one script per slot) hold across both hosts with the exact reply; the buckets are spread over the
// nodes; `mxfront ratelimit list` through a daemon scans every node and `reset` frees a client.
package org.mxfront.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.cluster.SlotHash;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mxfront.Cli;

class RateLimitRedisClusterIT {
    @RegisterExtension
    static final SinkFixture sink = new SinkFixture();
    @RegisterExtension
    static final RedisClusterFixture cluster = new RedisClusterFixture();

    static String yaml() {
        return DoorYaml.rateLimits("per-client: {rate: 3/1h}", "per-sender-domain: {key: [sender-domain], rate: 5/1h}")
                + DoorYaml.redisStore(cluster.uri(), true);
    }

    @Test
    void limitsHoldAcrossTwoDaemonsOnARedisCluster() throws Exception {
        Set<Integer> slots = new HashSet<>();
        for (int i = 2; i <= 7; i++) slots.add(SlotHash.getSlot("mxfront:ratelimit:per-client/3/3600s/3:127.0.0." + i));
        assertEquals(6, slots.size(), "the clients' buckets are in different slots");
        try (Mxfront a = Mxfront.start(sink.port(), yaml()); Mxfront b = Mxfront.start(sink.port(), yaml())) {
            for (int i = 2; i <= 7; i++) {
                String ip = "127.0.0." + i;
                assertEquals(List.of("250 2.1.0 Ok"), RateLimiting.mail(a, ip, "x" + i + "@s" + i + ".example"));
                assertEquals(List.of("250 2.1.0 Ok"), RateLimiting.mail(b, ip, "x" + i + "@s" + i + ".example"));
                assertEquals(List.of("250 2.1.0 Ok"), RateLimiting.mail(a, ip, "x" + i + "@s" + i + ".example"));
                assertEquals(RateLimiting.refused(ip), RateLimiting.mail(b, ip, "x" + i + "@s" + i + ".example"), ip);
            }
            // one sender domain from several clients: its own limit (5) across both daemons
            for (int i = 0; i < 5; i++) {
                assertEquals(List.of("250 2.1.0 Ok"), RateLimiting.mail(i % 2 == 0 ? a : b, "127.0.1." + i, "y@shared.example"));
            }
            List<String> sixth = RateLimiting.mail(b, "127.0.1.9", "y@shared.example");
            System.out.println("6th from shared.example: " + sixth);
            assertEquals(RateLimiting.refused("127.0.1.9"), sixth);
            assertEquals(1.0, RateLimiting.decisions(b, "per-sender-domain", "limited"));
            assertEquals(0.0, RateLimiting.decisions(a, "per-client", "store_error"));
            int nodesWithKeys = 0;
            for (int n = 0; n < 3; n++) if (cluster.keys(n) > 0) nodesWithKeys++;
            assertTrue(nodesWithKeys >= 2, "buckets spread over the nodes");

            Cli.Run list = Cli.run("ratelimit", "list", "--server", "127.0.0.1:" + b.httpPort(), "--match", "per-client/3/3600s/3:127.0.0.");
            assertEquals(0, list.exit(), list.err());
            for (int i = 2; i <= 7; i++) {
                assertTrue(list.out().contains("\nper-client/3/3600s/3:127.0.0." + i + "\t0\t"), list.out());
            }
            assertTrue(list.out().endsWith("6 buckets (redis " + cluster.uri() + " (cluster))\n"), list.out());
            Cli.Run reset = Cli.run("ratelimit", "reset", "per-client/3/3600s/3:127.0.0.5", "--server", "127.0.0.1:" + a.httpPort());
            assertEquals("reset per-client/3/3600s/3:127.0.0.5\n", reset.out());
            assertEquals(List.of("250 2.1.0 Ok"), RateLimiting.mail(b, "127.0.0.5", "z@s5.example"));
        }
    }
}
