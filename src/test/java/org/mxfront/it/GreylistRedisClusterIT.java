// Greylisting on a real three-node Redis Cluster (redis-server --cluster-enabled, joined with
// redis-cli --cluster create): the store in cluster mode reads a client's two records with one
// MGET (hash tags keep them in one slot), a tuple greylisted on one daemon passes on another, and
// `mxfront greylist list` scans every node.
package org.mxfront.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class GreylistRedisClusterIT {
    @TempDir
    static Path tmp;
    @RegisterExtension
    static final SinkFixture sink = new SinkFixture();
    @RegisterExtension
    static final RedisClusterFixture cluster = new RedisClusterFixture();

    static String yaml() {
        return "checks:\n  relay: {}\n" + DoorYaml.GREYLIST_2S + DoorYaml.redisStore(cluster.uri(), true);
    }

    @Test
    void greylistingWorksOnARedisCluster() throws Exception {
        try (Mxfront a = Mxfront.start(sink.port(), yaml()); Mxfront b = Mxfront.start(sink.port(), yaml())) {
            // several clients, so that their records land in different slots and nodes
            for (int i = 2; i <= 6; i++) {
                assertEquals(GreylistIT.greylisted(2, "127.0.0." + i),
                        Greylisting.rcpt(a, "127.0.0." + i, "cluster@sender.example", "bob@example.com"));
            }
            List<String> r = GreylistIT.retryUntilAccepted(b, "127.0.0.4", "cluster@sender.example", "bob@example.com", "cluster");
            assertEquals("250 2.1.5 Ok", r.get(0));
            assertEquals(0.0, Greylisting.decisions(b, "new"));
            assertEquals(0.0, Greylisting.decisions(a, "store_error"));
            Path cfg = tmp.resolve("cluster.yml");
            Files.writeString(cfg, "state-directory: " + tmp.resolve("cli-state") + "\n" + yaml());
            org.mxfront.Cli.Run list = Greylisting.cli("greylist", "list", "--tuples", "-c", cfg.toString());
            assertEquals(0, list.exit(), list.err());
            for (int i = 2; i <= 6; i++) {
                assertTrue(list.out().contains("tuple\t127.0.0." + i + "/32|cluster@sender.example|bob@example.com\t"), list.out());
            }
        }
    }
}
