// Recipient validation benchmark (issue 15): the RCPT latency each source of the recipients check
// adds, warm (answer cached, or the table in memory) and cold (an address never asked: the
// directory or the callout target is asked, as shortly after a restart), against a baseline domain
// without the check measured in the same run; lookups/s of the ldap source against slapd; and what
// the dictionary-attack guard costs per RCPT (memory and Redis). Not a test: run by bench/recipients.sh,
// which starts slapd (with USERS entries), smtp-sink and redis-server on loopback and prints tables.
//   java ... org.mxfront.bench.RecipientsBench --sink-port P --ldap-url U --redis-uri R --table FILE [--rcpts N]
package org.mxfront.bench;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.mxfront.Daemon;
import org.mxfront.Doors;
import org.mxfront.checks.CheckContext;
import org.mxfront.checks.dictguard.DictionaryGuardCheck;
import org.mxfront.checks.dictguard.DictionaryGuardConfig;
import org.mxfront.config.ConfigLoader;
import org.mxfront.config.DaemonConfig;
import org.mxfront.mail.ClientInfo;
import org.mxfront.mail.Mailbox;
import org.mxfront.policy.Facts;
import org.mxfront.policy.Stage;
import org.mxfront.recipients.LdapSettings;
import org.mxfront.recipients.LdapSource;

/** The benchmark's main class. */
public final class RecipientsBench {
    private RecipientsBench() {}

