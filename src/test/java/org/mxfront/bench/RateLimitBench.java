// Rate-limit benchmark (issue 16): checks per second and the latency one rate-limit check adds to a
// MAIL, for a lock-free in-memory map (the baseline), the embedded store and Redis, from 1 and 2
// threads, cold (the first seconds of a fresh JVM, as an operator sees it after a restart) and warm.
// Not a test: bench/ratelimit.sh runs one JVM per store and prints Markdown rows.
//   java ... org.mxfront.bench.RateLimitBench --store memory|embedded|redis [--seconds 2] [--redis-uri URI] [--baseline N]
package org.mxfront.bench;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import org.mxfront.Doors;
import org.mxfront.checks.ratelimit.RateLimitCheck;
import org.mxfront.config.ConfigLoader;
import org.mxfront.config.DaemonConfig;
import org.mxfront.mail.ClientInfo;
import org.mxfront.mail.Mailbox;
import org.mxfront.policy.Facts;
import org.mxfront.policy.Stage;
import org.mxfront.policy.Verdict;
import org.mxfront.ratelimit.Gcra;

/** The benchmark's main class. */
public final class RateLimitBench {
    private RateLimitBench() {}

    record Result(String phase, int threads, double perSecond, double p50us, double p99us, double maxMs, double refused) {}

    static final int CLIENTS = 4096;
    static final int DOMAINS = 256;

    public static void main(String[] args) throws Exception {
        double seconds = 2;
        String store = "memory";
        String redisUri = "redis://127.0.0.1:6379/0";
        double baseline = 0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seconds" -> seconds = Double.parseDouble(args[++i]);
                case "--store" -> store = args[++i];
                case "--redis-uri" -> redisUri = args[++i];
                case "--baseline" -> baseline = Double.parseDouble(args[++i]);
                default -> throw new IllegalArgumentException(args[i]);
            }
        }
        List<Result> results = new ArrayList<>();
        // under: every check passes and writes both buckets; over: every client is over its limit (reads only)
        try (Bench under = new Bench(store, redisUri, "1000000000/1h", "1000000000/1h");
                Bench over = new Bench(store, redisUri, "1/1h", "1000000000/1h")) {
            results.add(under.run("cold: first " + fmt(seconds) + " s after start", 1, seconds));
            under.run("warm-up (not reported)", 2, 2 * seconds);
            for (int threads : new int[] {1, 2}) results.add(under.median("warm, under the limit", threads, seconds));
            for (int c = 0; c < CLIENTS; c++) over.check.evaluate(Stage.MAIL, over.pool[c]); // use every client's one message
            for (int threads : new int[] {1, 2}) results.add(over.median("warm, over the limit", threads, seconds));
        }
        if (baseline == 0) baseline = results.get(1).perSecond();
        for (Result r : results) {
            System.out.printf(Locale.ROOT, "| %s | %s | %d | %,.0f | %.2f | %.1f µs | %.1f µs | %.1f ms | %.0f %% |%n", store,
                    r.phase(), r.threads(), r.perSecond(), r.perSecond() / baseline, r.p50us(), r.p99us(), r.maxMs(),
                    100 * r.refused());
        }
        System.exit(0);
    }

    static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    /** One check (two rules at MAIL: per client, per sender domain) on one store, and pre-built facts. */
    static final class Bench implements AutoCloseable {
        final RateLimitCheck check;
        final Facts[] pool = new Facts[CLIENTS];
        private final DaemonConfig config;

        Bench(String store, String redisUri, String perClient, String perDomain) throws Exception {
            String storeYaml = store.equals("redis")
                    ? "    store: {type: redis, redis-uri: \"" + redisUri + "\", key-prefix: \"bench:" + System.nanoTime() + ":\"}\n" : "";
            config = new ConfigLoader(Doors.ALL, Clock.systemUTC()).parse("bench.yml", """
                    server: {hostname: mx.test}
                    checks:
                      rate-limit:
                        enabled: true
                        rules:
                          per-client: {key: [client-ip], rate: "%s", burst: 1}
                          per-sender-domain: {key: [sender-domain], rate: "%s"}
                    """.formatted(perClient, perDomain) + storeYaml, new SimpleMeterRegistry());
            config.resources().start(); // as the daemon does at start: the store connects before the first check
            RateLimitCheck fromConfig = config.engine().find(RateLimitCheck.class).orElseThrow();
            check = store.equals("memory")
                    ? new RateLimitCheck(fromConfig.config(), new org.mxfront.checks.CheckContext("mx.test", List.of(),
                            java.util.Set.of(), Clock.systemUTC(), new SimpleMeterRegistry()), new MapStore())
                    : fromConfig;
            for (int c = 0; c < CLIENTS; c++) {
                InetAddress a = InetAddress.getByAddress(new byte[] {10, 1, (byte) (c >> 8), (byte) c});
                pool[c] = Facts.connect(new ClientInfo(a, 25, null, false, 1)).withHelo("mx.sender.example")
                        .withSender(new Mailbox("user" + c, "d" + (c % DOMAINS) + ".sender.example", false), 0);
            }
        }

        Result median(String phase, int threads, double seconds) throws Exception {
            List<Result> runs = new ArrayList<>();
            for (int i = 0; i < 3; i++) runs.add(run(phase, threads, seconds));
            runs.sort(java.util.Comparator.comparingDouble(Result::perSecond));
            return runs.get(1);
        }

        Result run(String phase, int threads, double seconds) throws Exception {
            java.util.concurrent.atomic.LongAdder refused = new java.util.concurrent.atomic.LongAdder();
            TimedThreads.Run r = TimedThreads.run(threads, seconds, 400_000, (id, n) -> {
                Facts f = pool[(int) ((n * 7 + id * 2048) % CLIENTS)];
                long t0 = System.nanoTime();
                Verdict v = check.evaluate(Stage.MAIL, f);
                long dt = System.nanoTime() - t0;
                if (v.negative()) refused.increment();
                return dt;
            });
            return new Result(phase, threads, r.calls() / seconds, r.p50Micros(), r.p99Micros(), r.maxMillis(),
                    r.calls() == 0 ? 0 : refused.sum() / (double) r.calls());
        }

        @Override
        public void close() {
            config.resources().close();
        }
    }

    /** The baseline: GCRA in a ConcurrentHashMap, per-key atomic, no lock across keys, no bound, no expiry. */
    static final class MapStore extends org.mxfront.ratelimit.StubRateLimitStore {
        private final ConcurrentHashMap<String, Double> tats = new ConcurrentHashMap<>();

        MapStore() {
            super("memory", "memory (baseline)");
        }

        @Override
        public Outcome acquire(List<Bucket> buckets, boolean dryRun) {
            long now = nowMicros();
            long least = Long.MAX_VALUE;
            for (int i = 0; i < buckets.size(); i++) {
                Bucket b = buckets.get(i);
                Double stored = tats.get(b.key());
                Gcra.Step s = Gcra.step(stored == null ? Double.NaN : stored, now, b.limit(), b.cost());
                if (!s.allowed()) return new Outcome(false, i, s.retryAfterMicros(), 0);
                tats.put(b.key(), s.tat());
                least = Math.min(least, s.remaining());
            }
            return new Outcome(true, -1, 0, least);
        }

        @Override
        public boolean reset(String key) { return tats.remove(key) != null; }

        @Override
        public long nowMicros() {
            java.time.Instant i = java.time.Instant.now();
            return i.getEpochSecond() * 1_000_000L + i.getNano() / 1000;
        }
    }
}
