// A real PostgreSQL 15 (Debian package postgresql) in a temporary directory on a free loopback port,
// for the policy store's ITs: initdb with trust authentication for user mx, then pg_ctl start/stop.
// As root, the binaries run as the postgres user (initdb refuses root). Stop and start again on the
// same port to test the "database down" path. startTls: the same with ssl=on, a server certificate
// for localhost and 127.0.0.1 signed by a CA made here with openssl, and pg_hba.conf allowing only
// hostssl connections over TCP (a plain one is refused).
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
    /** The CA that signed the server certificate (startTls only), for pgjdbc's sslrootcert. */
    Path caFile;
    private boolean running;

    private PostgresServer(int port, Path dir) {
        this.port = port;
        this.dir = dir;
    }

    static boolean available() {
        return Files.isExecutable(Path.of(BIN, "initdb"));
    }

    static PostgresServer start(Path parent) throws IOException, InterruptedException {
        return start(parent, false);
    }

    /** A server that accepts TCP connections over TLS only (hostssl), its certificate signed by {@link #caFile}. */
    static PostgresServer startTls(Path parent) throws IOException, InterruptedException {
        return start(parent, true);
    }

    private static PostgresServer start(Path parent, boolean tls) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory(parent, "pg");
        PostgresServer s = new PostgresServer(Ports.free(), dir);
        if (root()) {
            dir.toFile().setWritable(true, false);
            dir.toFile().setExecutable(true, false);
            parent.toFile().setExecutable(true, false);
            run(List.of("chown", "postgres", dir.toString()));
        }
        s.pg(BIN + "/initdb -D " + dir.resolve("data") + " -U mx --auth=trust -E UTF8 -A trust");
        if (tls) {
            Path certs = Files.createDirectories(dir.resolve("certs"));
            s.caFile = ca(certs, "ca");
            run(List.of("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", certs.resolve("server.key").toString(),
                    "-out", certs.resolve("server.csr").toString(), "-subj", "/CN=localhost"));
            Files.writeString(certs.resolve("server.ext"), "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
                    + "extendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n");
            run(List.of("openssl", "x509", "-req", "-in", certs.resolve("server.csr").toString(), "-CA", s.caFile.toString(),
                    "-CAkey", certs.resolve("ca.key").toString(), "-CAcreateserial", "-days", "2", "-extfile",
                    certs.resolve("server.ext").toString(), "-out", certs.resolve("server.crt").toString()));
            // PostgreSQL refuses a key readable by others; as root, the server runs as postgres
            if (root()) run(List.of("chown", "-R", "postgres", certs.toString()));
            run(List.of("chmod", "600", certs.resolve("server.key").toString()));
            Path data = dir.resolve("data");
            Files.writeString(data.resolve("postgresql.conf"), "\nssl = on\nssl_cert_file = '" + certs.resolve("server.crt")
                    + "'\nssl_key_file = '" + certs.resolve("server.key") + "'\n", java.nio.file.StandardOpenOption.APPEND);
            // TCP only over TLS; the Unix socket (pg_ctl -w uses it) stays open to mx
            Files.writeString(data.resolve("pg_hba.conf"), "local all all trust\nhostssl all all 127.0.0.1/32 trust\n");
        }
        s.startAgain();
        return s;
    }

    /** A self-signed CA certificate NAME.crt (key NAME.key) in dir, made with openssl. */
    static Path ca(Path dir, String name) throws IOException, InterruptedException {
        Path crt = dir.resolve(name + ".crt");
        run(List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=mxfront test CA " + name,
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
                "-keyout", dir.resolve(name + ".key").toString(), "-out", crt.toString()));
        return crt;
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
