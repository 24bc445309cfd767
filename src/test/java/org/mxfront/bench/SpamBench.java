// Benchmark of the spam check (docs/benchmarks.md, "Spam classification"); not a test, run by
// bench/spam.sh, which starts rspamd and an mxfront JVM (spam check on for example.com, off for
// example.net). The same messages go (A) to rspamd alone over HTTP /checkv2 with the headers mxfront
// sends, (B) through mxfront to example.net (no classification: the baseline at the final dot) and
// (C) through mxfront to example.com (rspamd in the loop) and (D) to example.org (the same without
// headers, so the message is not held back). CPU time of rspamd's processes and of the
// mxfront JVM is read from /proc before and after each phase. Loopback only, bounded loops.
package org.mxfront.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/** {@code main(rspamdPort, mxfrontPort, rspamdPid, mxfrontPid, messages, concurrency)}: prints a Markdown report. */
public final class SpamBench {
    static final String[] WORDS = ("meeting budget review invoice quarter report team project schedule customer order shipment"
            + " delivery contract proposal draft agenda minutes office travel hotel flight conference client partner payment"
            + " account balance statement reminder update release version feature request support ticket issue question answer"
            + " thanks regards tomorrow monday tuesday wednesday thursday friday morning afternoon evening week month year").split(" ");

    /** The client's address as rspamd is told it: a documentation address, not loopback. */
    static final String CLIENT = "203.0.113.7";

    record Phase(String name, int messages, double seconds, long[] latencyNanos, double rspamdCpuMs, double mxCpuMs) {
        double perSecond() { return messages / seconds; }

        double percentileMs(double p) {
            if (latencyNanos.length == 0) return 0;
            long[] s = latencyNanos.clone();
            Arrays.sort(s);
            return s[Math.min(s.length - 1, (int) Math.ceil(p / 100 * s.length) - 1)] / 1e6;
        }
    }

