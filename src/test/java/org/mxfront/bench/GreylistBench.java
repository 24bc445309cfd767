// Greylisting benchmark (issue 4): checks per second and the latency one greylist check adds to a
// RCPT, for an in-memory map (the baseline), the embedded MVStore store and Redis. Not a test:
// run by bench/greylist.sh, which starts a loopback redis-server and prints a Markdown table.
//   java ... org.mxfront.bench.GreylistBench [--seconds 5] [--redis-uri redis://127.0.0.1:PORT/0]
package org.mxfront.bench;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.mxfront.checks.CheckContext;
import org.mxfront.checks.greylist.GreylistCheck;
import org.mxfront.checks.greylist.GreylistConfig;
import org.mxfront.greylist.GreylistStore;
import org.mxfront.greylist.ManagedGreylistStore;
import org.mxfront.greylist.MemoryGreylistStore;
import org.mxfront.greylist.StoreConfig;
import org.mxfront.mail.ClientInfo;
import org.mxfront.mail.Mailbox;
import org.mxfront.policy.Facts;
import org.mxfront.policy.Stage;

/** The benchmark's main class. */
public final class GreylistBench {
    private GreylistBench() {}

    record Result(String store, String workload, int threads, double perSecond, double p50us, double p99us, double maxMs,
            double busy) {}

    public static void main(String[] args) throws Exception {
        double seconds = 5;
        String redisUri = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--seconds")) seconds = Double.parseDouble(args[++i]);
            if (args[i].equals("--redis-uri")) redisUri = args[++i];
        }
        Path dir = Files.createTempDirectory("greylist-bench");
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        List<Result> results = new ArrayList<>();
        List<String> stores = new ArrayList<>(List.of("memory (baseline)", "embedded"));
        if (redisUri != null) stores.add("redis");
        for (String s : stores) {
            GreylistStore store = switch (s) {
                case "embedded" -> ManagedGreylistStore.of(new StoreConfig(StoreConfig.Type.EMBEDDED, dir.resolve("bench.mv.db").toString(),
                        null, null, null, null, null), dir, Clock.systemUTC(), registry);
                case "redis" -> ManagedGreylistStore.of(new StoreConfig(StoreConfig.Type.REDIS, null, redisUri, null, null,
                        "bench:" + System.nanoTime() + ":", null), dir, Clock.systemUTC(), registry);
                default -> new MemoryGreylistStore();
            };
            try (store) {
                CheckContext ctx = new CheckContext("mx.test", List.of(), Set.of("example.com"), Clock.systemUTC(), registry);
                GreylistConfig cfg = new GreylistConfig(null, null, null, null, null, null, null, null, null, null, null, null,
                        null, null, null, null, "", null, null, null, null);
                GreylistCheck check = new GreylistCheck(cfg, ctx, store);
                // warm-up, then the two workloads: every RCPT a new tuple (lookup + write), and
                // RCPTs from auto-allowed clients (the steady state of a real MX: one lookup)
                run(check, s, "new", 1, Math.min(1, seconds), 0);
                for (int threads : new int[] {1, 2}) {
                    results.add(median(check, s, "new tuple", threads, seconds));
                }
                allowClients(check, store);
                for (int threads : new int[] {1, 2}) {
                    results.add(median(check, s, "auto-allowed", threads, seconds));
                }
            }
        }
        double base = results.get(0).perSecond();
        System.out.println("| store | workload | threads | checks/s (median of 3) | vs baseline (memory, new tuple, 1 thread) | p50 per check | p99 per check | slowest check | threads' time in the check |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        for (Result r : results) {
            System.out.printf(Locale.ROOT, "| %s | %s | %d | %,.0f | %.2f | %.1f µs | %.1f µs | %.1f ms | %.0f %% |%n", r.store(),
                    r.workload(), r.threads(), r.perSecond(), r.perSecond() / base, r.p50us(), r.p99us(), r.maxMs(), 100 * r.busy());
        }
    }

    private static final int CLIENTS = 4096;

    static Facts facts(int client, long n) throws Exception {
        InetAddress a = InetAddress.getByAddress(new byte[] {10, (byte) (client >> 8), (byte) client, 1});
        return Facts.connect(new ClientInfo(a, 25, null, false, 1)).withHelo("mx.sender.example")
                .withSender(new Mailbox("user" + n, "sender.example", false), 0)
                .withRecipient(new Mailbox("bob", "example.com", false));
    }

    /** Puts CLIENTS /24 networks on the auto-allow list through the check itself (two passes each). */
    static void allowClients(GreylistCheck check, GreylistStore store) throws Exception {
        for (int c = 0; c < CLIENTS; c++) {
            store.put(GreylistStore.Kind.CLIENT, String.format("10.%d.%d.0/24", (c >> 8) & 255, c & 255),
                    new org.mxfront.greylist.GreylistEntry(System.currentTimeMillis(), System.currentTimeMillis(), 1,
                            System.currentTimeMillis(), System.currentTimeMillis() + 86_400_000L), System.currentTimeMillis());
        }
    }

    private static long nextOffset = 1_000_000_000L;

    /** The median of three runs by throughput (the machine is shared: one run can be unlucky). */
    static Result median(GreylistCheck check, String store, String workload, int threads, double seconds) throws Exception {
        List<Result> runs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            runs.add(run(check, store, workload, threads, seconds, nextOffset));
            nextOffset += 1_000_000_000L;
        }
        runs.sort(java.util.Comparator.comparingDouble(Result::perSecond));
        return runs.get(1);
    }

    static Result run(GreylistCheck check, String store, String workload, int threads, double seconds, long offset) throws Exception {
        // pre-built facts, a set for each thread: the check, not the test's allocation, is measured
        Facts[][] pools = new Facts[threads][CLIENTS];
        for (Facts[] pool : pools) for (int c = 0; c < CLIENTS; c++) pool[c] = facts(c, 0);
        TimedThreads.Run r = TimedThreads.run(threads, seconds, 200_000, (id, n) -> {
            Facts f = workload.startsWith("new") ? facts((int) (n % CLIENTS), offset + id * 100_000_000L + n) : pools[id][(int) (n % CLIENTS)];
            long t0 = System.nanoTime();
            check.evaluate(Stage.RCPT, f);
            return System.nanoTime() - t0;
        });
        return new Result(store, workload, threads, r.calls() / seconds, r.p50Micros(), r.p99Micros(), r.maxMillis(),
                r.sumNanos() / (threads * seconds * 1e9));
    }
}
