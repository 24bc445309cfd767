// Benchmark of the content checks (docs/benchmarks.md, "Content"); not a test, run by
// bench/content.sh. Part 1: scan throughput of the attachments check for a 10 MB message with
// attachments and for a message carrying a 10 MB zip, against a baseline measured in the same run
// (the same bytes through the same reader hand-off with a scanner that only drains them).
// Part 2: heap while 50 sessions each send a 10 MB message at once through an in-process mxfront to
// a loopback smtp-sink, with the content checks on and (baseline) off. Loopback only, bounded loops.
package org.mxfront.bench;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.mxfront.Daemon;
import org.mxfront.Doors;
import org.mxfront.checks.CheckContext;
import org.mxfront.checks.attachments.AttachmentCheck;
import org.mxfront.checks.attachments.AttachmentConfig;
import org.mxfront.config.ConfigLoader;
import org.mxfront.content.BackgroundScan;
import org.mxfront.content.Corpus;
import org.mxfront.mail.ClientInfo;
import org.mxfront.policy.Facts;
import org.mxfront.policy.MessageCheck;
import org.mxfront.policy.Verdict;

/** {@code main}: prints a Markdown report. */
public final class ContentBench {
    static final int ROUNDS = Smoke.n(8, 1);
    static final int WARMUP = Smoke.n(4, 0);
    static final int SESSIONS = Smoke.n(50, 2);

    public static void main(String[] args) throws Exception {
        // the report goes to stdout; one decision line per message would drown it
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        System.out.println("## Content (JDK " + Runtime.version() + ", " + Runtime.getRuntime().availableProcessors()
                + " cores, -Xmx" + Runtime.getRuntime().maxMemory() / (1 << 20) + "m)\n");
        throughput();
        heap();
    }

    // ---------------------------------------------------------------- part 1: throughput

    static byte[] messageWithAttachments() {
        Random r = new Random(42);
        byte[] a = new byte[2_500_000];
        byte[] b = new byte[2_500_000];
        byte[] c = new byte[2_400_000];
        r.nextBytes(a);
        r.nextBytes(b);
        r.nextBytes(c);
        return Corpus.mixed("bench attachments", Corpus.text("Dear Bob,\r\nthe quarterly files.\r\n"),
                Corpus.html("<p>Dear Bob,</p><p>the quarterly files.</p>".repeat(50)),
                Corpus.attachment("report.pdf", "application/pdf", a), Corpus.attachment("photo.jpg", "image/jpeg", b),
                Corpus.attachment("data.bin", "application/octet-stream", c));
    }

    /** A message carrying a zip of about 7.5 MB (base64: about 10 MB), text that deflates about 3 to 1. */
    static byte[] messageWithZip() {
        Random r = new Random(7);
        String[] words = {"invoice", "total", "amount", "due", "customer", "order", "shipping", "tax", "net", "gross",
                "quarter", "report", "delivery", "account", "balance", "payment", "reference", "date", "item", "price"};
        List<Object> entries = new ArrayList<>();
        for (int f = 0; f < 8; f++) {
            StringBuilder sb = new StringBuilder();
            while (sb.length() < 2_800_000) {
                sb.append(words[r.nextInt(words.length)]).append(' ').append(r.nextInt(1_000_000)).append(r.nextInt(7) == 0 ? '\n' : ' ');
            }
            entries.add("reports/file" + f + ".csv");
            entries.add(sb.toString());
        }
        byte[] zip = Corpus.zip(entries.toArray());
        return Corpus.mixed("bench zip", Corpus.text("zipped reports"), Corpus.attachment("reports.zip", "application/zip", zip));
    }

    static final Facts FACTS = Facts.connect(new ClientInfo(InetAddress.getLoopbackAddress(), 1, null, false, 1));

    static double mbps(long bytes, long nanos) {
        return bytes / 1e6 / (nanos / 1e9);
    }

