// A bounded soak of a separately started mxfront JVM at a steady rate of mixed sessions (mail,
// refusals, clients that vanish, half-open and smuggling clients) into smtp-sink: after the run the
// live threads and open file descriptors come back to what they were after the warm-up, RSS stays
// flat (fixed heap), and no socket of mxfront's is left in CLOSE_WAIT.
// CI runs 60 s; a long run: mvn verify -Dit.test=SoakIT -Dmxfront.soak.seconds=600 (-Dmxfront.soak.rate=20/s).
package org.mxfront.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SoakIT {
    @TempDir
    Path tmp;

    /** What the process holds at rest. */
    record Snapshot(int liveThreads, int osThreads, int fds, long rssKib) {}

    /** Outcomes of the run's sessions by kind, and anything unexpected. */
    static final class Tally {
        final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
        final List<String> unexpected = java.util.Collections.synchronizedList(new ArrayList<>());

        void count(String kind) {
            counts.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
        }

        int get(String kind) {
            AtomicInteger n = counts.get(kind);
            return n == null ? 0 : n.get();
        }
    }

    @Test
    void threadsFilesAndSocketsComeBackAfterASteadyRun() throws Exception {
        int seconds = Integer.getInteger("mxfront.soak.seconds", 60);
        int rate = Integer.getInteger("mxfront.soak.rate", 20);
        int warmUp = Math.max(5, seconds / 4);
        try (SmtpSink sink = SmtpSink.start(tmp)) {
            int port = Ports.free();
            // Fixed, pre-touched heap: RSS growth would be native memory (buffers, threads, code).
            try (MxfrontProcess mx = MxfrontProcess.start(tmp, port, sink.port, "downstream:\n  idle-timeout: 1s\n",
                    "-Xms128m", "-Xmx128m", "-XX:+AlwaysPreTouch")) {
                Tally tally = new Tally();
                List<Long> rss = java.util.Collections.synchronizedList(new ArrayList<>());
                run(mx, warmUp, rate, tally, null);
                Snapshot base = settle(mx, sink);
                run(mx, seconds - warmUp, rate, tally, rss);
                settle(mx, sink);
                // Carrier threads the JVM added under load retire after their keep-alive.
                Ports.await(() -> {
                    try {
                        return snapshot(mx).liveThreads() <= base.liveThreads() && snapshot(mx).fds() <= base.fds();
                    } catch (Exception e) {
                        return false;
                    }
                }, Duration.ofSeconds(60), "threads and fds back to the baseline " + base);
                Snapshot end = snapshot(mx);
                List<String> closeWait = closeWait(port, sink.port);
                System.out.printf("[soak] %d s at %d sessions/s: %s%n[soak] baseline after %d s warm-up: %s%n[soak] after the run: %s%n"
                        + "[soak] RSS during the run (KiB, every 5 s): %s%n[soak] CLOSE_WAIT sockets: %d%n", seconds, rate,
                        new java.util.TreeMap<>(tally.counts), warmUp, base, end, rss, closeWait.size());
                assertEquals(List.of(), tally.unexpected, "every session got the replies it should");
                assertEquals(List.of(), closeWait, "sockets left in CLOSE_WAIT");
                assertTrue(end.liveThreads() <= base.liveThreads() && end.fds() <= base.fds(), base + " -> " + end);
                assertEquals(0.0, mx.metric("mxfront_connections_active"));
                // Flat RSS: the last sample within a quarter (and 32 MiB) of the first under load.
                if (rss.size() >= 2) {
                    long first = rss.get(0);
                    long last = rss.get(rss.size() - 1);
                    assertTrue(last <= Math.max(first * 5 / 4, first + 32 * 1024), "RSS grew from " + first + " to " + last + " KiB");
                }
                // Every 250 the clients received is a message in the sink (2 per settle round on top).
                int accepted = tally.get("mail");
                Ports.await(() -> sink.messages().size() >= accepted + 2, Duration.ofSeconds(20), "all accepted mail in the sink");
            }
        }
    }

    @Test
    void theCloseWaitProbeSeesASocketLeftOpen() throws Exception {
        // The soak's CLOSE_WAIT check can fail: a server that never closes its side of a finished connection.
        try (java.net.ServerSocket server = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            java.net.Socket client = new java.net.Socket("127.0.0.1", server.getLocalPort());
            try (java.net.Socket leaked = server.accept()) {
                client.close();
                Ports.await(() -> {
                    try {
                        return closeWait(server.getLocalPort(), -1).size() == 1;
                    } catch (Exception e) {
                        return false;
                    }
                }, Duration.ofSeconds(5), "the leaked socket in CLOSE_WAIT");
            }
        }
    }

    /** Runs sessions at a steady rate for the given time. */
    static void run(MxfrontProcess mx, int seconds, int rate, Tally tally, List<Long> rss) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(16);
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        long nextSample = start;
        try {
            for (int i = 0; ; i++) {
                long at = start + i * 1_000_000_000L / rate;
                if (at >= end) break;
                long wait = at - System.nanoTime();
                if (wait > 0) Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                if (rss != null && System.nanoTime() >= nextSample) {
                    rss.add(mx.rssKib());
                    nextSample += TimeUnit.SECONDS.toNanos(5);
                }
                int n = i;
                pool.submit(() -> session(mx.port, n, tally));
            }
        } finally {
            pool.shutdown();
            assertTrue(pool.awaitTermination(60, TimeUnit.SECONDS), "sessions finished");
        }
    }

    /** One session of a kind chosen by its number. */
    static void session(int port, int n, Tally tally) {
        String source = "127.0.0." + (20 + n % 200);
        String kind = switch (n % 10) {
            case 0, 1, 2, 3, 4 -> "mail";
            case 5 -> "relay-refused";
            case 6 -> "vanish-after-mail";
            case 7 -> "half-open-in-data";
            case 8 -> "smuggling-refused";
            default -> "greeting-only";
        };
        try {
            switch (kind) {
                case "mail" -> {
                    String r = LoadClient.sendOne(port, source, "soak-" + n + "@load.example", "bob@example.com");
                    if (!r.startsWith("250")) throw new IllegalStateException(r);
                }
                case "greeting-only" -> {
                    try (SmtpClient c = new SmtpClient(source, port)) {
                        expect(c.reply(), "220 ");
                    }
                }
                default -> {
                    try (SmtpClient c = new SmtpClient(source, port)) {
                        c.timeout(Duration.ofSeconds(15));
                        expect(c.reply(), "220 ");
                        expect(c.command("EHLO soak.sender.example"), "250 ");
                        expect(c.command("MAIL FROM:<soak@sender.example>"), "250 ");
                        switch (kind) {
                            case "relay-refused" -> {
                                expect(c.command("RCPT TO:<x@elsewhere.example>"), "550 5.7.1");
                                expect(c.command("QUIT"), "221 ");
                            }
                            case "vanish-after-mail" -> { } // closed without QUIT
                            case "half-open-in-data" -> {
                                expect(c.command("RCPT TO:<bob@example.com>"), "250 ");
                                expect(c.command("DATA"), "354 ");
                                c.sendRaw("Subject: half open\r\n\r\nnever finished\r\n");
                                c.shutdownOutput();
                                if (!c.linesUntilClosed().isEmpty()) throw new IllegalStateException("a reply after half-close");
                            }
                            case "smuggling-refused" -> {
                                expect(c.command("RCPT TO:<bob@example.com>"), "250 ");
                                expect(c.command("DATA"), "354 ");
                                expect(c.command("Subject: x\r\n\r\nfirst\n.\nMAIL FROM:<evil@x.example>\r\n."), "554 5.5.2");
                                expect(c.command("QUIT"), "221 ");
                            }
                            default -> throw new IllegalStateException(kind);
                        }
                    }
                }
            }
            tally.count(kind);
        } catch (Exception | AssertionError e) {
            tally.unexpected.add(kind + " #" + n + ": " + e);
        }
    }

    static void expect(List<String> reply, String prefix) {
        if (reply.isEmpty() || !reply.get(reply.size() - 1).startsWith(prefix)) {
            throw new IllegalStateException("expected " + prefix + "..., got " + reply);
        }
    }

    /**
     * Brings the daemon to rest: no client connected, pooled downstream connections past their
     * idle-timeout, then one transaction (which drops the stale ones and leaves one pooled).
     */
    static Snapshot settle(MxfrontProcess mx, SmtpSink sink) throws Exception {
        awaitNoClients(mx);
        Thread.sleep(1500);
        String r = LoadClient.sendOne(mx.port, "127.0.0.2", "settle-" + System.nanoTime() + "@load.example", "bob@example.com");
        assertTrue(r.startsWith("250"), r);
        awaitNoClients(mx);
        return snapshot(mx);
    }

    static void awaitNoClients(MxfrontProcess mx) {
        Ports.await(() -> {
            try {
                return mx.metric("mxfront_connections_active") == 0.0;
            } catch (Exception e) {
                return false;
            }
        }, Duration.ofSeconds(30), "no client connected");
    }

    static Snapshot snapshot(MxfrontProcess mx) throws Exception {
        return new Snapshot((int) mx.metric("jvm_threads_live_threads"), mx.osThreads(), mx.openFds(), mx.rssKib());
    }

    /** mxfront's sockets in CLOSE_WAIT: its listener's connections, and its own connections to the downstream. */
    static List<String> closeWait(int port, int downstreamPort) throws Exception {
        Process p = new ProcessBuilder("ss", "-tanH", "state", "close-wait").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        List<String> ours = new ArrayList<>();
        for (String line : out.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 4) continue;
            String local = f[f.length - 2];
            String peer = f[f.length - 1];
            if (local.endsWith(":" + port) || peer.endsWith(":" + downstreamPort) && !local.endsWith(":" + downstreamPort)) {
                ours.add(line.trim());
            }
        }
        return ours;
    }
}
