// DNS benchmark (bench/dns.sh starts rbldnsd and runs this; not part of mvn verify): the latency
// a 3-zone DNSBL adds to a connection, cold cache vs warm cache, against the policy engine alone as
// the baseline (connect, HELO, MAIL, RCPT through PolicySession, no sockets); lookup throughput of
// the resolver; and what a dead resolver costs per connection, with and without the zone watch.
package org.mxfront.bench;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.mxfront.Doors;
import org.mxfront.config.ConfigLoader;
import org.mxfront.dns.DnsConfig;
import org.mxfront.dns.DnsResolver;
import org.mxfront.dns.DnsResult;
import org.mxfront.mail.Mailbox;
import org.mxfront.policy.Decision;
import org.mxfront.policy.PolicyEngine;
import org.mxfront.policy.PolicySession;
import org.xbill.DNS.Type;

/** Prints a Markdown table of results. Arguments: the rbldnsd port. */
public final class DnsBench {
    private DnsBench() {}

    static final int CONNECTIONS = Smoke.n(2000, 100);

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        String zones = """
                    zones:
                      - { zone: z1.bench }
                      - { zone: z2.bench }
                      - { zone: z3.bench }
                """;
        PolicyEngine baseline = engine("", port);
        PolicyEngine dnsbl = engine("  dnsbl:\n    health-check: 0\n" + zones, port);

        // Warm up the JIT on addresses outside the measured ranges.
        perConnection(baseline, 10, CONNECTIONS);
        perConnection(dnsbl, 10, CONNECTIONS);

        double base = perConnection(baseline, 1, CONNECTIONS);
        double cold = perConnection(dnsbl, 3, CONNECTIONS);   // 127.3.x.y: never looked up before
        perConnection(dnsbl, 3, CONNECTIONS);                 // the same clients again: all cached (JIT warm-up)
        double warm = perConnection(dnsbl, 3, CONNECTIONS);
        base = Math.min(base, perConnection(baseline, 1, CONNECTIONS));
        System.out.println("| measurement | per connection | vs baseline |");
        System.out.println("|---|---|---|");
        row("baseline: engine without DNS checks (connect, HELO, MAIL, RCPT)", base, base);
        row("dnsbl, 3 zones, cold cache (3 lookups to rbldnsd per connection)", cold, base);
        row("dnsbl, 3 zones, warm cache", warm, base);
        System.out.printf("| added by the dnsbl, cold | %.1f µs | |%n", (cold - base) / 1000);
        System.out.printf("| added by the dnsbl, warm | %.1f µs | |%n", (warm - base) / 1000);

        DnsResolver resolver = new DnsResolver(DnsConfig.of(List.of("127.0.0.1:" + port), null, null, null),
                new SimpleMeterRegistry(), java.time.Clock.systemUTC());
        int n = Smoke.n(20_000, 200);
        double coldRate = throughput(resolver, n, 64);
        throughput(resolver, n, 64);
        double warmRate = throughput(resolver, n, 64);
        double warmSingle = throughput(resolver, n, 1);
        System.out.println();
        System.out.println("| resolver throughput (64 concurrent callers, " + n + " names) | lookups/s |");
        System.out.println("|---|---|");
        System.out.printf("| cold (every name sent to rbldnsd) | %.0f |%n", coldRate);
        System.out.printf("| warm (every name cached) | %.0f |%n", warmRate);
        System.out.printf("| warm, one caller | %.0f |%n", warmSingle);

        try (DatagramSocket dead = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            String deadZones = "  dnsbl:\n    health-check: 0\n    suspend-after: %d\n" + zones;
            PolicyEngine noWatch = engine(deadZones.formatted(1_000_000), dead.getLocalPort(), "250ms");
            PolicyEngine watched = engine(deadZones.formatted(5), dead.getLocalPort(), "250ms");
            System.out.println();
            System.out.println("| dead resolver, dns.timeout 250ms, 3 zones, 20 connections | per connection |");
            System.out.println("|---|---|");
            System.out.printf("| without the zone watch (suspend-after very large) | %.1f ms |%n", perConnection(noWatch, 5, 20) / 1e6);
            System.out.printf("| with the zone watch (suspend-after 5) | %.1f ms |%n", perConnection(watched, 6, 20) / 1e6);
        }
        System.exit(0);
    }

    static void row(String what, double nanos, double base) {
        System.out.printf("| %s | %.1f µs | %.2fx |%n", what, nanos / 1000, nanos / base);
    }

    static PolicyEngine engine(String checks, int dnsPort) throws Exception {
        return engine(checks, dnsPort, "2s");
    }

    static PolicyEngine engine(String checks, int dnsPort, String timeout) throws Exception {
        String yaml = """
                server: { hostname: mx.bench }
                dns:
                  resolvers: ["127.0.0.1:%d"]
                  timeout: %s
                checks:
                  helo: {}
                %s
                  relay: {}
                """.formatted(dnsPort, timeout, checks);
        return new ConfigLoader(Doors.ALL).parse("bench.yml", yaml, new SimpleMeterRegistry()).engine();
    }

    /** Mean nanoseconds per connection for n clients 127.net.x.y, each reaching RCPT at once. */
    static double perConnection(PolicyEngine engine, int net, int n) throws Exception {
        Mailbox from = new Mailbox("a", "sender.example", false);
        Mailbox to = new Mailbox("bob", "example.com", false);
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            InetAddress a = InetAddress.getByAddress(new byte[] {127, (byte) net, (byte) (i >> 8), (byte) i});
            PolicySession s = engine.newSession(a, 40000, 1);
            s.connect();
            s.helo("client.sender.example");
            s.mail(from, 0);
            Decision d = s.rcpt(to);
            if (!d.proceed()) throw new IllegalStateException("unexpected refusal of " + a + ": " + d.reply());
        }
        return (System.nanoTime() - t0) / (double) n;
    }

    /** Lookups per second of distinct names by concurrent callers (virtual threads). */
    static double throughput(DnsResolver r, int n, int callers) throws Exception {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger answered = new AtomicInteger();
        long t0 = System.nanoTime();
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            List<CompletableFuture<Void>> all = new ArrayList<>();
            for (int c = 0; c < callers; c++) {
                all.add(CompletableFuture.runAsync(() -> {
                    int i;
                    while ((i = next.getAndIncrement()) < n) {
                        DnsResult res = r.lookup((i & 0xFF) + "." + ((i >> 8) & 0xFF) + ".9.127.z1.bench", Type.A).join();
                        if (!res.failed()) answered.incrementAndGet();
                    }
                }, ex));
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
        }
        double rate = n / ((System.nanoTime() - t0) / 1e9);
        if (answered.get() < n) System.err.println("warning: " + (n - answered.get()) + " lookups failed or timed out");
        return rate;
    }
}