    public static void main(String[] args) throws Exception {
        int rspamdPort = Integer.parseInt(args[0]);
        int mxPort = Integer.parseInt(args[1]);
        long rspamdPid = Long.parseLong(args[2]);
        long mxPid = Long.parseLong(args[3]);
        int n = Integer.parseInt(args[4]);
        int c = Integer.parseInt(args[5]);
        int warmSeconds = args.length > 6 ? Integer.parseInt(args[6]) : 60;
        metricsPort = args.length > 7 ? Integer.parseInt(args[7]) : -1;
        List<byte[]> messages = messages(200);
        double avg = messages.stream().mapToInt(m -> m.length).average().orElse(0);
        var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        System.out.printf(Locale.ROOT, "## Spam classification (JDK %s, %d cores; messages of %.0f bytes on average, %d at a time)%n%n",
                Runtime.version(), Runtime.getRuntime().availableProcessors(), avg, c);
        // just restarted: a short pass before any warm-up (the JIT has seen nothing yet)
        double load0 = os.getSystemLoadAverage();
        Phase[] cold = pass(rspamdPort, mxPort, rspamdPid, mxPid, messages, Smoke.n(Math.max(200, n / 4), 8), c, Smoke.n(5, 1));
        report("Just restarted (" + cold[1].messages + " messages per phase, no warm-up; load average " + oneDecimal(load0) + " before, "
                + oneDecimal(os.getSystemLoadAverage()) + " after)", cold);
        // warm-up (unmeasured) until mxfront's JIT has settled: rounds of all four, weighted to the spam
        // path, until warmSeconds passed and at least 10,000 messages went through the spam check
        long warmEnd = System.nanoTime() + warmSeconds * 1_000_000_000L;
        int warmRounds = 0;
        int spamPath = 0;
        int minSpamPath = Smoke.n(10_000, 0);
        while (System.nanoTime() < warmEnd || spamPath < minSpamPath || warmRounds < Smoke.n(1, 0)) { // smoke: no forced round
            rspamdAlone(rspamdPort, messages, Smoke.n(200, 8), c, rspamdPid, mxPid);
            throughMxfront(mxPort, "example.net", messages, Smoke.n(400, 16), c, rspamdPid, mxPid);
            throughMxfront(mxPort, "example.com", messages, Smoke.n(600, 8), c, rspamdPid, mxPid);
            throughMxfront(mxPort, "example.org", messages, Smoke.n(400, 8), c, rspamdPid, mxPid);
            spamPath += Smoke.n(1000, 16);
            warmRounds++;
        }
        double load1 = os.getSystemLoadAverage();
        Phase[] warm = pass(rspamdPort, mxPort, rspamdPid, mxPid, messages, n, c, Smoke.n(10, 1));
        report("Warm (" + n + " messages per phase after " + warmRounds + " rounds of warm-up, " + spamPath
                + " of them through the spam check; load average " + oneDecimal(load1) + " before, " + oneDecimal(os.getSystemLoadAverage())
                + " after)", warm);
        System.out.println("### Side by side");
        System.out.println();
        System.out.println("| measurement | state | messages/s | p50 | p99 | rspamd CPU per message | mxfront CPU per message |");
        System.out.println("|---|---|---|---|---|---|---|");
        for (int i = 0; i < 7; i++) {
            for (Phase[] pass : List.of(warm, cold)) {
                Phase x = pass[i];
                String state = pass == warm ? "warm" : "just restarted";
                if (x.messages == 0) {
                    System.out.printf(Locale.ROOT, "| %s | %s | - | - | - | %.2f ms/s | %.2f ms/s |%n", x.name, state,
                            x.rspamdCpuMs / x.seconds, x.mxCpuMs / x.seconds);
                } else {
                    System.out.printf(Locale.ROOT, "| %s | %s | %.0f | %.2f ms | %.2f ms | %s | %s |%n", x.name, state, x.perSecond(),
                            x.percentileMs(50), x.percentileMs(99),
                            x.rspamdCpuMs < 0 ? "-" : String.format(Locale.ROOT, "%.3f ms", x.rspamdCpuMs / x.messages),
                            x.mxCpuMs < 0 ? "-" : String.format(Locale.ROOT, "%.3f ms", x.mxCpuMs / x.messages));
                }
            }
        }
        System.out.println();
        System.out.println("(" + refused.get() + " messages were refused at the final dot by rspamd's verdict, warm-up included)");
    }

