// Benchmark of the rspamd client alone (docs/benchmarks.md, "Spam classification", the client's own
// CPU): RspamdClient.check driven from virtual threads, as the spam check drives it, against a real
// rspamd over TCP or its Unix socket, in a JVM that does nothing else; this JVM's CPU per request
// (from /proc/self/stat) and the heap it allocates per request (all threads, the carriers included:
// what the collector has to clear) are the client's cost, far less noisy than mxfront's CPU in the loop minus a
// baseline. Not a test; run by bench/spam-client.sh, which starts rspamd and runs it against each build
// and transport. Arguments: URL REQUESTS CONCURRENCY WARMUP_SECONDS RSPAMD_PID LABEL. URL "sleep:MS":
// the harness alone, each request replaced by a sleep of MS (rspamd's answer time), so that the JVM's
// cost of running virtual threads at that rate can be taken off the client's.
package org.mxfront.bench;

import java.io.ByteArrayInputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.mxfront.spam.RspamdClient;
import org.mxfront.spam.SpamEnvelope;

public final class SpamClientBench {
    private SpamClientBench() {}

    public static void main(String[] args) throws Exception {
        URI url = URI.create(args[0]);
        int n = Integer.parseInt(args[1]);
        int c = Integer.parseInt(args[2]);
        int warmSeconds = Integer.parseInt(args[3]);
        long rspamdPid = Long.parseLong(args[4]);
        String label = args[5];
        List<byte[]> messages = SpamBench.messages(200);
        long self = ProcessHandle.current().pid();
        long sleep = "sleep".equals(url.getScheme()) ? Long.parseLong(url.getSchemeSpecificPart()) : -1;
        try (RspamdClient client = sleep >= 0 ? null : new RspamdClient(url, null, null, Duration.ofSeconds(5), Duration.ofSeconds(30))) {
            // warm-up: until the time passed and at least 5,000 requests (the JIT's work done), unless a smoke run
            long until = System.nanoTime() + warmSeconds * 1_000_000_000L;
            int warm = 0;
            do {
                run(client, sleep, messages, Math.min(n, 1000), c);
                warm += Math.min(n, 1000);
            } while (System.nanoTime() < until || warmSeconds > 0 && warm < 5000);
            var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            double mine0 = SpamBench.cpuMs(self);
            double rspamd0 = SpamBench.cpuMs(rspamdPid);
            long heap0 = threads.getTotalThreadAllocatedBytes();
            long t0 = System.nanoTime();
            run(client, sleep, messages, n, c);
            double secs = (System.nanoTime() - t0) / 1e9;
            double kib = (threads.getTotalThreadAllocatedBytes() - heap0) / 1024.0 / n;
            double mine = (SpamBench.cpuMs(self) - mine0) / n;
            double rspamd = (SpamBench.cpuMs(rspamdPid) - rspamd0) / n;
            if (client == null) {
                System.out.printf(Locale.ROOT, "| %s | %d | %.0f | %.3f ms | %.1f KiB | - | - |%n", label, n, n / secs, mine, kib);
            } else {
                System.out.printf(Locale.ROOT, "| %s | %d | %.0f | %.3f ms | %.1f KiB | %.3f ms | %.1f%% |%n", label, n, n / secs, mine, kib,
                        rspamd, 100 * mine / rspamd);
            }
        }
    }

    /** n requests, c at a time, each on a virtual thread as the spam check's caller is. */
    static void run(RspamdClient client, long sleep, List<byte[]> messages, int n, int c) throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < c; t++) {
            threads.add(Thread.ofVirtual().start(() -> {
                for (int i; (i = next.getAndIncrement()) < n; ) {
                    byte[] m = messages.get(i % messages.size());
                    try {
                        if (client == null) {
                            Thread.sleep(sleep);
                            continue;
                        }
                        client.check(new SpamEnvelope(SpamBench.CLIENT, "client.sender.example", null, "alice@sender.example",
                                List.of("bob@example.com"), "BENCH" + i, null, null), new ByteArrayInputStream(m), m.length);
                    } catch (Exception e) {
                        throw new IllegalStateException("rspamd: " + e, e);
                    }
                }
            }));
        }
        for (Thread t : threads) t.join();
    }
}