    public static void main(String[] args) throws Exception {
        int sinkPort = 0;
        String ldapUrl = null;
        String redisUri = null;
        String table = null;
        int rcpts = 2000;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--sink-port" -> sinkPort = Integer.parseInt(args[++i]);
                case "--ldap-url" -> ldapUrl = args[++i];
                case "--redis-uri" -> redisUri = args[++i];
                case "--table" -> table = args[++i];
                case "--rcpts" -> rcpts = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException(args[i]);
            }
        }
        String yaml = """
                server: {hostname: mx.test}
                smtp: {listen: "127.0.0.1:0", hard-error-limit: 1000000, soft-error-limit: 1000000}
                downstream: {address: "127.0.0.1:%1$d"}
                state-directory: target/bench-state
                metrics: {listen: ""}
                checks:
                  relay: {}
                  recipients: {}
                domains:
                  base.test: {}
                  tab.test: {checks: {recipients: {enabled: true, source: table, table: {file: "%2$s"}}}}
                  zim.test:
                    checks:
                      recipients: {enabled: true, source: ldap, ldap: {url: "%3$s", base-dn: "dc=test"}}
                  co.test:
                    checks:
                      recipients: {enabled: true, source: callout, callout: {targets: {co.test: "127.0.0.1:%1$d"}}}
                """.formatted(sinkPort, table, ldapUrl);
        DaemonConfig cfg = new ConfigLoader(Doors.ALL).parse("bench.yml", yaml, new SimpleMeterRegistry());
        Daemon d = new Daemon(cfg, null, Daemon.newRegistry()).start();
        System.out.println("RCPT latency through mxfront's SMTP door (one client, " + rcpts
                + " RCPTs per row; every address exists; each accepted RCPT is also relayed to smtp-sink)");
        System.out.println();
        System.out.println("| domain's source | cache | p50 RCPT | p99 RCPT | p50 added vs baseline | p99 added vs baseline | p50 vs baseline |");
        System.out.println("|---|---|---|---|---|---|---|");
        try (Smtp c = new Smtp(d.smtpPort())) {
            c.rcpts("base.test", 0, rcpts); // warm-up of the door and the downstream pool
            double[] base = c.rcpts("base.test", 0, rcpts);
            row("none (baseline)", "-", base, base);
            for (String[] s : new String[][] {{"table", "tab.test"}, {"ldap", "zim.test"}, {"callout", "co.test"}}) {
                // cold: addresses never asked (after a restart every address is); warm: the same again (cached)
                double[] cold = c.rcpts(s[1], 0, rcpts);
                double[] warm = c.rcpts(s[1], 0, rcpts);
                row(s[0], "cold (miss)", cold, base);
                row(s[0], "warm (hit)", warm, base);
            }
        } finally {
            d.close();
        }
        System.out.println();
        ldapThroughput(ldapUrl);
        System.out.println();
        guard(redisUri);
    }

    private static void row(String source, String cache, double[] r, double[] base) {
        System.out.printf(Locale.ROOT, "| %s | %s | %.0f µs | %.0f µs | %+.0f µs | %+.0f µs | %.2f |%n", source, cache, r[0], r[1],
                r[0] - base[0], r[1] - base[1], r[0] / base[0]);
    }

    /** A plain SMTP client that times each RCPT (RSET and MAIL again every 40 recipients, not timed). */
    static final class Smtp implements AutoCloseable {
        private final Socket s;
        private final BufferedReader in;
        private final OutputStream out;

        Smtp(int port) throws Exception {
            s = new Socket();
            s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0));
            s.connect(new InetSocketAddress("127.0.0.1", port));
            s.setTcpNoDelay(true);
            in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            out = s.getOutputStream();
            reply();
            cmd("EHLO bench.example");
        }

        String reply() throws Exception {
            return Replies.last(in);
        }

        String cmd(String c) throws Exception {
            out.write((c + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return reply();
        }

        /** Times RCPT TO:<uN@domain> for N in [from, from+n): {p50, p99} in µs. */
        double[] rcpts(String domain, int from, int n) throws Exception {
            long[] t = new long[n];
            for (int i = 0; i < n; i++) {
                if (i % 40 == 0) {
                    cmd("RSET");
                    cmd("MAIL FROM:<bench@sender.example>");
                }
                long t0 = System.nanoTime();
                String r = cmd("RCPT TO:<u" + (from + i) + "@" + domain + ">");
                t[i] = System.nanoTime() - t0;
                if (!r.startsWith("250")) throw new IllegalStateException(domain + ": " + r);
            }
            Arrays.sort(t);
            return new double[] {t[n / 2] / 1000.0, t[(int) (n * 0.99)] / 1000.0};
        }

        @Override
        public void close() throws Exception {
            s.close();
        }
    }

    /** Searches per second of the ldap source (no cache), 1 and 4 threads, 3 s each. */
    static void ldapThroughput(String url) throws Exception {
        System.out.println("| ldap source, no cache | threads | lookups/s | p50 | p99 |");
        System.out.println("|---|---|---|---|---|");
        try (LdapSource src = new LdapSource(new LdapSettings(url, null, null, "dc=test", null, 8, null, null, null, null))) {
            for (int threads : new int[] {1, 4}) {
                long end = System.nanoTime() + 3_000_000_000L;
                AtomicLong total = new AtomicLong();
                List<long[]> lat = new ArrayList<>();
                List<Thread> ts = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    long[] l = new long[100_000];
                    lat.add(l);
                    final int id = t;
                    ts.add(Thread.ofPlatform().start(() -> {
                        int n = 0;
                        while (System.nanoTime() < end) {
                            long t0 = System.nanoTime();
                            src.lookup("u" + ((id * 7919 + n) % 10000), "zim.test");
                            l[n % l.length] = System.nanoTime() - t0;
                            n++;
                        }
                        total.addAndGet(n);
                    }));
                }
                for (Thread t : ts) t.join();
                long[] all = lat.stream().flatMapToLong(a -> Arrays.stream(a).filter(x -> x > 0)).sorted().toArray();
                System.out.printf(Locale.ROOT, "| slapd (mdb, 10,000 entries, indexed) | %d | %,.0f | %.0f µs | %.0f µs |%n", threads,
                        total.get() / 3.0, all[all.length / 2] / 1000.0, all[(int) (all.length * 0.99)] / 1000.0);
            }
        }
    }

    /** The guard's evaluate + refusalApplied per RCPT, memory and Redis, against an empty loop. */
    static void guard(String redisUri) throws Exception {
        System.out.println("| dictionary guard store | operation | calls/s (1 thread, 2 s) | p50 | p99 |");
        System.out.println("|---|---|---|---|---|");
        SimpleMeterRegistry r = new SimpleMeterRegistry();
        CheckContext ctx = new CheckContext("mx.test", List.of(), Set.of("example.com"), Clock.systemUTC(), r);
        List<String> stores = new ArrayList<>(List.of("memory"));
        if (redisUri != null) stores.add("redis");
        for (String store : stores) {
            DictionaryGuardConfig c = new DictionaryGuardConfig(1_000_000, Duration.ofMinutes(10), null, null, null, null,
                    new DictionaryGuardConfig.Store(DictionaryGuardConfig.StoreType.valueOf(store.toUpperCase(Locale.ROOT)),
                            redisUri, null, null, "bench:" + System.nanoTime() + ":", null));
            DictionaryGuardCheck g = new DictionaryGuardCheck(c, new CheckContext("mx.test", List.of(), Set.of("example.com"),
                    Clock.systemUTC(), r, null, java.nio.file.Path.of("target"), new org.mxfront.checks.SharedResources()));
            Facts[] pool = new Facts[1024];
            for (int i = 0; i < pool.length; i++) {
                pool[i] = Facts.connect(new ClientInfo(InetAddress.getByAddress(new byte[] {10, 1, (byte) (i >> 8), (byte) i}), 25,
                        null, false, 1)).withRecipient(new Mailbox("bob", "example.com", false));
            }
            var unknown = new org.mxfront.policy.Verdict.Reject(org.mxfront.codes.Code.INVALID_USERNAME, Map.of());
            measure(store, "check at RCPT (not blocked)", i -> g.evaluate(Stage.RCPT, pool[i % pool.length]));
            measure(store, "count an unknown recipient", i -> g.refusalApplied(Stage.RCPT, pool[i % pool.length], unknown));
        }
        measure("none (baseline)", "empty loop", i -> { });
    }

    interface Op {
        void run(int i) throws Exception;
    }

    static void measure(String store, String what, Op op) throws Exception {
        for (int i = 0; i < 20_000; i++) op.run(i);
        long end = System.nanoTime() + 2_000_000_000L;
        long[] l = new long[200_000];
        int n = 0;
        while (System.nanoTime() < end) {
            long t0 = System.nanoTime();
            op.run(n);
            l[n % l.length] = System.nanoTime() - t0;
            n++;
        }
        long[] all = Arrays.stream(l).filter(x -> x > 0).sorted().toArray();
        System.out.printf(Locale.ROOT, "| %s | %s | %,.0f | %.2f µs | %.2f µs |%n", store, what, n / 2.0,
                all.length == 0 ? 0 : all[all.length / 2] / 1000.0, all.length == 0 ? 0 : all[(int) (all.length * 0.99)] / 1000.0);
    }
}
