// A real redis-server (Debian package redis-server) on a free loopback port, without persistence,
// for the greylisting and rate-limit ITs: plain, a replica of another, or (the same binary with
// --sentinel) a sentinel. It can be killed and started again on the same port (store down, back).
package org.mxfront.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

final class RedisServer implements AutoCloseable {
    final int port;
    private final Path dir;
    private final List<String> leading;
    private final List<String> trailing;
    private Process process;

    private RedisServer(int port, Path dir, List<String> leading, List<String> trailing) {
        this.port = port;
        this.dir = dir;
        this.leading = leading;
        this.trailing = trailing;
    }

    static RedisServer start(Path dir) throws IOException {
        return start(new RedisServer(Ports.free(), dir, List.of(), List.of()));
    }

    /** A replica of the server on 127.0.0.1:masterPort. */
    static RedisServer replicaOf(Path dir, int masterPort) throws IOException {
        return start(new RedisServer(Ports.free(), dir, List.of(), List.of("--replicaof", "127.0.0.1 " + masterPort)));
    }

    /**
     * A sentinel (quorum 1) watching the master 127.0.0.1:masterPort as {@code name}: down after 1 s
     * without an answer, failover timeout 5 s. Its config file (which it rewrites) is in dir.
     */
    static RedisServer sentinel(Path dir, int masterPort, String name) throws IOException {
        int port = Ports.free();
        Path conf = dir.resolve("sentinel-" + port + ".conf");
        Files.writeString(conf, """
                sentinel monitor %1$s 127.0.0.1 %2$d 1
                sentinel down-after-milliseconds %1$s 1000
                sentinel failover-timeout %1$s 5000
                """.formatted(name, masterPort));
        return start(new RedisServer(port, dir, List.of(conf.toString(), "--sentinel"), List.of()));
    }

    private static RedisServer start(RedisServer r) throws IOException {
        r.startAgain();
        return r;
    }

    String uri() {
        return "redis://127.0.0.1:" + port + "/0";
    }

    /** Starts the server (again) on its port. */
    void startAgain() throws IOException {
        List<String> cmd = new ArrayList<>(List.of("redis-server"));
        cmd.addAll(leading);
        cmd.addAll(List.of("--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--daemonize", "no", "--dir", dir.toString()));
        cmd.addAll(trailing);
        process = new ProcessBuilder(cmd)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis-" + port + ".log").toFile()))
                .start();
        Ports.awaitListening(port, Duration.ofSeconds(10));
    }

    /** The reply of {@code redis-cli -p PORT args...} (one line per element). */
    String cli(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("redis-cli", "-p", Integer.toString(port)));
        cmd.addAll(List.of(args));
        return RedisClusterServers.run(cmd.toArray(String[]::new));
    }

    /** Kills the server at once (SIGKILL): the store is down. */
    void kill() throws InterruptedException {
        Processes.kill(process);
    }

    @Override
    public void close() {
        try {
            if (process != null) kill();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
