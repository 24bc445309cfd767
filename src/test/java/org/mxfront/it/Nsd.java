// Debian's NSD, an authoritative DNS server, on a loopback UDP port with zone files the test
// writes: PTR, MX, A records and negative answers (NXDOMAIN with SOA) for the DNS checks' tests.
// Public for the benchmarks (bench/sender-auth.sh publishes DKIM keys with it).
package org.mxfront.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

public final class Nsd implements AutoCloseable {
    public final int port;
    private final Process process;
    private final Path dir;

    private Nsd(int port, Process process, Path dir) {
        this.port = port;
        this.process = process;
        this.dir = dir;
    }

    /**
     * The head of a test zone file: $ORIGIN, $TTL 300, an SOA and an NS naming ns.test. (and, in the
     * zone test. itself, ns's address 127.0.0.1); the records follow.
     */
    public static String zoneHead(String origin) {
        return "$ORIGIN " + origin + ".\n$TTL 300\n@ IN SOA ns.test. hostmaster.test. 1 3600 600 86400 120\n@ IN NS ns.test.\n"
                + (origin.equals("test") ? "ns IN A 127.0.0.1\n" : "");
    }

    /** The zone test. with the given TXT records (full name -> text), each split into strings of at most 250 characters. */
    public static String txtZone(Map<String, String> records) {
        StringBuilder z = new StringBuilder(zoneHead("test"));
        for (Map.Entry<String, String> e : records.entrySet()) {
            z.append(e.getKey()).append(". IN TXT");
            String v = e.getValue();
            for (int i = 0; i < v.length(); i += 250) z.append(" \"").append(v, i, Math.min(v.length(), i + 250)).append('"');
            z.append('\n');
        }
        return z.toString();
    }

    /**
     * Starts nsd in the foreground.
     *
     * @param zones zone name -> zone file text
     */
    public static Nsd start(Path parent, Map<String, String> zones) throws IOException {
        // The port is picked free for UDP, but nsd binds TCP on it too, which someone else may hold:
        // then nsd exits at once and a new port is tried (what it said is in the last failure).
        for (int attempt = 1; ; attempt++) {
            try {
                return startOnce(parent, zones);
            } catch (RuntimeException | Error e) {
                if (attempt == 3) throw e;
            }
        }
    }

    private static Nsd startOnce(Path parent, Map<String, String> zones) throws IOException {
        return startAt(parent, zones, "127.0.0.1", Rbldnsd.freeUdpPort());
    }

    /**
     * Starts nsd on this loopback address and port, once (no other port is tried): port 53 on an
     * address of its own, for a resolver that asks port 53 only (glibc's, in DmarcOpendmarcIT).
     */
    public static Nsd startAt(Path parent, Map<String, String> zones, String address, int port) throws IOException {
        Path dir = Files.createDirectories(parent.resolve("nsd-" + System.nanoTime()));
        StringBuilder conf = new StringBuilder();
        conf.append("server:\n")
                .append("  ip-address: ").append(address).append('@').append(port).append('\n')
                .append("  port: ").append(port).append('\n')
                .append("  do-ip6: no\n  username: \"\"\n  chroot: \"\"\n  database: \"\"\n  server-count: 1\n")
                .append("  zonesdir: \"").append(dir).append("\"\n")
                .append("  pidfile: \"").append(dir.resolve("nsd.pid")).append("\"\n")
                .append("  zonelistfile: \"").append(dir.resolve("zone.list")).append("\"\n")
                .append("  xfrdfile: \"").append(dir.resolve("xfrd.state")).append("\"\n")
                .append("  xfrdir: \"").append(dir).append("\"\n")
                .append("  logfile: \"").append(dir.resolve("nsd.log")).append("\"\n")
                .append("remote-control:\n  control-enable: no\n");
        int i = 0;
        for (Map.Entry<String, String> z : zones.entrySet()) {
            String file = "zone" + (i++) + ".zone";
            Files.writeString(dir.resolve(file), z.getValue(), StandardCharsets.US_ASCII);
            conf.append("zone:\n  name: ").append(z.getKey()).append("\n  zonefile: ").append(file).append('\n');
        }
        Path confFile = dir.resolve("nsd.conf");
        Files.writeString(confFile, conf.toString(), StandardCharsets.US_ASCII);
        Process p = new ProcessBuilder(List.of("/usr/sbin/nsd", "-d", "-c", confFile.toString())).redirectErrorStream(true)
                .redirectOutput(dir.resolve("nsd.out").toFile()).start();
        Nsd n = new Nsd(port, p, dir);
        try {
            Rbldnsd.awaitAnswering(address, port, zones.keySet().iterator().next());
        } catch (RuntimeException | Error e) {
            n.close();
            Path out = dir.resolve("nsd.out");
            throw new AssertionError("nsd on " + address + ":" + port + " did not answer; it said: "
                    + (Files.exists(out) ? Files.readString(out, StandardCharsets.UTF_8).strip() : "nothing"), e);
        }
        return n;
    }

    @Override
    public void close() {
        Processes.stop(process);
    }
}
