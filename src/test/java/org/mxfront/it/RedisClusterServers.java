// A real three-node Redis Cluster on loopback (redis-server --cluster-enabled, joined with
// redis-cli --cluster create, no replicas) for the greylisting and rate-limit cluster ITs, as an
// object that starts and stops it.
package org.mxfront.it;

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

final class RedisClusterServers implements AutoCloseable {
    final List<Integer> ports = new ArrayList<>();
    private final List<Process> nodes = new ArrayList<>();

    /** Starts three nodes under dir and joins them; returns once the cluster says ok. */
    static RedisClusterServers start(Path dir) throws Exception {
        RedisClusterServers c = new RedisClusterServers();
        try {
            c.startNodes(dir);
        } catch (Exception | AssertionError e) {
            c.close();
            throw e;
        }
        return c;
    }

    private void startNodes(Path dir) throws Exception {
        for (int i = 0; i < 3; i++) {
            int port = clusterPort();
            ports.add(port);
            Path d = Files.createDirectories(dir.resolve("node" + port));
            nodes.add(new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                    "--cluster-enabled", "yes", "--cluster-config-file", d.resolve("nodes.conf").toString(),
                    "--save", "", "--appendonly", "no", "--dir", d.toString()).redirectErrorStream(true)
                    .redirectOutput(d.resolve("redis.log").toFile()).start());
            Ports.awaitListening(port, Duration.ofSeconds(10));
        }
        List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
        for (int p : ports) create.add("127.0.0.1:" + p);
        create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
        String out = run(create.toArray(String[]::new));
        assertTrue(out.contains("All 16384 slots covered"), out);
        Ports.await(() -> ports.stream().allMatch(p -> {
            try {
                return run("redis-cli", "-p", Integer.toString(p), "cluster", "info").contains("cluster_state:ok");
            } catch (Exception e) {
                return false;
            }
        }), Duration.ofSeconds(30), "the cluster to be ok");
    }

    /** The number of keys node i holds. */
    long keys(int i) throws Exception {
        return Long.parseLong(run("redis-cli", "-p", Integer.toString(ports.get(i)), "dbsize").trim());
    }

    /** A free port whose cluster bus port (+10000) is free too. */
    private int clusterPort() {
        for (int i = 0; i < 200; i++) {
            int p = ThreadLocalRandom.current().nextInt(20000, 45000);
            if (free(p) && free(p + 10000) && !ports.contains(p)) return p;
        }
        throw new IllegalStateException("no free port pair");
    }

    private static boolean free(int port) {
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

    @Override
    public void close() {
        for (Process p : nodes) {
            p.destroyForcibly();
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
