// The policy store at hosting scale (bench/policy-store.sh runs it): fills a store with DOMAINS
// domains and ENTRIES list entries (once; a filled store is reused), then measures the load at start
// (time, heap held by the snapshot), the lookup a RCPT makes (PolicySnapshot.decide, warm: p50, p99)
// and the time from a change committed through one host to its use by a second host polling the same
// store (p50, p99 over SAMPLES changes). Prints "key: value" lines for the script.
package org.mxfront.bench;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.mxfront.store.ListEntry;
import org.mxfront.store.PolicySnapshot;
import org.mxfront.store.PolicyStore;
import org.mxfront.store.PolicyStoreService;
import org.mxfront.store.SnapshotFile;

public final class PolicyStoreBench {
    private PolicyStoreBench() {}

    public static void main(String[] args) throws Exception {
        String url = args[0];
        String user = args.length > 1 && !args[1].isEmpty() ? args[1] : null;
        int domains = Integer.parseInt(System.getProperty("domains", "100000"));
        int entries = Integer.parseInt(System.getProperty("entries", "1000000"));
        int samples = Integer.parseInt(System.getProperty("samples", "40"));
        Path dir = Files.createTempDirectory("policy-store-bench");
        PolicyStore store = new PolicyStore(url, user, null, Duration.ofSeconds(5), 4);
        store.migrate();
        if (store.loadAll().domains().size() < domains) fill(store, domains, entries);

        // load at start, and the heap the snapshot holds
        System.gc();
        long heap0 = heapUsed();
        long t0 = System.nanoTime();
        PolicySnapshot s = store.loadAll();
        long loadMs = (System.nanoTime() - t0) / 1_000_000;
        System.gc();
        long held = heapUsed() - heap0;
        System.out.println("domains: " + s.domains().size());
        System.out.println("entries: " + s.entries().size());
        System.out.println("load_ms: " + loadMs);
        System.out.println("heap_mib: " + held / (1024 * 1024));
        t0 = System.nanoTime();
        new SnapshotFile(dir.resolve("snap.json.gz")).write(s);
        System.out.println("snapshot_file_write_ms: " + (System.nanoTime() - t0) / 1_000_000);
        System.out.println("snapshot_file_mib: " + Files.size(dir.resolve("snap.json.gz")) / (1024 * 1024));

        // the RCPT lookup, warm
        SplittableRandom rnd = new SplittableRandom(7);
        InetAddress[] clients = new InetAddress[1024];
        for (int i = 0; i < clients.length; i++) {
            clients[i] = InetAddress.getByAddress(new byte[] {(byte) (10 + rnd.nextInt(200)), (byte) rnd.nextInt(256),
                    (byte) rnd.nextInt(256), (byte) rnd.nextInt(256)});
        }
        Instant now = Instant.now();
        // requests made up front (the strings a RCPT already has), one in ten from a stored entry
        List<ListEntry> stored = new ArrayList<>(s.entries().values());
        int m = 1 << 16;
        String[][] req = new String[m][];
        for (int i = 0; i < m; i++) {
            String domain = "d" + rnd.nextInt(domains) + ".bench.test";
            String rcpt = "u" + rnd.nextInt(10) + "@" + domain;
            String sender = "s" + rnd.nextInt(100) + "@sender" + rnd.nextInt(1000) + ".example";
            if (i % 10 == 0) {
                ListEntry e = stored.get(rnd.nextInt(stored.size()));
                if (e.scope() == ListEntry.Scope.USER && e.kind() == ListEntry.Kind.SENDER) {
                    rcpt = e.scopeKey();
                    domain = rcpt.substring(rcpt.indexOf('@') + 1);
                    sender = e.value();
                }
            }
            req[i] = new String[] {sender, rcpt, domain};
        }
        int n = Boolean.getBoolean("bench.smoke") ? 10_000 : 1_000_000;
        long sink = 0;
        for (int i = 0; i < 2 * n; i++) {
            String[] r = req[i & (m - 1)];
            sink += s.decide(clients[i & 1023], r[0], r[1], r[2], now) == null ? 0 : 1;
        }
        long[] ns = new long[n];
        for (int i = 0; i < n; i++) {
            String[] r = req[i & (m - 1)];
            long a = System.nanoTime();
            ListEntry hit = s.decide(clients[i & 1023], r[0], r[1], r[2], now);
            ns[i] = System.nanoTime() - a;
            if (hit != null) sink++;
        }
        Arrays.sort(ns);
        System.out.println("lookup_p50_ns: " + ns[n / 2]);
        System.out.println("lookup_p99_ns: " + ns[n * 99 / 100]);
        System.out.println("(matches: " + sink + ")");

        // propagation: a change committed through one store connection, used by a second host polling every second
        try (PolicyStoreService b = new PolicyStoreService(new PolicyStore(url, user, null, Duration.ofSeconds(5), 2),
                new SnapshotFile(dir.resolve("b.json.gz")), Duration.ofSeconds(1), new SimpleMeterRegistry())) {
            b.start();
            long[] ms = new long[samples];
            for (int i = 0; i < samples; i++) {
                Thread.sleep(rnd.nextInt(1000)); // changes arrive at any point of the poll cycle
                ListEntry e = store.addEntry("bench", new ListEntry(0, ListEntry.Scope.USER, "u0@d" + i + ".bench.test",
                        ListEntry.Action.BLOCK, ListEntry.Kind.SENDER, "p" + i + "-" + System.nanoTime() + "@example.net", null, null, null, null));
                long c = System.nanoTime();
                while (!b.current().entries().containsKey(e.id())) Thread.sleep(2);
                ms[i] = (System.nanoTime() - c) / 1_000_000;
            }
            Arrays.sort(ms);
            System.out.println("propagation_p50_ms: " + ms[samples / 2]);
            System.out.println("propagation_p99_ms: " + ms[Math.min(samples - 1, samples * 99 / 100)]);
            System.out.println("propagation_max_ms: " + ms[samples - 1]);
        }
        store.close();
    }

