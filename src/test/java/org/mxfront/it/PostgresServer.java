// A real PostgreSQL 15 (Debian package postgresql) in a temporary directory on a free loopback port,
// for the policy store's ITs: initdb with trust authentication for user mx, then pg_ctl start/stop.
// As root, the binaries run as the postgres user (initdb refuses root). Stop and start again on the
// same port to test the "database down" path.
package org.mxfront.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

final class PostgresServer implements AutoCloseable {
    static final String BIN = "/usr/lib/postgresql/15/bin";
    final int port;
    private final Path dir;
    private boolean running;

    private PostgresServer(int port, Path dir) {
        this.port = port;
        this.dir = dir;
    }

    static boolean available() {
        return Files.isExecutable(Path.of(BIN, "initdb"));
    }

    static PostgresServer start(Path parent) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory(parent, "pg");
        PostgresServer s = new PostgresServer(Ports.free(), dir);
        if (root()) {
            dir.toFile().setWritable(true, false);
            dir.toFile().setExecutable(true, false);
            parent.toFile().setExecutable(true, false);
            run(List.of("chown", "postgres", dir.toString()));
        }
        s.pg(BIN + "/initdb -D " + dir.resolve("data") + " -U mx --auth=trust -E UTF8 -A trust");
        s.startAgain();
        return s;
    }

    String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    void startAgain() throws IOException, InterruptedException {
        pg(BIN + "/pg_ctl -D " + dir.resolve("data") + " -o '-k " + dir + " -h 127.0.0.1 -p " + port
                + " -c fsync=off' -l " + dir.resolve("pg.log") + " -w start");
        running = true;
    }

    void stop() throws IOException, InterruptedException {
        pg(BIN + "/pg_ctl -D " + dir.resolve("data") + " -m fast -w stop");
        running = false;
    }

    private void pg(String command) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        if (root()) cmd.addAll(List.of("su", "postgres", "-s", "/bin/sh", "-c", command));
        else cmd.addAll(List.of("/bin/sh", "-c", command));
        run(cmd);
    }

    private static void run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out);
        }
    }

    private static boolean root() {
        return "root".equals(System.getProperty("user.name"));
    }

    @Override
    public void close() throws IOException, InterruptedException {
        if (running) stop();
    }
}