    /** Best-of-rounds MB/s of one reader kind over one message (64 KiB writes, as the front door's pieces). */
    static double run(java.util.function.Supplier<MessageCheck.MessageReader> readers, byte[] m, boolean expectPass) {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < WARMUP + ROUNDS; i++) {
            long t0 = System.nanoTime();
            Verdict v;
            try (MessageCheck.MessageReader r = readers.get()) {
                for (int off = 0; off < m.length; off += 65536) r.write(m, off, Math.min(65536, m.length - off));
                v = r.finish(FACTS);
            }
            long t = System.nanoTime() - t0;
            if (expectPass && v.negative()) throw new IllegalStateException("benchmark message refused: " + v);
            if (i >= WARMUP) best = Math.min(best, t);
        }
        return mbps(m.length, best);
    }

    /** The same hand-off with a scanner that only drains the bytes. */
    static MessageCheck.MessageReader drain() {
        BackgroundScan<Verdict> s = new BackgroundScan<>("bench-drain", 65536, 4, Duration.ofSeconds(60), in -> {
            in.transferTo(OutputStream.nullOutputStream());
            return Verdict.CONTINUE;
        });
        return new MessageCheck.MessageReader() {
            public void write(byte[] b, int o, int n) { s.write(b, o, n); }

            public Verdict finish(Facts f) {
                try {
                    return s.finish(Duration.ofSeconds(60));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }

            public void close() { s.close(); }
        };
    }

    static void throughput() {
        CheckContext ctx = new CheckContext("mx.bench", List.of(), Set.of("example.com"), Clock.systemUTC(), new SimpleMeterRegistry());
        AttachmentCheck check = new AttachmentCheck(new AttachmentConfig(null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null, null, null), ctx);
        byte[] att = messageWithAttachments();
        byte[] zip = messageWithZip();
        System.out.println("### Scan throughput (attachments check, best of " + ROUNDS + " after " + WARMUP + " warm-up rounds)\n");
        System.out.println("| message | size | baseline: hand-off only | attachments check | ratio |");
        System.out.println("|---|---|---|---|---|");
        for (Object[] row : new Object[][] {{"10 MB, 3 base64 attachments", att}, {"10 MB, one zip (8 files, 22 MB expanded)", zip}}) {
            byte[] m = (byte[]) row[1];
            double base = run(ContentBench::drain, m, true);
            double scan = run(() -> check.open(FACTS), m, true);
            System.out.printf("| %s | %.1f MB | %.0f MB/s | %.0f MB/s | %.2f |%n", row[0], m.length / 1e6, base, scan, scan / base);
        }
        System.out.println();
    }

    // ---------------------------------------------------------------- part 2: heap under 50 x 10 MB

    static long liveHeapAfterGc() {
        long sum = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP && p.getCollectionUsage() != null) sum += p.getCollectionUsage().getUsed();
        }
        return sum;
    }

    static void heap() throws Exception {
        Process sink = new ProcessBuilder("/usr/sbin/smtp-sink", "-u", "nobody", "127.0.0.1:" + freePort(), "256")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        int sinkPort = 0;
        // the sink port is in the command line: read it back
        String cmd = sink.info().arguments().map(a -> a[a.length - 2]).orElseThrow();
        sinkPort = Integer.parseInt(cmd.substring(cmd.lastIndexOf(':') + 1));
        awaitPort(sinkPort);
        byte[] data = Corpus.smtpData(messageWithAttachments());
        System.out.println("### Heap while " + SESSIONS + " sessions each send a " + String.format("%.1f", data.length / 1e6)
                + " MB message at once (in-process mxfront, loopback smtp-sink)\n");
        System.out.println("| content checks | messages accepted | wall time | peak heap used | live heap after GC, max during the run |");
        System.out.println("|---|---|---|---|---|");
        try {
            for (boolean on : new boolean[] {false, true, false, true}) {
                String yaml = "server:\n  hostname: mx.bench\nsmtp:\n  listen: 127.0.0.1:0\n  max-connections: 200\n"
                        + "downstream:\n  address: 127.0.0.1:" + sinkPort + "\n  max-idle: 64\n"
                        + "state-directory: target/bench-state\nmetrics:\n  listen: 127.0.0.1:0\n"
                        + "relay-networks: [127.0.0.1/32]\n"
                        + "checks:\n  message-size: {}\n" + (on ? "  headers: {}\n  attachments: {}\n" : "");
                var reg = new SimpleMeterRegistry();
                try (Daemon d = new Daemon(new ConfigLoader(Doors.ALL).parse("bench.yml", yaml, reg), null, reg).start()) {
                    System.gc();
                    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) p.resetPeakUsage();
                    long before = liveHeapAfterGc();
                    AtomicLong maxLive = new AtomicLong(before);
                    AtomicLong maxUsed = new AtomicLong();
                    AtomicInteger ok = new AtomicInteger();
                    CountDownLatch done = new CountDownLatch(SESSIONS);
                    long t0 = System.nanoTime();
                    for (int i = 0; i < SESSIONS; i++) {
                        Thread.ofPlatform().start(() -> {
                            try {
                                if (session(d.smtpPort(), data)) ok.incrementAndGet();
                            } catch (Exception e) {
                                System.err.println("session failed: " + e);
                            } finally {
                                done.countDown();
                            }
                        });
                    }
                    while (!done.await(50, TimeUnit.MILLISECONDS)) {
                        maxLive.accumulateAndGet(liveHeapAfterGc(), Math::max);
                        maxUsed.accumulateAndGet(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max);
                    }
                    long wall = System.nanoTime() - t0;
                    System.out.printf("| %s | %d/%d | %.1f s | %d MB | %d MB (%d MB before) |%n", on ? "headers + attachments" : "none (baseline)",
                            ok.get(), SESSIONS, wall / 1e9, maxUsed.get() >> 20, maxLive.get() >> 20, before >> 20);
                }
            }
        } finally {
            sink.destroy();
        }
        System.out.println();
    }

    /** One SMTP session from a loopback client; true when the message was accepted. */
    static boolean session(int port, byte[] data) throws Exception {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(120_000);
            InputStream in = new java.io.BufferedInputStream(s.getInputStream());
            OutputStream out = new java.io.BufferedOutputStream(s.getOutputStream(), 65536);
            reply(in);
            for (String c : new String[] {"EHLO bench.example", "MAIL FROM:<a@bench.example>", "RCPT TO:<b@example.com>", "DATA"}) {
                out.write((c + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                reply(in);
            }
            out.write(data);
            out.flush();
            String r = reply(in);
            out.write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return r.startsWith("250");
        }
    }

    static String reply(InputStream in) throws Exception {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        String last;
        while (true) {
            line.reset();
            int c;
            while ((c = in.read()) != -1 && c != '\n') line.write(c);
            last = line.toString(StandardCharsets.US_ASCII);
            if (c == -1 || last.length() < 4 || last.charAt(3) != '-') return last;
        }
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static void awaitPort(int port) throws Exception {
        for (int i = 0; i < 100; i++) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (Exception e) {
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("smtp-sink did not start");
    }
}