    private static long heapUsed() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** DOMAINS domains; ENTRIES entries: 40% user senders, 30% domain sender-domains, 20% IPs (domain scope), 10% operator. */
    static void fill(PolicyStore store, int domains, int entries) throws Exception {
        long t0 = System.nanoTime();
        List<String> ds = new ArrayList<>(domains);
        for (int i = 0; i < domains; i++) ds.add("d" + i + ".bench.test");
        store.addDomains("bench", ds);
        SplittableRandom rnd = new SplittableRandom(1);
        List<ListEntry> batch = new ArrayList<>();
        for (int i = 0; i < entries; i++) {
            int d = rnd.nextInt(domains);
            ListEntry.Action action = rnd.nextInt(4) == 0 ? ListEntry.Action.SAFE : ListEntry.Action.BLOCK;
            int kind = i % 10;
            ListEntry e;
            if (kind < 4) {
                e = new ListEntry(0, ListEntry.Scope.USER, "u" + (i % 10) + "@d" + d + ".bench.test", action, ListEntry.Kind.SENDER,
                        "x" + i + "@spam" + (i % 5000) + ".example", null, null, null, null);
            } else if (kind < 7) {
                e = new ListEntry(0, ListEntry.Scope.DOMAIN, "d" + d + ".bench.test", action, ListEntry.Kind.SENDER_DOMAIN,
                        (rnd.nextBoolean() ? "." : "") + "s" + i + ".example", null, null, null, null);
            } else if (kind < 9) {
                // unique per domain: entry i goes to domain i % domains, its network comes from i / domains
                int dd = i % domains;
                int k = i / domains;
                int len = k % 2 == 0 ? 32 : 24;
                int a = len == 32 ? 0x0a000000 | (k * 40503 & 0xffffff) : 0x0b000000 | ((k * 40503 & 0xffff) << 8);
                String ip = ((a >>> 24) & 255) + "." + ((a >>> 16) & 255) + "." + ((a >>> 8) & 255) + "." + (a & 255) + "/" + len;
                e = new ListEntry(0, ListEntry.Scope.DOMAIN, "d" + dd + ".bench.test", action, ListEntry.Kind.IP, ip, null, null,
                        null, null);
            } else {
                e = new ListEntry(0, ListEntry.Scope.OPERATOR, "", action, ListEntry.Kind.SENDER, "op" + i + "@bulk.example",
                        null, null, null, null);
            }
            batch.add(e);
            if (batch.size() == 100_000) {
                addUnique(store, batch);
                batch.clear();
            }
        }
        if (!batch.isEmpty()) addUnique(store, batch);
        System.out.println("fill_s: " + (System.nanoTime() - t0) / 1_000_000_000);
    }

    /** Drops duplicates of the unique key (random IPs may repeat) before the batch insert. */
    private static void addUnique(PolicyStore store, List<ListEntry> batch) throws Exception {
        java.util.Set<String> seen = new java.util.HashSet<>();
        List<ListEntry> out = new ArrayList<>();
        for (ListEntry e : batch) {
            if (seen.add(e.scope() + "|" + e.scopeKey() + "|" + e.action() + "|" + e.kind() + "|" + e.value())) out.add(e);
        }
        store.addEntries("bench", out);
    }
}