    /**
     * One measurement of every phase: idle, A, B, C, D, then B paced at the rate C reached (B'), so
     * the baseline has the same message rate, the same number of wake-ups and the same time-driven
     * CPU (timers, pollers, GC of what lives across the wait) as C: the check's share is C minus B'.
     */
    static Phase[] pass(int rspamdPort, int mxPort, long rspamdPid, long mxPid, List<byte[]> messages, int n, int c, int idleSeconds)
            throws Exception {
        Phase idle = idle(rspamdPid, mxPid, idleSeconds);
        Phase a = rspamdAlone(rspamdPort, messages, n, c, rspamdPid, mxPid);
        Phase b = throughMxfront(mxPort, "example.net", messages, n, c, rspamdPid, mxPid);
        double loop0 = threadCpuMs(mxPid, "mxfront-rspamd");
        double jit0 = jitMs(mxPid);
        Map<String, Double> groups0 = threadGroupsMs(mxPid);
        double heap0 = allocatedBytes();
        Phase cc = throughMxfront(mxPort, "example.com", messages, n, c, rspamdPid, mxPid);
        allocInC = allocatedBytes() - heap0;
        groupsInC = minus(threadGroupsMs(mxPid), groups0);
        clientLoopMs = threadCpuMs(mxPid, "mxfront-rspamd") - loop0;
        jitInC = jitMs(mxPid) - jit0;
        heap0 = allocatedBytes();
        Phase d = throughMxfront(mxPort, "example.org", messages, n, c, rspamdPid, mxPid);
        allocInD = allocatedBytes() - heap0;
        jit0 = jitMs(mxPid);
        groups0 = threadGroupsMs(mxPid);
        heap0 = allocatedBytes();
        Phase paced = throughMxfront(mxPort, "example.net", messages, n, c, rspamdPid, mxPid, cc.perSecond());
        allocInPaced = allocatedBytes() - heap0;
        groupsInPaced = minus(threadGroupsMs(mxPid), groups0);
        jitInPaced = jitMs(mxPid) - jit0;
        // B' again while rspamd classifies the same messages at the same rate, sent to it directly: the
        // machine as busy as in C (rspamd's CPU on the same cores slows mxfront's code down too)
        Thread load = Thread.ofPlatform().start(() -> {
            try {
                rspamdAlone(rspamdPort, messages, n, c, rspamdPid, mxPid, cc.perSecond());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Phase busy = throughMxfront(mxPort, "example.net", messages, n, c, -1, mxPid, cc.perSecond());
        load.join();
        busy = new Phase("B'': as B', while rspamd classifies the same messages sent to it directly at that rate", busy.messages(),
                busy.seconds(), busy.latencyNanos(), -1, busy.mxCpuMs());
        return new Phase[] {a, b, cc, d, paced, busy, idle,
                new Phase("the rspamd client's own threads in C", cc.messages, cc.seconds, new long[0], -1, clientLoopMs)};
    }

    /** Nothing sent for a while: the CPU both processes spend per second of time, not per message. */
    static Phase idle(long rspamdPid, long mxPid, int seconds) throws InterruptedException {
        double r0 = cpuMs(rspamdPid);
        double m0 = cpuMs(mxPid);
        long t0 = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        double secs = (System.nanoTime() - t0) / 1e9;
        return new Phase("idle, " + seconds + " s (per second, not per message)", 0, secs, new long[0], cpuMs(rspamdPid) - r0, cpuMs(mxPid) - m0);
    }

    static void report(String title, Phase[] p) {
        Phase a = p[0], b = p[1], cc = p[2], d = p[3], paced = p[4], busy = p[5], idle = p[6];
        System.out.println("### " + title);
        System.out.println();
        System.out.println("| measurement | messages/s | p50 | p99 | rspamd CPU per message | mxfront CPU per message |");
        System.out.println("|---|---|---|---|---|---|");
        for (Phase x : List.of(a, b, cc, d, paced, busy)) {
            System.out.printf(Locale.ROOT, "| %s | %.0f | %.2f ms | %.2f ms | %s | %s |%n", x.name, x.perSecond(), x.percentileMs(50),
                    x.percentileMs(99), x.rspamdCpuMs < 0 ? "-" : String.format(Locale.ROOT, "%.3f ms", x.rspamdCpuMs / x.messages),
                    x.mxCpuMs < 0 ? "-" : String.format(Locale.ROOT, "%.3f ms", x.mxCpuMs / x.messages));
        }
        System.out.printf(Locale.ROOT, "| %s | - | - | - | %.2f ms/s | %.2f ms/s |%n", idle.name,
                idle.rspamdCpuMs / idle.seconds, idle.mxCpuMs / idle.seconds);
        System.out.println();
        double rsPer = cc.rspamdCpuMs / cc.messages;
        double mxPer = cc.mxCpuMs / cc.messages;
        double share = (cc.mxCpuMs - paced.mxCpuMs) / cc.messages;
        double idlePer = idle.mxCpuMs / idle.seconds / cc.perSecond();
        System.out.printf(Locale.ROOT, "- added at the final dot by rspamd in the loop: p50 %+.2f ms, p99 %+.2f ms (C against B)%n",
                cc.percentileMs(50) - b.percentileMs(50), cc.percentileMs(99) - b.percentileMs(99));
        System.out.printf(Locale.ROOT, "- throughput in the loop against rspamd alone: %.2fx%n", cc.perSecond() / a.perSecond());
        System.out.printf(Locale.ROOT, "- mxfront's CPU per message in the loop (everything: SMTP, relay, spam check): %.3f ms = %.1f%% of rspamd's %.3f ms%n",
                mxPer, 100 * mxPer / rsPer, rsPer);
        System.out.printf(Locale.ROOT, "- **the spam check's share (C minus B', the baseline at C's rate): %.3f ms = %.1f%% of rspamd's %.3f ms;"
                + " goal under 10%%: %s**%n", share, 100 * share / rsPer, rsPer, 100 * share / rsPer < 10 ? "met" : "not met");
        System.out.printf(Locale.ROOT, "- of which the rspamd client's own threads (`mxfront-rspamd-*`: the event loop of older builds, which connected,"
                + " wrote, read and closed; now only the deadline watchdog, the exchange runs on the caller's virtual thread): %.3f ms = %.1f%% of rspamd's%n",
                p[7].mxCpuMs / cc.messages, 100 * p[7].mxCpuMs / cc.messages / rsPer);
        // the JIT still compiles after the warm-up, more in C (the spam path is the newest code); a long-running
        // daemon has that behind it, so the share without the compiler threads is the steady state's
        double steady = (cc.mxCpuMs - jitInC - (paced.mxCpuMs - jitInPaced)) / cc.messages;
        System.out.printf(Locale.ROOT, "- the JIT compiler threads, still compiling: %.3f ms per message in C, %.3f in B'; the share without them"
                + " (the steady state of a daemon that has run for a while): %.3f ms = %.1f%% of rspamd's%n", jitInC / cc.messages,
                jitInPaced / cc.messages, steady, 100 * steady / rsPer);
        StringBuilder byThread = new StringBuilder();
        for (ThreadKind g : THREAD_GROUPS) {
            double diff = (groupsInC.getOrDefault(g.name(), 0.0) - groupsInPaced.getOrDefault(g.name(), 0.0)) / cc.messages;
            byThread.append(byThread.isEmpty() ? "" : ", ").append(g.name()).append(String.format(Locale.ROOT, " %+.3f", diff));
        }
        System.out.println("- the share by thread (C minus B', ms per message; /proc/PID/task, 10 ms ticks): " + byThread);
        if (metricsPort > 0) {
            System.out.printf(Locale.ROOT, "- heap allocated per message (mxfront's jvm_gc_memory_allocated_bytes_total, counted at each young"
                    + " collection: within one collection's worth, and nothing where a large young generation sees few):"
                    + " C %.1f KiB, D %.1f KiB, B' %.1f KiB%n", allocInC / 1024 / cc.messages, allocInD / 1024 / d.messages,
                    allocInPaced / 1024 / paced.messages);
        }
        System.out.printf(Locale.ROOT, "- the same against B at full speed (C minus B, as in earlier runs): %.3f ms = %.1f%%%n",
                (cc.mxCpuMs - b.mxCpuMs) / cc.messages, 100 * (cc.mxCpuMs - b.mxCpuMs) / cc.messages / rsPer);
        double busyShare = (cc.mxCpuMs - busy.mxCpuMs) / cc.messages;
        System.out.printf(Locale.ROOT, "- against B'' (the same rate with rspamd as busy as in C): %.3f ms = %.1f%% of rspamd's%n",
                busyShare, 100 * busyShare / rsPer);
        double dPer = d.rspamdCpuMs / d.messages;
        System.out.printf(Locale.ROOT, "- without headers (D minus B'): %.3f ms = %.1f%% of rspamd's %.3f ms%n",
                (d.mxCpuMs - paced.mxCpuMs) / d.messages, 100 * (d.mxCpuMs - paced.mxCpuMs) / d.messages / dPer, dPer);
        System.out.printf(Locale.ROOT, "- mxfront idle: %.2f ms of CPU per second = %.3f ms per message at C's %.0f messages/s"
                + " (in both C and B', so it cancels out of the share)%n%n", idle.mxCpuMs / idle.seconds, idlePer, cc.perSecond());
    }

    static String oneDecimal(double d) {
        return String.format(Locale.ROOT, "%.1f", d);
    }

    /** Plausible business mail, each different: 2-6 KB of text. */
    static List<byte[]> messages(int count) {
        Random r = new Random(23);
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            StringBuilder body = new StringBuilder();
            int lines = 30 + r.nextInt(60);
            for (int l = 0; l < lines; l++) {
                StringBuilder line = new StringBuilder();
                while (line.length() < 60) line.append(line.isEmpty() ? "" : " ").append(WORDS[r.nextInt(WORDS.length)]);
                body.append(line).append("\r\n");
            }
            String m = "From: Alice Example <alice@sender.example>\r\nTo: Bob <bob@example.com>\r\nSubject: "
                    + WORDS[r.nextInt(WORDS.length)] + " " + WORDS[r.nextInt(WORDS.length)] + " " + i + "\r\n"
                    + "Date: Mon, 07 Dec 2026 09:00:00 +0000\r\nMessage-ID: <bench." + i + "@sender.example>\r\nMIME-Version: 1.0\r\n"
                    + "Content-Type: text/plain; charset=utf-8\r\n\r\nHi Bob,\r\n\r\n" + body + "\r\nAlice\r\n";
            out.add(m.getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }

    /** CPU of the JIT compiler threads in the last C and B' phases (the report reads them). */
    static double jitInC;
    static double jitInPaced;

    /** CPU time of the JVM's JIT compiler threads (C1, C2), in ms. */
    static double jitMs(long pid) {
        return threadCpuMs(pid, "C1 CompilerThre") + threadCpuMs(pid, "C2 CompilerThre");
    }

    /** CPU of the rspamd client's own threads in the last C phase (the report reads it). */
    static double clientLoopMs;

    /** A group of the JVM's threads, by the start of their names (as /proc's comm keeps them: 15 characters). */
    record ThreadKind(String name, List<String> prefixes) {}

    static final List<ThreadKind> THREAD_GROUPS = List.of(
            new ThreadKind("virtual threads' carriers", List.of("ForkJoinPool")),
            new ThreadKind("pollers", List.of("MasterPoller", "Read-Poller", "Write-Poller", "Read-NPoller", "Write-NPoller")),
            new ThreadKind("downstream event loop", List.of("mxfront-downstr")),
            new ThreadKind("JIT", List.of("C1 CompilerThre", "C2 CompilerThre")),
            new ThreadKind("GC", List.of("GC Thread", "G1 ")),
            new ThreadKind("timers", List.of("VirtualThread-u", "mxfront-rspamd")),
            new ThreadKind("other", List.of("")));

    /** mxfront's metrics port (for its allocation counter), -1 when not given. */
    static int metricsPort = -1;
    /** Heap allocated by mxfront in the last C, D and B' phases, bytes (the report reads them). */
    static double allocInC;
    static double allocInD;
    static double allocInPaced;

    /** mxfront's jvm_gc_memory_allocated_bytes_total (Micrometer's JvmGcMetrics), 0 without a metrics port. */
    static double allocatedBytes() throws IOException, InterruptedException {
        if (metricsPort < 0) return 0;
        String text;
        try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            text = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        }
        for (String line : text.split("\n")) {
            if (line.startsWith("jvm_gc_memory_allocated_bytes_total")) return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
        return 0;
    }

    /** CPU of the last C and B' phases by thread group (the report reads them). */
    static Map<String, Double> groupsInC = Map.of();
    static Map<String, Double> groupsInPaced = Map.of();

    /** CPU (user + system, ms) of a process's threads by THREAD_GROUPS; a thread counts in the first group it fits. */
    static Map<String, Double> threadGroupsMs(long pid) {
        Map<String, Double> out = new LinkedHashMap<>();
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path t : tasks.toList()) {
                try {
                    String comm = Files.readString(t.resolve("comm")).strip();
                    String stat = Files.readString(t.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    double ms = (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10.0;
                    for (ThreadKind g : THREAD_GROUPS) {
                        if (g.prefixes().stream().anyMatch(comm::startsWith)) {
                            out.merge(g.name(), ms, Double::sum);
                            break;
                        }
                    }
                } catch (IOException | RuntimeException gone) {
                    // a thread that ended meanwhile
                }
            }
        } catch (IOException e) {
            return Map.of();
        }
        return out;
    }

    static Map<String, Double> minus(Map<String, Double> after, Map<String, Double> before) {
        Map<String, Double> out = new LinkedHashMap<>();
        after.forEach((k, v) -> out.put(k, v - before.getOrDefault(k, 0.0)));
        return out;
    }

    /** CPU time (user + system) of a process's threads whose name starts so, in ms; -1 when /proc cannot say. */
    static double threadCpuMs(long pid, String prefix) {
        double total = 0;
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path t : tasks.toList()) {
                try {
                    if (!Files.readString(t.resolve("comm")).startsWith(prefix.substring(0, Math.min(15, prefix.length())))) continue;
                    String stat = Files.readString(t.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    total += (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10.0;
                } catch (IOException | RuntimeException gone) {
                    // a thread that ended meanwhile
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return total;
    }

    /** CPU time (user + system) of a process and its descendants, in ms; -1 when /proc cannot say. */
    static double cpuMs(long pid) {
        double total = 0;
        List<Long> all = new ArrayList<>();
        all.add(pid);
        ProcessHandle.of(pid).ifPresent(h -> h.descendants().forEach(d -> all.add(d.pid())));
        for (long p : all) {
            try {
                String stat = Files.readString(Path.of("/proc/" + p + "/stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                total += (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10.0; // utime, stime in 1/100 s
            } catch (IOException | RuntimeException e) {
                if (p == pid) return -1;
            }
        }
        return total;
    }

    static Phase rspamdAlone(int port, List<byte[]> messages, int n, int c, long rspamdPid, long mxPid) throws Exception {
        return rspamdAlone(port, messages, n, c, rspamdPid, mxPid, 0);
    }

    /** The messages to rspamd directly, c at a time; with {@code rate} > 0 paced as in throughMxfront. */
    static Phase rspamdAlone(int port, List<byte[]> messages, int n, int c, long rspamdPid, long mxPid, double rate) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        URI uri = URI.create("http://127.0.0.1:" + port + "/checkv2");
        long[] lat = new long[n];
        AtomicInteger next = new AtomicInteger();
        double r0 = cpuMs(rspamdPid);
        long t0 = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < c; t++) {
            threads.add(Thread.ofVirtual().start(() -> {
                int i;
                while ((i = next.getAndIncrement()) < n) {
                    if (rate > 0) {
                        long due = t0 + (long) (i * 1e9 / rate) - System.nanoTime();
                        if (due > 0) LockSupport.parkNanos(due);
                    }
                    HttpRequest req = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                            .header("IP", CLIENT).header("Helo", "client.sender.example").header("From", "alice@sender.example")
                            .header("Rcpt", "bob@example.com").header("Queue-Id", "BENCH" + i)
                            .POST(HttpRequest.BodyPublishers.ofByteArray(messages.get(i % messages.size()))).build();
                    long s = System.nanoTime();
                    try {
                        HttpResponse<String> resp = http.send(req, HttpResponse.BodyHandlers.ofString());
                        if (resp.statusCode() != 200 || !resp.body().contains("\"action\"")) throw new IllegalStateException(resp.body());
                    } catch (Exception e) {
                        throw new IllegalStateException("rspamd: " + e, e);
                    }
                    lat[i] = System.nanoTime() - s;
                }
            }));
        }
        for (Thread t : threads) t.join();
        double secs = (System.nanoTime() - t0) / 1e9;
        return new Phase("A: rspamd alone (HTTP /checkv2)", n, secs, lat, cpuMs(rspamdPid) - r0, -1);
    }

    static Phase throughMxfront(int port, String domain, List<byte[]> messages, int n, int c, long rspamdPid, long mxPid)
            throws Exception {
        return throughMxfront(port, domain, messages, n, c, rspamdPid, mxPid, 0);
    }

    /**
     * The messages through mxfront to one domain, c connections at a time; with {@code rate} > 0 paced:
     * message i is not sent before i / rate seconds from the start (an open-loop schedule, so the
     * phase lasts as long as one at that rate would).
     */
    static Phase throughMxfront(int port, String domain, List<byte[]> messages, int n, int c, long rspamdPid, long mxPid,
            double rate) throws Exception {
        long[] lat = new long[n];
        AtomicInteger next = new AtomicInteger();
        double r0 = cpuMs(rspamdPid);
        double m0 = cpuMs(mxPid);
        long t0 = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < c; t++) {
            threads.add(Thread.ofVirtual().start(() -> {
                try (Socket s = new Socket("127.0.0.1", port)) {
                    s.setSoTimeout(30_000);
                    s.setTcpNoDelay(true); // else each final dot waits for a delayed ACK (40 ms) behind the message
                    BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
                    OutputStream out = s.getOutputStream();
                    expect(in, "220");
                    send(out, "EHLO client.sender.example\r\n");
                    expect(in, "250");
                    // an outside client, as rspamd sees it in A (loopback would make rspamd skip work)
                    send(out, "XCLIENT ADDR=" + CLIENT + "\r\n");
                    expect(in, "220");
                    send(out, "EHLO client.sender.example\r\n");
                    expect(in, "250");
                    int i;
                    while ((i = next.getAndIncrement()) < n) {
                        if (rate > 0) {
                            long due = t0 + (long) (i * 1e9 / rate) - System.nanoTime();
                            if (due > 0) Thread.sleep(due / 1_000_000, (int) (due % 1_000_000));
                        }
                        send(out, "MAIL FROM:<alice@sender.example>\r\n");
                        expect(in, "250");
                        send(out, "RCPT TO:<bob@" + domain + ">\r\n");
                        expect(in, "250");
                        send(out, "DATA\r\n");
                        expect(in, "354");
                        out.write(messages.get(i % messages.size())); // no line starts with a dot
                        long st = System.nanoTime();
                        send(out, ".\r\n");
                        if (!expectAny(in).startsWith("250")) refused.incrementAndGet(); // rspamd's verdict: still one message
                        lat[i] = System.nanoTime() - st;
                    }
                    send(out, "QUIT\r\n");
                } catch (IOException e) {
                    throw new IllegalStateException("mxfront: " + e, e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        for (Thread t : threads) t.join();
        double secs = (System.nanoTime() - t0) / 1e9;
        String name = switch (domain) {
            case "example.net" -> rate > 0 ? String.format(Locale.ROOT, "B': as B, paced at C's %.0f messages/s", rate)
                    : "B: through mxfront, spam check off (baseline)";
            case "example.com" -> "C: through mxfront, rspamd in the loop";
            default -> "D: as C, without headers (the message is not held back)";
        };
        return new Phase(name, n, secs, lat, cpuMs(rspamdPid) - r0, cpuMs(mxPid) - m0);
    }

    static void send(OutputStream out, String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** Messages refused at the final dot (rspamd's verdicts): reported, not an error. */
    static final AtomicInteger refused = new AtomicInteger();

    /** Reads one (multi-line) reply and returns its last line. */
    static String expectAny(BufferedReader in) throws IOException {
        return Replies.last(in);
    }

    /** Reads one (multi-line) reply and checks its code. */
    static void expect(BufferedReader in, String code) throws IOException {
        String line = Replies.last(in);
        if (!line.startsWith(code)) throw new IOException("expected " + code + ", got " + line);
    }
}
