// A real redis-server (Debian package redis-server) on a free loopback port, without persistence,
// for the greylisting ITs. It can be killed and started again on the same port (store down, back).
package org.mxfront.it;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

final class RedisServer implements AutoCloseable {
    final int port;
    private final Path dir;
    private Process process;

    private RedisServer(int port, Path dir) {
        this.port = port;
        this.dir = dir;
    }

    static RedisServer start(Path dir) throws IOException {
        RedisServer r = new RedisServer(Ports.free(), dir);
        r.startAgain();
        return r;
    }

    String uri() {
        return "redis://127.0.0.1:" + port + "/0";
    }

    /** Starts the server (again) on its port. */
    void startAgain() throws IOException {
        process = new ProcessBuilder(List.of("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--daemonize", "no", "--dir", dir.toString()))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis-" + port + ".log").toFile()))
                .start();
        Ports.awaitListening(port, Duration.ofSeconds(10));
    }

    /** Kills the server at once (SIGKILL): the store is down. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
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
