// Load client for bench/policy.sh: many connections at once (as many smtpd processes, each keeping
// its policy connection), each sending Postfix's RCPT requests one after the other over the wire
// protocol and timing each answer. The same request mix for any policy server (mxfront, postgrey).
// A few threads (--threads, default 2) drive the connections through selectors: a thread per
// connection cost the client more CPU per request than the server it measured, on the same two cores.
package org.mxfront.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends {@code --requests} policy requests (at most {@code --seconds}) from {@code --connections}
 * connections to 127.0.0.1:{@code --port}. Request i is for tuple {@code i % pool}: client
 * 10.1.x.y, its own sender, one of 100 recipients, and a new {@code instance} (one message each, as
 * Postfix with smtpd_delay_reject=yes asks once per recipient). With {@code --rate R} the requests
 * are paced to R per second in all (latency at a given load), else sent back to back (saturation).
 * Prints one line of figures.
 */
public final class PolicyLoad {
    /** One connection: at most one request in flight, as an smtpd process. */
    private static final class Conn {
        final SocketChannel ch;
        ByteBuffer out;
        final ByteBuffer in = ByteBuffer.allocate(4096);
        long sentAt;
        long slot;
        boolean busy;
        boolean done;

        Conn(SocketChannel ch) {
            this.ch = ch;
        }
    }

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

        int threads = Math.max(1, Math.min(connections, Integer.parseInt(a.getOrDefault("threads", "2"))));
        AtomicInteger next = new AtomicInteger();
        long t0 = System.nanoTime();
        long deadline = t0 + (long) (seconds * 1e9);
        List<Driver> drivers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            List<Conn> conns = new ArrayList<>();
            Selector selector = Selector.open();
            for (int c = t; c < connections; c += threads) {
                SocketChannel ch = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                ch.configureBlocking(false);
                Conn conn = new Conn(ch);
                conn.slot = t0 + (interval > 0 ? interval * c / connections : 0);
                ch.register(selector, SelectionKey.OP_READ, conn);
                conns.add(conn);
            }
            drivers.add(new Driver(selector, conns, next, requests, pool, run, interval, deadline));
        }
        List<Thread> running = new ArrayList<>();
        for (Driver d : drivers) running.add(Thread.ofPlatform().start(d));
        for (Thread th : running) th.join();
        int answered = 0;
        Map<String, Long> actions = new TreeMap<>();
        for (Driver d : drivers) {
            if (d.failure != null) throw d.failure;
            answered += d.answered;
            d.actions.forEach((k, v) -> actions.merge(k, v, Long::sum));
        }
        long[] latencies = new long[answered];
        int at = 0;
        for (Driver d : drivers) {
            System.arraycopy(d.latencies, 0, latencies, at, d.answered);
            at += d.answered;
        }
        double elapsed = (System.nanoTime() - t0) / 1e9;
        long[] all = latencies;
        Arrays.sort(all);
        System.out.printf("requests %d seconds %.2f rps %.0f p50_us %.0f p99_us %.0f max_us %.0f actions %s%n",
                answered, elapsed, answered / elapsed, pct(all, 0.50), pct(all, 0.99),
                all.length == 0 ? 0.0 : all[all.length - 1] / 1e3, actions);
    }

    /** One thread's share of the connections, driven through its own selector. */
    private static final class Driver implements Runnable {
        final Selector selector;
        final List<Conn> conns;
        final AtomicInteger next;
        final int requests;
        final int pool;
        final String run;
        final long interval;
        final long deadline;
        long[] latencies = new long[4096];
        int answered;
        final Map<String, Long> actions = new TreeMap<>();
        IOException failure;

        Driver(Selector selector, List<Conn> conns, AtomicInteger next, int requests, int pool, String run, long interval,
                long deadline) {
            this.selector = selector;
            this.conns = conns;
            this.next = next;
            this.requests = requests;
            this.pool = pool;
            this.run = run;
            this.interval = interval;
            this.deadline = deadline;
        }

        @Override
        public void run() {
            try (selector) {
                drive();
                for (Conn c : conns) c.ch.close();
            } catch (IOException e) {
                failure = e;
            }
        }

        private void drive() throws IOException {
            int open = conns.size();
            while (open > 0) {
                long now = System.nanoTime();
                long wake = Long.MAX_VALUE;
                for (Conn c : conns) {
                    if (c.busy || c.done) continue;
                    if (now >= deadline) {
                        c.done = true;
                        open--;
                        continue;
                    }
                    if (interval > 0 && c.slot > now) {
                        wake = Math.min(wake, c.slot);
                        continue;
                    }
                    int i = next.getAndIncrement();
                    if (i >= requests) {
                        c.done = true;
                        open--;
                        continue;
                    }
                    c.out = ByteBuffer.wrap(request(i % pool, run + "." + i));
                    c.busy = true;
                    c.sentAt = System.nanoTime();
                    if (interval > 0) c.slot += interval;
                    c.ch.write(c.out);
                    if (c.out.hasRemaining()) c.ch.keyFor(selector).interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                }
                if (open == 0) break;
                // at a paced rate, wait for the next slot in whole milliseconds (an answer wakes the selector
                // at once): a send may start up to 1 ms late, but the client never spins on a core
                long waitMs = wake == Long.MAX_VALUE ? 1000 : Math.max(1, (wake - System.nanoTime() + 999_999) / 1_000_000);
                selector.select(waitMs);
                if (System.nanoTime() - deadline > 30_000_000_000L) throw new IOException("no answers for 30 s past the deadline");
                for (SelectionKey k : selector.selectedKeys()) {
                    Conn c = (Conn) k.attachment();
                    if (k.isWritable()) {
                        c.ch.write(c.out);
                        if (!c.out.hasRemaining()) k.interestOps(SelectionKey.OP_READ);
                    }
                    if (k.isReadable()) {
                        if (c.ch.read(c.in) < 0) throw new IOException("closed by the server");
                        String action = reply(c.in);
                        if (action != null) {
                            if (answered == latencies.length) latencies = Arrays.copyOf(latencies, answered * 2);
                            latencies[answered++] = System.nanoTime() - c.sentAt;
                            actions.merge(action, 1L, Long::sum);
                            c.busy = false;
                        }
                    }
                }
                selector.selectedKeys().clear();
            }
        }
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

    /**
     * The action's first word (DUNNO, PREPEND, DEFER_IF_PERMIT, 451, 550...) once the buffer holds a
     * whole answer (up to the empty line), which is then consumed; null while it is incomplete.
     */
    static String reply(ByteBuffer in) throws IOException {
        int end = -1;
        for (int i = 1; i < in.position(); i++) {
            if (in.get(i) == '\n' && in.get(i - 1) == '\n') {
                end = i;
                break;
            }
        }
        if (end < 0) {
            if (!in.hasRemaining()) throw new IOException("answer over " + in.capacity() + " bytes");
            return null;
        }
        String s = new String(in.array(), 0, end + 1, StandardCharsets.US_ASCII).trim();
        if (end + 1 < in.position()) throw new IOException("more than one answer to one request");
        in.clear();
        if (!s.startsWith("action=")) throw new IOException("not an action: " + s);
        String v = s.substring(7);
        int sp = v.indexOf(' ');
        return sp < 0 ? v : v.substring(0, sp);
    }
}
