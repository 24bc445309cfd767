// The virus check against a fake clamd (a loopback TCP or unix-socket server speaking INSTREAM):
// verdicts, the size limit, and every fault path: 451 by default, fail-open when configured.
// The real clamd is exercised by VirusIT.
package org.mxfront.checks.virus;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mxfront.checks.CheckFixtures;
import org.mxfront.codes.Code;
import org.mxfront.content.Corpus;
import org.mxfront.policy.MessageCheck;
import org.mxfront.policy.Verdict;

class VirusCheckTest {
    @TempDir
    Path dir;

    /** A one-connection-at-a-time INSTREAM server; reply null means "never answer". */
    static final class FakeClamd implements AutoCloseable {
        final ServerSocket tcp;
        final AtomicReference<byte[]> received = new AtomicReference<>();
        final Thread thread;

        FakeClamd(String reply) throws IOException {
            tcp = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
            thread = Thread.ofVirtual().start(() -> {
                while (!tcp.isClosed()) {
                    try (var s = tcp.accept()) {
                        serve(s.getInputStream(), s.getOutputStream(), reply, received);
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        String address() { return "127.0.0.1:" + tcp.getLocalPort(); }

        @Override
        public void close() throws IOException {
            tcp.close();
        }
    }

    static void serve(InputStream rawIn, OutputStream out, String reply, AtomicReference<byte[]> received) throws IOException {
        DataInputStream in = new DataInputStream(rawIn);
        byte[] cmd = new byte[10];
        in.readFully(cmd);
        if (!new String(cmd, StandardCharsets.US_ASCII).equals("zINSTREAM\0")) throw new IOException("bad command");
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        int n;
        while ((n = in.readInt()) > 0) got.write(in.readNBytes(n));
        received.set(got.toByteArray());
        if (reply == null) {
            in.read(); // hang until the client gives up
            return;
        }
        out.write((reply + "\0").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    static VirusConfig config(String clamd, VirusConfig.OnFailure onFailure, Long maxStream, VirusConfig.TooLarge tooLarge) {
        return new VirusConfig(clamd, Duration.ofSeconds(2), Duration.ofMillis(500), 1024, maxStream, tooLarge, onFailure, 1000, "");
    }

    static Verdict scan(VirusConfig c, byte[] message) {
        VirusCheck check = new VirusCheck(c, CheckFixtures.context());
        try (MessageCheck.MessageReader r = check.open(CheckFixtures.outsider())) {
            for (int off = 0; off < message.length; off += 333) r.write(message, off, Math.min(333, message.length - off));
            return r.finish(CheckFixtures.outsider());
        }
    }

    static final byte[] MESSAGE = Corpus.mixed("v", Corpus.text("hi"), Corpus.attachment("eicar.com", "application/octet-stream",
            Corpus.EICAR.getBytes(StandardCharsets.US_ASCII)));

    @Test
    void foundIsXmRjct10WithTheVirusNameAndClamdGetsTheWholeMessage() throws Exception {
        try (FakeClamd clamd = new FakeClamd("stream: Eicar-Test-Signature-Local.UNOFFICIAL FOUND")) {
            assertEquals(Verdict.reject(Code.VIRUS_FOUND, Map.of("virus", "Eicar-Test-Signature-Local.UNOFFICIAL")),
                    scan(config(clamd.address(), null, null, null), MESSAGE));
            assertArrayEquals(MESSAGE, clamd.received.get());
        }
    }

    @Test
    void cleanPasses() throws Exception {
        try (FakeClamd clamd = new FakeClamd("stream: OK")) {
            assertEquals(Verdict.CONTINUE, scan(config(clamd.address(), null, null, null), MESSAGE));
        }
    }

    @Test
    void overTheStreamLimitIsNeverSentAndSkippedOrRejected() throws Exception {
        try (FakeClamd clamd = new FakeClamd("stream: OK")) {
            assertEquals(Verdict.CONTINUE, scan(config(clamd.address(), null, 100L, null), MESSAGE));
            assertEquals(Verdict.reject(Code.TOO_LARGE_TO_SCAN, Map.of("limit", "100")),
                    scan(config(clamd.address(), null, 100L, VirusConfig.TooLarge.REJECT), MESSAGE));
            assertNull(clamd.received.get());
        }
        try (FakeClamd clamd = new FakeClamd("INSTREAM size limit exceeded. ERROR")) {
            assertEquals(Verdict.reject(Code.TOO_LARGE_TO_SCAN, Map.of("limit", "26214400")),
                    scan(config(clamd.address(), null, null, VirusConfig.TooLarge.REJECT), MESSAGE));
        }
    }

    @Test
    void clamdDownSlowOrErringIsATempfailOrFailOpen() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        Verdict tempfail = Verdict.defer(Code.VIRUS_SCANNER_UNAVAILABLE, Map.of());
        assertEquals(tempfail, scan(config("127.0.0.1:" + closed, null, null, null), MESSAGE));
        assertEquals(Verdict.CONTINUE, scan(config("127.0.0.1:" + closed, VirusConfig.OnFailure.ACCEPT, null, null), MESSAGE));
        try (FakeClamd slow = new FakeClamd(null)) {
            assertEquals(tempfail, scan(config(slow.address(), null, null, null), MESSAGE));
        }
        try (FakeClamd erring = new FakeClamd("Can't allocate memory ERROR")) {
            assertEquals(tempfail, scan(config(erring.address(), null, null, null), MESSAGE));
        }
        assertEquals(tempfail, scan(config("unix:" + dir.resolve("no-such.sock"), null, null, null), MESSAGE));
        var r = CheckFixtures.context().registry();
        VirusCheck check = new VirusCheck(config("127.0.0.1:" + closed, VirusConfig.OnFailure.ACCEPT, null, null),
                new org.mxfront.checks.CheckContext("mx.test", java.util.List.of(), java.util.Set.of(), java.time.Clock.systemUTC(), r));
        try (var reader = check.open(CheckFixtures.outsider())) {
            reader.write(MESSAGE, 0, MESSAGE.length);
            assertEquals(Verdict.CONTINUE, reader.finish(CheckFixtures.outsider()));
        }
        assertEquals(1.0, r.get("mxfront.content.messages").tag("check", "virus").tag("result", "fail-open").counter().count());
    }

    @Test
    void unixSocket() throws Exception {
        Path sock = dir.resolve("clamd.sock");
        AtomicReference<byte[]> received = new AtomicReference<>();
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(sock));
            Thread t = Thread.ofVirtual().start(() -> {
                try (SocketChannel c = server.accept()) {
                    serve(Channels.newInputStream(c), Channels.newOutputStream(c), "stream: Win.Test.Fake FOUND", received);
                } catch (IOException e) {
                    // test fails on the assertion below
                }
            });
            assertEquals(Verdict.reject(Code.VIRUS_FOUND, Map.of("virus", "Win.Test.Fake")),
                    scan(config("unix:" + sock, null, null, null), MESSAGE));
            t.join();
            assertArrayEquals(MESSAGE, received.get());
        }
    }

    @Test
    void addressesAndReplies() {
        assertInstanceOf(UnixDomainSocketAddress.class, ClamdClient.address("/run/clamav/clamd.ctl"));
        assertEquals(3310, ((InetSocketAddress) ClamdClient.address("[::1]:3310")).getPort());
        assertThrows(IllegalArgumentException.class, () -> ClamdClient.address("localhost"));
        assertThrows(IllegalArgumentException.class, () -> new VirusConfig("127.0.0.1:99999", null, null, null, null, null, null, null, null));
        assertEquals(new ClamdClient.Result.Clean(), ClamdClient.parse("stream: OK"));
        assertEquals(new ClamdClient.Result.Found("Eicar-Test-Signature"), ClamdClient.parse("stream: Eicar-Test-Signature FOUND"));
        assertEquals(new ClamdClient.Result.SizeLimit(), ClamdClient.parse("INSTREAM size limit exceeded. ERROR"));
        assertEquals(new ClamdClient.Result.Error("lstat() failed. ERROR"), ClamdClient.parse("lstat() failed. ERROR"));
    }
}
