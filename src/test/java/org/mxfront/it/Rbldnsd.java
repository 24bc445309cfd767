// Debian's rbldnsd on a loopback UDP port, serving DNSBL zones from dataset files the test writes:
// the real DNSBL server of the DNS integration tests (no mocked resolver anywhere).
package org.mxfront.it;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;
import org.xbill.DNS.DClass;

final class Rbldnsd implements AutoCloseable {
    final int port;
    private final Process process;

    private Rbldnsd(int port, Process process) {
        this.port = port;
        this.process = process;
    }

    /** The test ZEN zone of {@link DoorYaml#ZEN_DNSBL}: 127.0.0.2 (RFC 5782's test point) and .3 in its SBL. */
    static Rbldnsd zen(Path dir) throws IOException {
        return start(dir, Map.of("sbl", ":127.0.0.2:Listed in the test SBL\n127.0.0.2\n127.0.0.3\n"), List.of("zen.test:ip4set:sbl"),
                "2.0.0.127.zen.test");
    }

    /**
     * Starts rbldnsd.
     *
     * @param datasets file name -> contents (rbldnsd's ip4set/ip6trie format)
     * @param zones    zone specs, e.g. {@code zen.test:ip4set:sbl}
     * @param probe    a name the server answers once it has loaded its zones
     */
    static Rbldnsd start(Path dir, Map<String, String> datasets, List<String> zones, String probe) throws IOException {
        Path data = Files.createDirectories(dir.resolve("rbldnsd-" + System.nanoTime()));
        // rbldnsd drops privileges: the files must be readable by everyone, the directories traversable.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
        for (Map.Entry<String, String> e : datasets.entrySet()) {
            Path f = data.resolve(e.getKey());
            Files.writeString(f, e.getValue(), StandardCharsets.US_ASCII);
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
        }
        int port = freeUdpPort();
        List<String> cmd = new ArrayList<>(List.of("/usr/sbin/rbldnsd", "-n", "-b", "127.0.0.1/" + port, "-w", data.toString()));
        if (Ports.isRoot()) cmd.addAll(List.of("-u", "nobody"));
        cmd.addAll(zones);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("rbldnsd-" + port + ".log").toFile()).start();
        Rbldnsd r = new Rbldnsd(port, p);
        try {
            awaitAnswering(port, probe);
        } catch (RuntimeException | Error e) {
            r.close();
            throw e;
        }
        return r;
    }

    /** A loopback UDP port nobody uses now. */
    static int freeUdpPort() {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits until a DNS server on 127.0.0.1:port answers a query for the name (any answer). */
    static void awaitAnswering(int port, String name) {
        awaitAnswering("127.0.0.1", port, name);
    }

    /** Waits until a DNS server on address:port answers a query for the name (any answer). */
    static void awaitAnswering(String address, int port, String name) {
        Ports.await(() -> {
            try {
                SimpleResolver r = new SimpleResolver(new InetSocketAddress(address, port));
                r.setTimeout(Duration.ofMillis(300));
                Message m = r.send(Message.newQuery(Record.newRecord(Name.fromString(name, Name.root), Type.A, DClass.IN)));
                return m != null;
            } catch (IOException e) {
                return false;
            }
        }, Duration.ofSeconds(10), "a DNS server answering on " + address + ":" + port);
    }

    @Override
    public void close() {
        Processes.stop(process);
    }
}
