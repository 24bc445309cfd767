// A real Redis Sentinel setup on loopback (redis-server, no extra package): a master, one replica
// (replicaof the master) and one sentinel with quorum 1 watching them as "mymaster", for the
// Sentinel ITs; as an object that starts and stops them. The master can be killed (SIGKILL) and
// the sentinel then promotes the replica.
package org.mxfront.it;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

final class RedisSentinelServers implements AutoCloseable {
    static final String MASTER_NAME = "mymaster";

    final RedisServer master;
    final RedisServer replica;
    final RedisServer sentinel;

    private RedisSentinelServers(RedisServer master, RedisServer replica, RedisServer sentinel) {
        this.master = master;
        this.replica = replica;
        this.sentinel = sentinel;
    }

    /** Starts the three under dir; returns once the replica is in sync and the sentinel knows it. */
    static RedisSentinelServers start(Path dir) throws Exception {
        RedisServer master = null, replica = null;
        try {
            master = RedisServer.start(dir);
            replica = RedisServer.replicaOf(dir, master.port);
            RedisServer replicaNow = replica;
            Ports.await(() -> call(() -> replicaNow.cli("info", "replication").contains("master_link_status:up")),
                    Duration.ofSeconds(30), "the replica to be in sync");
            RedisServer sentinel = RedisServer.sentinel(dir, master.port, MASTER_NAME);
            RedisSentinelServers s = new RedisSentinelServers(master, replica, sentinel);
            Ports.await(() -> call(() -> sentinel.cli("sentinel", "replicas", MASTER_NAME).contains("127.0.0.1:" + replicaNow.port)),
                    Duration.ofSeconds(30), "the sentinel to know the replica");
            return s;
        } catch (Exception | AssertionError e) {
            if (replica != null) replica.close();
            if (master != null) master.close();
            throw e;
        }
    }

    /** The URI mxfront is given: the sentinel and the master's name. */
    String uri() {
        return "redis-sentinel://127.0.0.1:" + sentinel.port + "/0#" + MASTER_NAME;
    }

    /** The master's port as the sentinel answers it now ({@code SENTINEL get-master-addr-by-name}). */
    int masterPort() throws Exception {
        List<String> addr = sentinel.cli("sentinel", "get-master-addr-by-name", MASTER_NAME).lines().toList();
        return Integer.parseInt(addr.get(1).trim());
    }

    /** The keys of the server on port (KEYS *). */
    static List<String> keys(RedisServer server) throws Exception {
        return server.cli("keys", "*").lines().filter(l -> !l.isBlank()).sorted().toList();
    }

    interface Check {
        boolean test() throws Exception;
    }

    static boolean call(Check c) {
        try {
            return c.test();
        } catch (Exception e) {
            return false;
        }
    }

    @Override
    public void close() {
        sentinel.close();
        replica.close();
        master.close();
    }
}
