// A private clamd (Debian's clamav-daemon package) started by a test on a free loopback port and a
// unix socket, with a signature database the test writes itself: an MD5 signature of the EICAR
// test file (no signature download is possible here). clamd takes seconds to load: we wait for it.
package org.mxfront.it;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import org.mxfront.content.Corpus;

final class ClamdInstance implements AutoCloseable {
    static final String SIGNATURE = "Eicar-Test-Signature-Local";
    /** What clamd reports for the signature: unofficial (home-made) databases get this suffix. */
    static final String REPORTED = SIGNATURE + ".UNOFFICIAL";

    final int port;
    final Path socket;
    final Path dir;
    private final Process process;

    private ClamdInstance(int port, Path socket, Path dir, Process process) {
        this.port = port;
        this.socket = socket;
        this.dir = dir;
        this.process = process;
    }

    /**
     * Starts clamd with StreamMaxLength as given (e.g. "2M").
     */
    static ClamdInstance start(Path tmp, String streamMaxLength) throws Exception {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path dir = Files.createDirectories(tmp.resolve("clamd-" + System.nanoTime()));
        Path db = Files.createDirectories(dir.resolve("db"));
        byte[] eicar = Corpus.EICAR.getBytes(StandardCharsets.US_ASCII);
        String md5 = String.format("%032x", new BigInteger(1, MessageDigest.getInstance("MD5").digest(eicar)));
        Files.writeString(db.resolve("local.hdb"), md5 + ":" + eicar.length + ":" + SIGNATURE + "\n");
        int port = Ports.free();
        Path socket = dir.resolve("clamd.sock");
        StringBuilder conf = new StringBuilder();
        conf.append("DatabaseDirectory ").append(db).append('\n')
                .append("TCPSocket ").append(port).append('\n')
                .append("TCPAddr 127.0.0.1\n")
                .append("LocalSocket ").append(socket).append('\n')
                .append("Foreground yes\n")
                .append("LogFile ").append(dir.resolve("clamd.log")).append('\n')
                .append("PidFile ").append(dir.resolve("clamd.pid")).append('\n')
                .append("StreamMaxLength ").append(streamMaxLength).append('\n');
        if (Ports.isRoot()) conf.append("User root\n");
        Path cfg = dir.resolve("clamd.conf");
        Files.writeString(cfg, conf.toString());
        Process p = new ProcessBuilder("/usr/sbin/clamd", "-c", cfg.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("clamd.out").toFile()).start();
        try {
            Ports.awaitListening(port, Duration.ofSeconds(90));
        } catch (AssertionError e) {
            p.destroyForcibly();
            throw new AssertionError("clamd did not start: " + Files.readString(dir.resolve("clamd.out")), e);
        }
        return new ClamdInstance(port, socket, dir, p);
    }

    String log() {
        return Processes.log(dir.resolve("clamd.log"));
    }

    @Override
    public void close() {
        Processes.stop(process);
    }
}
