// A client for clamd's INSTREAM command over TCP or a unix socket: "zINSTREAM\0", then chunks
// (4-byte big-endian length + data), then a zero length; clamd answers "stream: OK",
// "stream: NAME FOUND", or "INSTREAM size limit exceeded. ERROR" once StreamMaxLength is passed
// (it may say so mid-stream and close). One connection per scan, opened only at the final dot so
// that slow clients never hold one of clamd's MaxThreads or run into its ReadTimeout.
// A watchdog closes the channel at the deadline: blocking channel reads have no timeout of their own.
package org.mxfront.checks.virus;

import java.io.IOException;
import java.io.InputStream;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import org.mxfront.net.HostPort;

/** Talks to one clamd. Thread-safe: every scan has its own connection. */
public final class ClamdClient {
    /** What clamd said about one stream. */
    public sealed interface Result {
        /** No virus. */
        record Clean() implements Result {}

        /** A signature matched. */
        record Found(String virus) implements Result {}

        /** The stream passed clamd's StreamMaxLength. */
        record SizeLimit() implements Result {}

        /** clamd answered with an error. */
        record Error(String reply) implements Result {}
    }

    private static final byte[] COMMAND = "zINSTREAM\0".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_REPLY = 4096;

    private final SocketAddress address;
    private final Duration connectTimeout;
    private final Duration scanTimeout;
    private final int chunkBytes;

    /**
     * @param address        an {@link InetSocketAddress} or a {@link UnixDomainSocketAddress}
     * @param connectTimeout time allowed to connect
     * @param scanTimeout    time allowed for sending the stream and getting the answer
     * @param chunkBytes     bytes per INSTREAM chunk
     */
    public ClamdClient(SocketAddress address, Duration connectTimeout, Duration scanTimeout, int chunkBytes) {
        this.address = address;
        this.connectTimeout = connectTimeout;
        this.scanTimeout = scanTimeout;
        this.chunkBytes = chunkBytes;
    }

    /** Parses {@code 127.0.0.1:3310}, {@code [::1]:3310}, {@code unix:/path} or {@code /path}. */
    public static SocketAddress address(String s) {
        String t = s.strip();
        if (t.startsWith("unix:")) t = t.substring(5);
        if (t.startsWith("/")) return UnixDomainSocketAddress.of(t);
        return HostPort.unresolved(t, "HOST:PORT or unix:/path");
    }

    /**
     * Streams the data to clamd and returns its answer.
     *
     * @throws IOException clamd cannot be reached, closed the connection without an answer, or missed the deadline
     */
    public Result scan(InputStream data) throws IOException {
        SocketAddress target = address instanceof InetSocketAddress i && i.isUnresolved()
                ? new InetSocketAddress(i.getHostString(), i.getPort()) : address;
        boolean unix = target instanceof UnixDomainSocketAddress;
        try (SocketChannel ch = SocketChannel.open(unix ? StandardProtocolFamily.UNIX
                : ((InetSocketAddress) target).getAddress() instanceof Inet6Address ? StandardProtocolFamily.INET6
                : StandardProtocolFamily.INET)) {
            Watchdog dog = new Watchdog(ch, connectTimeout);
            try {
                ch.connect(target);
                dog.rearm(scanTimeout);
                ch.write(ByteBuffer.wrap(COMMAND));
                byte[] chunk = new byte[chunkBytes];
                ByteBuffer len = ByteBuffer.allocate(4);
                try {
                    int n;
                    while ((n = data.readNBytes(chunk, 0, chunkBytes)) > 0) {
                        len.clear();
                        len.putInt(n).flip();
                        writeFully(ch, len);
                        writeFully(ch, ByteBuffer.wrap(chunk, 0, n));
                    }
                    len.clear();
                    len.putInt(0).flip();
                    writeFully(ch, len);
                } catch (IOException writeFailed) {
                    if (dog.fired()) throw new SocketTimeoutException("clamd did not answer within " + scanTimeout);
                    // clamd may have answered (size limit) and closed: read what it said
                    String r = readReply(ch);
                    if (r.isEmpty()) throw writeFailed;
                    return parse(r);
                }
                String r = readReply(ch);
                if (r.isEmpty()) throw new IOException("clamd closed the connection without an answer");
                return parse(r);
            } catch (IOException e) {
                if (dog.fired()) throw new SocketTimeoutException("clamd did not answer within the time allowed");
                throw e;
            } finally {
                dog.disarm();
            }
        }
    }

    private static void writeFully(SocketChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) ch.write(b);
    }

    private static String readReply(SocketChannel ch) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(MAX_REPLY);
        while (b.hasRemaining()) {
            int n;
            try {
                n = ch.read(b);
            } catch (IOException e) {
                if (b.position() > 0) break;
                throw e;
            }
            if (n < 0) break;
            int end = b.position();
            if (end > 0 && (b.get(end - 1) == 0 || b.get(end - 1) == '\n')) break;
        }
        return new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII).replace("\0", "").strip();
    }

    /** Reads clamd's answer: "stream: OK", "stream: Eicar-Test-Signature FOUND", "INSTREAM size limit exceeded. ERROR". */
    public static Result parse(String reply) {
        String r = reply.strip();
        if (r.endsWith(" FOUND")) {
            String name = r.substring(0, r.length() - " FOUND".length());
            int colon = name.indexOf(": ");
            return new Result.Found(colon >= 0 ? name.substring(colon + 2) : name);
        }
        if (r.endsWith(": OK") || r.equals("OK")) return new Result.Clean();
        if (r.contains("size limit exceeded")) return new Result.SizeLimit();
        return new Result.Error(r);
    }

    /** Closes the channel when the deadline passes. */
    private static final class Watchdog {
        private final SocketChannel ch;
        private final Thread thread;
        private volatile long deadline;
        private volatile boolean done;
        private volatile boolean fired;

        Watchdog(SocketChannel ch, Duration first) {
            this.ch = ch;
            this.deadline = System.nanoTime() + first.toNanos();
            this.thread = Thread.ofVirtual().name("clamd-watchdog").start(this::run);
        }

        private void run() {
            while (!done) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    fired = true;
                    try {
                        ch.close();
                    } catch (IOException e) {
                        // closing is all we wanted
                    }
                    return;
                }
                LockSupport.parkNanos(left);
            }
        }

        void rearm(Duration d) {
            deadline = System.nanoTime() + d.toNanos();
            LockSupport.unpark(thread);
        }

        boolean fired() { return fired; }

        void disarm() {
            done = true;
            LockSupport.unpark(thread);
        }
    }
}
