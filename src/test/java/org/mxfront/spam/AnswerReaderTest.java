// RspamdClient's answers read (its status line, then WireReader) from bytes without a socket, and
// its endpoints: the shapes an HTTP/1.x server may answer in (Content-Length, chunked, up to the end of the connection, bytes split anywhere) and the
// broken ones, each a SpamProtocolException (the check's on-failure), never a verdict or a hang.
package org.mxfront.spam;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class AnswerReaderTest {
    static final String JSON = "{\"action\":\"no action\",\"score\":1.5}";
    static final SpamEnvelope ENVELOPE = new SpamEnvelope("192.0.2.7", null, null, "", List.of("bob@example.com"), "Q", null, null);

    /** The answer read from these bytes, arriving {@code step} bytes at a time. */
    static RspamdClient.Answer read(String bytes, int step) throws IOException {
        ByteBuffer all = ByteBuffer.wrap(bytes.getBytes(StandardCharsets.ISO_8859_1));
        ReadableByteChannel in = new ReadableByteChannel() {
            @Override
            public int read(ByteBuffer dst) {
                if (!all.hasRemaining()) return -1;
                int n = Math.min(Math.min(step, dst.remaining()), all.remaining());
                dst.put(all.slice(all.position(), n));
                all.position(all.position() + n);
                return n;
            }

            @Override
            public boolean isOpen() { return true; }

            @Override
            public void close() {}
        };
        return RspamdClient.readAnswer(in, "test");
    }

    @Test
    void theShapesOfAnAnswerAreReadWhereverTheBytesSplit() throws Exception {
        String chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\n{\"act\r\n"
                + Integer.toHexString(JSON.length() - 5).toUpperCase(Locale.ROOT) + "\r\n" + JSON.substring(5) + "\r\n0\r\nX-Trailer: t\r\n\r\n";
        for (String answer : List.of("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: " + JSON.length() + "\r\n\r\n" + JSON,
                "HTTP/1.0 200\r\ncontent-length:" + JSON.length() + "\r\n\r\n" + JSON,
                "HTTP/1.1 200 OK\nContent-Length: " + JSON.length() + "\n\n" + JSON, // bare LF line ends
                "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + JSON, // no length: up to the end of the connection
                chunked)) {
            for (int step : new int[] {1, 3, 7, 100_000}) {
                RspamdClient.Answer a = read(answer, step);
                assertEquals(200, a.status(), answer);
                assertEquals(JSON, new String(a.body(), StandardCharsets.UTF_8), answer + " in steps of " + step);
            }
        }
        RspamdClient.Answer error = read("HTTP/1.1 500 Internal Server Error\r\nContent-Length: 2\r\n\r\n{}", 5);
        assertEquals(500, error.status());
        assertArrayEquals("{}".getBytes(StandardCharsets.US_ASCII), error.body());
        // a body larger than the buffer, with Content-Length and until the close
        String big = "x".repeat(100_000);
        assertEquals(big.length(), read("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" + big, 4096).body().length);
        assertEquals(big.length(), read("HTTP/1.1 200 OK\r\n\r\n" + big, 4096).body().length);
        // a field line far longer than the reader's first buffer (it grows up to the line limit), however the bytes come
        String longField = "X-Long: " + "a".repeat(8000) + "\r\n";
        for (int step : new int[] {1, 1500, 100_000}) {
            RspamdClient.Answer a = read("HTTP/1.1 200 OK\r\n" + longField + "Content-Length: " + JSON.length() + "\r\n\r\n" + JSON, step);
            assertEquals(JSON, new String(a.body(), StandardCharsets.UTF_8), "after a long field, in steps of " + step);
        }
    }

    @Test
    void aTcpConnectLooksOnceThenWaitsAsBefore() throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        // a listener: connected, and the channel blocking again for the request and the answer
        try (ServerSocket up = new ServerSocket(0, 50, loopback); SocketChannel ch = SocketChannel.open()) {
            RspamdClient.connect(ch, up.getLocalSocketAddress());
            assertTrue(ch.isConnected());
            assertTrue(ch.isBlocking());
        }
        // nobody listening: refused, in the words the check logs
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, loopback)) {
            closed = s.getLocalPort();
        }
        try (RspamdClient c = new RspamdClient(URI.create("http://127.0.0.1:" + closed), null, null, Duration.ofSeconds(2),
                Duration.ofSeconds(5))) {
            ConnectException e = assertThrows(ConnectException.class, () -> c.check(ENVELOPE, new ByteArrayInputStream(new byte[1]), 1));
            assertEquals("cannot connect to 127.0.0.1:" + closed + ": Connection refused", e.getMessage());
        }
        // a listener whose accept queue is full (never accepted): Linux drops the next SYN, so the
        // handshake is not done at the first look and the connect waits, until the connect timeout
        try (ServerSocket full = new ServerSocket(0, 1, loopback)) {
            List<Socket> queued = new ArrayList<>();
            try {
                for (int i = 0; i < 10; i++) {
                    Socket s = new Socket();
                    queued.add(s);
                    s.connect(full.getLocalSocketAddress(), 300);
                }
                fail("the accept queue never filled");
            } catch (SocketTimeoutException filled) {
                // the queue is full now
            }
            try (RspamdClient c = new RspamdClient(URI.create("http://127.0.0.1:" + full.getLocalPort()), null, null,
                    Duration.ofMillis(400), Duration.ofSeconds(5))) {
                long t0 = System.nanoTime();
                ConnectException e = assertThrows(ConnectException.class, () -> c.check(ENVELOPE, new ByteArrayInputStream(new byte[1]), 1));
                assertEquals("cannot connect to 127.0.0.1:" + full.getLocalPort() + " within PT0.4S", e.getMessage());
                assertTrue(System.nanoTime() - t0 >= 350_000_000L, "it waited for the handshake");
            } finally {
                for (Socket s : queued) s.close();
            }
        }
    }

    @Test
    void brokenAnswersAreProtocolFaults() {
        String over = "x".repeat((1 << 20) + 1);
        for (String[] bad : new String[][] {
                {"", "rspamd closed the connection without an answer (test)"},
                {"garbage garbage\r\n\r\n", "rspamd's answer is not HTTP: garbage garbage"},
                {"HTTP/2 200\r\n\r\n", "rspamd's answer is not HTTP: HTTP/2 200"},
                {"HTTP/1.1 200 OK\r\nContent-Length: 5", "rspamd's answer ends in the middle of a line"},
                {"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n", "rspamd's answer ends before its header"},
                {"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "rspamd's answer has a bad Content-Length: -1"},
                {"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n{}", "rspamd's answer ended after 2 of 10 bytes"},
                {"HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", "rspamd's answer has a broken header field: no colon here"},
                {"HTTP/1.1 200 OK\r\nContent-Length: 2000000\r\n\r\n", "rspamd's answer is too large: 2000000 bytes"},
                {"HTTP/1.1 200 OK\r\n\r\n" + over, "rspamd's answer is over 1048576 bytes"},
                {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "rspamd's answer has a bad chunk size: zz"},
                {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}x\r\n0\r\n\r\n", "rspamd's answer has a broken chunk"},
                {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n", "rspamd's answer ends before its chunk size"},
                {"HTTP/1.1 200 OK\r\nX-Long: " + "a".repeat(9000) + "\r\n\r\n", "rspamd's answer has a line over 8192 bytes"},
                {"HTTP/1.1 200 OK\r\n" + "X-A: 1\r\n".repeat(101) + "\r\n", "rspamd's answer has over 100 header fields"}}) {
            SpamProtocolException e = assertThrows(SpamProtocolException.class, () -> read(bad[0], 1000), bad[0]);
            assertTrue(e.getMessage().startsWith(bad[1]), bad[1] + " <> " + e.getMessage());
        }
    }

    @Test
    void aReadPastTheDeadlineIsATimeout() {
        ReadableByteChannel never = new ReadableByteChannel() {
            @Override
            public int read(ByteBuffer dst) { throw new AssertionError("read past the deadline"); }

            @Override
            public boolean isOpen() { return true; }

            @Override
            public void close() {}
        };
        java.net.SocketTimeoutException e = assertThrows(java.net.SocketTimeoutException.class,
                () -> new WireReader(never, "spamd", System.nanoTime() - 1).line());
        assertEquals("spamd did not answer within the timeout", e.getMessage());
    }

    @Test
    void endpointsOfTheUrlsAConfigMayName() throws Exception {
        RspamdClient.Endpoint v6 = RspamdClient.Endpoint.of(java.net.URI.create("http://[::1]:11333"));
        assertEquals("[::1]:11333", v6.hostHeader());
        assertEquals(new java.net.InetSocketAddress(java.net.InetAddress.getByName("::1"), 11333), v6.address());
        assertEquals("127.0.0.1:80", RspamdClient.Endpoint.of(java.net.URI.create("http://127.0.0.1")).hostHeader());
        RspamdClient.Endpoint socket = RspamdClient.Endpoint.of(java.net.URI.create("unix:/run/rspamd/normal.sock"));
        assertEquals("localhost", socket.hostHeader());
        assertEquals(java.net.UnixDomainSocketAddress.of("/run/rspamd/normal.sock"), socket.address());
        assertEquals("/run/rspamd/normal.sock", socket.toString());
        for (String bad : List.of("https://127.0.0.1:11333", "unix:normal.sock", "ftp://x")) {
            assertThrows(IllegalArgumentException.class, () -> RspamdClient.Endpoint.of(java.net.URI.create(bad)), bad);
        }
    }

    @Test
    void decimalsAsTheFormatterWrites() {
        for (double d : new double[] {0, 15, 15.5, -2.345, 1.005, 0.125, 999.995, -0.1, 1e6, 12.3456789, 0.045, 2.675}) {
            assertEquals(String.format(Locale.ROOT, "%.2f", d), SpamResult.twoDecimals(d), Double.toString(d));
        }
        assertEquals("NaN", SpamResult.twoDecimals(Double.NaN));
    }
}
