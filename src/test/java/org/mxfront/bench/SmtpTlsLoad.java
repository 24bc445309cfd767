// A TLS-capable SMTP load client for bench/tls.sh (smtp-source has no STARTTLS): each session
// connects, says EHLO, STARTTLS with a full handshake (no session resumption: every connection
// names a host of its own, so the client's session cache never matches), EHLO again, sends one
// message and quits. The client's TLS is BoringSSL (as smtp-source would be OpenSSL), so that the
// load client costs the shared cores as little as it can. Bounded: a fixed number of messages to a
// loopback port, then it stops.
package org.mxfront.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import org.mxfront.tls.EngineSocket;

/** Usage: SmtpTlsLoad PORT SESSIONS MESSAGES BYTES [clear]; prints "messages/s errors". */
public final class SmtpTlsLoad {
    private final int port;
    private final boolean tls;
    private final byte[] message;
    private final SslContext ctx;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger errors = new AtomicInteger();

    SmtpTlsLoad(int port, boolean tls, int bytes) throws Exception {
        this.port = port;
        this.tls = tls;
        StringBuilder m = new StringBuilder("From: load@sender.example\r\nTo: user@example.com\r\nSubject: tls load\r\n\r\n");
        while (m.length() < bytes) m.append("x".repeat(76)).append("\r\n");
        m.append(".\r\n");
        this.message = m.toString().getBytes(StandardCharsets.US_ASCII);
        this.ctx = SslContextBuilder.forClient().sslProvider(OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK)
                .trustManager(InsecureTrustManagerFactory.INSTANCE).sessionCacheSize(64).build();
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int sessions = Integer.parseInt(args[1]);
        int messages = Integer.parseInt(args[2]);
        int bytes = Integer.parseInt(args[3]);
        boolean tls = args.length < 5 || !args[4].equals("clear");
        SmtpTlsLoad load = new SmtpTlsLoad(port, tls, bytes);
        long t0 = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < sessions; i++) {
            threads.add(Thread.ofPlatform().start(() -> {
                int n;
                while ((n = load.next.getAndIncrement()) < messages) {
                    try {
                        load.one(n);
                    } catch (IOException e) {
                        load.errors.incrementAndGet();
                    }
                }
            }));
        }
        for (Thread t : threads) t.join(600_000);
        double secs = (System.nanoTime() - t0) / 1e9;
        System.out.printf("%.0f %d%n", messages / secs, load.errors.get());
    }

    private void one(int n) throws IOException {
        EngineSocket t = null;
        try (Socket s = new Socket()) {
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(30_000);
            InputStream in = new BufferedInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            expect(in, '2');
            command(out, in, "EHLO client.bench.example", '2');
            if (tls) {
                command(out, in, "STARTTLS", '2');
                // A host name of its own per connection: no cached session to resume, a full handshake.
                t = EngineSocket.over(s, ctx.newEngine(ByteBufAllocator.DEFAULT, "c" + n + ".bench.example", port));
                t.handshake();
                in = new BufferedInputStream(t.getInputStream());
                out = t.getOutputStream();
                command(out, in, "EHLO client.bench.example", '2');
            }
            command(out, in, "MAIL FROM:<load@sender.example>", '2');
            command(out, in, "RCPT TO:<user@example.com>", '2');
            command(out, in, "DATA", '3');
            out.write(message);
            out.flush();
            expect(in, '2');
            command(out, in, "QUIT", '2');
        } finally {
            if (t != null) t.close(); // frees the native engine
        }
    }

    private static void command(OutputStream out, InputStream in, String line, char want) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        expect(in, want);
    }

    /** Reads one reply (all its lines); fails unless its code starts with {@code want}. */
    private static void expect(InputStream in, char want) throws IOException {
        while (true) {
            StringBuilder l = new StringBuilder();
            int c;
            while ((c = in.read()) != -1 && c != '\n') l.append((char) c);
            if (c == -1) throw new IOException("connection closed");
            if (l.length() < 4 || l.charAt(0) != want) throw new IOException("unexpected reply: " + l);
            if (l.charAt(3) != '-') return;
        }
    }
}
