// Load client for bench/policy.sh: many connections at once (as many smtpd processes, each keeping
// its policy connection), each sending Postfix's RCPT requests one after the other over the wire
// protocol and timing each answer. The same request mix for any policy server (mxfront, postgrey).
package org.mxfront.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * Sends {@code --requests} policy requests (at most {@code --seconds}) from {@code --connections}
 * connections to 127.0.0.1:{@code --port}. Request i is for tuple {@code i % pool}: client
 * 10.1.x.y, its own sender, one of 100 recipients, and a new {@code instance} (one message each, as
 * Postfix with smtpd_delay_reject=yes asks once per recipient). With {@code --rate R} the requests
 * are paced to R per second in all (latency at a given load), else sent back to back (saturation).
 * Prints one line of figures.
 */
public final class PolicyLoad {
    public static void main(String[] args) throws Exception {
        Map<String, String> a = new TreeMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        int port = Integer.parseInt(a.get("port"));
        int connections = Integer.parseInt(a.getOrDefault("connections", "50"));
        int requests = Integer.parseInt(a.getOrDefault("requests", "20000"));
        int pool = Integer.parseInt(a.getOrDefault("pool", "2000"));
        double seconds = Double.parseDouble(a.getOrDefault("seconds", "120"));
        String run = a.getOrDefault("run", "r" + System.nanoTime());
        // 0: each connection sends its next request as soon as the answer is in (saturation); else the
        // offered load in requests/s, spread evenly over the connections (latency at a given load)
        double rate = Double.parseDouble(a.getOrDefault("rate", "0"));
        long interval = rate > 0 ? (long) (connections / rate * 1e9) : 0;

        AtomicInteger next = new AtomicInteger();
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        Map<String, LongAdder> actions = new ConcurrentHashMap<>();
        List<long[]> latencies = new ArrayList<>();
        int[] counts = new int[connections];
        List<Thread> threads = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int c = 0; c < connections; c++) {
            long[][] lat = {new long[Math.min(requests, 4096)]};
            int me = c;
            threads.add(Thread.ofPlatform().start(() -> {
                try (Socket s = new Socket()) {
                    s.setTcpNoDelay(true);
                    s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                    s.setSoTimeout(30_000);
                    OutputStream out = s.getOutputStream();
                    InputStream in = new BufferedInputStream(s.getInputStream());
                    int n = 0;
                    long slot = System.nanoTime() + (interval > 0 ? interval * me / connections : 0);
                    for (int i; (i = next.getAndIncrement()) < requests && System.nanoTime() < deadline; ) {
                        if (interval > 0) {
                            long wait = slot - System.nanoTime();
                            if (wait > 0) LockSupport.parkNanos(wait);
                            slot += interval;
                        }
                        byte[] req = request(i % pool, run + "." + i);
                        long r0 = System.nanoTime();
                        out.write(req);
                        out.flush();
                        String action = reply(in);
                        if (n == lat[0].length) lat[0] = Arrays.copyOf(lat[0], n * 2);
                        lat[0][n++] = System.nanoTime() - r0;
                        actions.computeIfAbsent(action, k -> new LongAdder()).increment();
                    }
                    counts[me] = n;
                    synchronized (latencies) {
                        latencies.add(Arrays.copyOf(lat[0], n));
                    }
                } catch (IOException e) {
                    System.err.println("connection " + me + ": " + e);
                }
            }));
        }
        for (Thread t : threads) t.join();
        double elapsed = (System.nanoTime() - t0) / 1e9;
        int total = Arrays.stream(counts).sum();
        long[] all = new long[total];
        int k = 0;
        for (long[] l : latencies) {
            System.arraycopy(l, 0, all, k, l.length);
            k += l.length;
        }
        Arrays.sort(all);
        Map<String, Long> acts = new TreeMap<>();
        actions.forEach((x, v) -> acts.put(x, v.sum()));
        System.out.printf("requests %d seconds %.2f rps %.0f p50_us %.0f p99_us %.0f max_us %.0f actions %s%n",
                total, elapsed, total / elapsed, pct(all, 0.50), pct(all, 0.99),
                all.length == 0 ? 0.0 : all[all.length - 1] / 1e3, acts);
    }

    private static double pct(long[] sorted, double p) {
        if (sorted.length == 0) return 0;
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1e3;
    }

    /** Postfix's RCPT request (the attributes of smtpd_check.c, as 3.7 sends them) for tuple k. */
    static byte[] request(int k, String instance) {
        String client = "10.1." + (k / 250) + "." + (k % 250 + 1);
        return ("request=smtpd_access_policy\nprotocol_state=RCPT\nprotocol_name=ESMTP\n"
                + "client_address=" + client + "\nclient_name=unknown\nclient_port=" + (20000 + k % 40000) + "\n"
                + "reverse_client_name=unknown\nserver_address=127.0.0.1\nserver_port=25\n"
                + "helo_name=mail" + k + ".sender" + (k % 50) + ".example\n"
                + "sender=s" + k + "@sender" + (k % 50) + ".example\nrecipient=r" + (k % 100) + "@example.com\n"
                + "recipient_count=0\nqueue_id=\ninstance=" + instance + "\nsize=4096\netrn_domain=\nstress=\n"
                + "sasl_method=\nsasl_username=\nsasl_sender=\nccert_subject=\nccert_issuer=\nccert_fingerprint=\n"
                + "ccert_pubkey_fingerprint=\nencryption_protocol=\nencryption_cipher=\nencryption_keysize=0\n"
                + "policy_context=\ncompatibility_level=3.6\nmail_version=3.7.11\n\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** The action's first word (DUNNO, PREPEND, DEFER_IF_PERMIT, 451, 550...). */
    private static String reply(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder(128);
        int c, prev = -1;
        while ((c = in.read()) != -1) {
            if (c == '\n' && prev == '\n') break;
            sb.append((char) c);
            prev = c;
        }
        if (c == -1) throw new IOException("closed by the server");
        String s = sb.toString().trim();
        if (!s.startsWith("action=")) throw new IOException("not an action: " + s);
        String v = s.substring(7);
        int sp = v.indexOf(' ');
        return sp < 0 ? v : v.substring(0, sp);
    }
}
