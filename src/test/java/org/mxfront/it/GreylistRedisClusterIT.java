// Greylisting on a real three-node Redis Cluster (redis-server --cluster-enabled, joined with
// redis-cli --cluster create): the store in cluster mode reads a client's two records with one
// MGET (hash tags keep them in one slot), a tuple greylisted on one daemon passes on another, and
// `mxfront greylist list` scans every node.
package org.mxfront.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GreylistRedisClusterIT {
    @TempDir
    static Path tmp;
    static SmtpSink sink;
    static final List<Process> nodes = new ArrayList<>();
    static final List<Integer> ports = new ArrayList<>();

    /** A free port whose cluster bus port (+10000) is free too. */
    static int clusterPort() {
        for (int i = 0; i < 200; i++) {
            int p = ThreadLocalRandom.current().nextInt(20000, 45000);
            if (free(p) && free(p + 10000) && !ports.contains(p)) return p;
        }
        throw new IllegalStateException("no free port pair");
    }

    static boolean free(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor(60, TimeUnit.SECONDS);
        return out;
    }

    @BeforeAll
    static void start() throws Exception {
        sink = SmtpSink.start(tmp);
        for (int i = 0; i < 3; i++) {
            int port = clusterPort();
            ports.add(port);
            Path dir = Files.createDirectories(tmp.resolve("node" + port));
            nodes.add(new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                    "--cluster-enabled", "yes", "--cluster-config-file", dir.resolve("nodes.conf").toString(),
                    "--save", "", "--appendonly", "no", "--dir", dir.toString()).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("redis.log").toFile()).start());
            Ports.awaitListening(port, Duration.ofSeconds(10));
        }
        List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
        for (int p : ports) create.add("127.0.0.1:" + p);
        create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
        String out = run(create.toArray(String[]::new));
        assertTrue(out.contains("All 16384 slots covered"), out);
        Ports.await(() -> {
            try {
                return ports.stream().allMatch(p -> {
                    try {
                        return run("redis-cli", "-p", Integer.toString(p), "cluster", "info").contains("cluster_state:ok");
                    } catch (Exception e) {
                        return false;
                    }
                });
            } catch (RuntimeException e) {
                return false;
            }
        }, Duration.ofSeconds(30), "the cluster to be ok");
    }

    @AfterAll
    static void stop() throws Exception {
        for (Process p : nodes) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        if (sink != null) sink.close();
    }

    static String yaml() {
        return """
                checks:
                  relay: {}
                  greylist:
                    delay: 2s
                    ipv4-prefix: 32
                    allow-clients-file: ""
                    store:
                      type: redis
                      redis-uri: redis://127.0.0.1:%d
                      redis-cluster: true
                """.formatted(ports.get(0));
    }

    @Test
    void greylistingWorksOnARedisCluster() throws Exception {
        try (Mxfront a = Mxfront.start(sink.port, yaml()); Mxfront b = Mxfront.start(sink.port, yaml())) {
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
