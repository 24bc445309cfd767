// bench/spf-dkim-dmarc.sh's Java part: the per-message cost of spf + dkim + dmarc +
// authentication-results against the same engine without them, driving PolicySession without a
// socket (as the doors do) with dkimpy-signed 4 KiB and 1 MiB messages and a private nsd. Reports
// microseconds per message, warm (median of rounds, interleaved) and cold (the first message of a
// new engine: empty DNS cache, as right after a restart). Not a test: run it through the script.
package org.mxfront.bench;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.mxfront.Doors;
import org.mxfront.config.ConfigLoader;
import org.mxfront.mail.Mailbox;
import org.mxfront.policy.AddedHeader;
import org.mxfront.policy.Decision;
import org.mxfront.policy.HeaderCollector;
import org.mxfront.policy.PolicyEngine;
import org.mxfront.policy.PolicySession;

public final class SpfDkimDmarcBench {
    private SpfDkimDmarcBench() {}

    static final String BASE = """
            server: {hostname: mx.bench.test}
            smtp: {listen: "127.0.0.1:0"}
            metrics: {listen: ""}
            state-directory: target/bench-state
            dns: {resolvers: ["127.0.0.1:%d"], timeout: 2s}
            """;
    static final String PLAIN = "checks:\n  relay: {}\n";
    static final String AUTH = "checks:\n" + System.getProperty("bench.checks",
            "  spf: {}\n  relay: {}\n  dkim: {}\n  dmarc: {}\n  authentication-results: {}\n").replace(";", "\n");

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        Path dir = Path.of(args[1]);
        int rounds = Integer.parseInt(args[2]);
        int messages = Integer.parseInt(args[3]);
        System.out.println("| message | without (µs/msg) | with spf+dkim+dmarc+A-R (µs/msg) | added (µs/msg) | ratio | cold first message without / with (ms) |");
        System.out.println("|---|---|---|---|---|---|");
        for (int size : new int[] {4096, 1048576}) {
            byte[] m = crlf(Files.readAllBytes(dir.resolve("signed-" + size + ".eml")));
            int n = size > 100_000 ? Math.max(20, messages / 40) : messages;
            double coldPlain = cold(port, PLAIN, m);
            double coldAuth = cold(port, AUTH, m);
            PolicyEngine plain = engine(port, PLAIN);
            PolicyEngine auth = engine(port, AUTH);
            String verdict = run(auth, m);
            if (System.getProperty("bench.checks") == null && !(verdict.contains("dkim=pass") && verdict.contains("spf=pass") && verdict.contains("dmarc=pass"))) {
                throw new IllegalStateException("the signed message does not pass: " + verdict);
            }
            for (int i = 0; i < n / 4 + 10; i++) {
                run(plain, m);
                run(auth, m);
            }
            List<Double> a = new ArrayList<>();
            List<Double> b = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                a.add(perMessage(plain, m, n));
                b.add(perMessage(auth, m, n));
            }
            double pa = median(a);
            double pb = median(b);
            System.out.printf("| %s signed | %.1f | %.1f | %.1f | %.2f | %.1f / %.1f |%n", size == 4096 ? "4 KiB" : "1 MiB", pa, pb,
                    pb - pa, pb / pa, coldPlain, coldAuth);
        }
        System.out.println("\nlast header: " + run(engine(port, AUTH), crlf(Files.readAllBytes(dir.resolve("signed-4096.eml")))));
        System.exit(0);
    }

    static PolicyEngine engine(int port, String checks) throws Exception {
        return new ConfigLoader(Doors.ALL).parse("bench.yml", BASE.formatted(port) + checks, new SimpleMeterRegistry()).engine();
    }

    /** The first message of a fresh engine (empty DNS cache), in milliseconds. */
    static double cold(int port, String checks, byte[] m) throws Exception {
        PolicyEngine e = engine(port, checks);
        long t0 = System.nanoTime();
        run(e, m);
        return (System.nanoTime() - t0) / 1e6;
    }

    static double perMessage(PolicyEngine e, byte[] m, int n) {
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) run(e, m);
        return (System.nanoTime() - t0) / 1e3 / n;
    }

    static final InetAddress CLIENT = address("127.0.0.2");
    static final Mailbox SENDER = new Mailbox("alice", "bench.test", false);
    static final Mailbox RCPT = new Mailbox("bob", "example.com", false);

    /** One connection and message as a door drives it; the added header's value (or "" when none). */
    static String run(PolicyEngine e, byte[] m) {
        PolicySession s = e.newSession(CLIENT, 40000, 1);
        check(s.connect());
        check(s.helo("mail.bench.test"));
        check(s.mail(SENDER, m.length));
        check(s.rcpt(RCPT));
        s.recipientAccepted(RCPT);
        s.openMessage();
        HeaderCollector headers = new HeaderCollector(256 * 1024);
        int start = 0;
        boolean inHeaders = true;
        for (int i = 0; i + 1 < m.length && inHeaders; i++) {
            if (m[i] == '\r' && m[i + 1] == '\n') {
                byte[] line = Arrays.copyOfRange(m, start, i);
                if (headers.line(line, line.length, true, false)) inHeaders = false;
                start = i + 2;
                i++;
            }
        }
        for (int off = 0; off < m.length; off += 65536) s.messageBytes(m, off, Math.min(65536, m.length - off));
        check(s.headers(headers.section()));
        check(s.endOfData(m.length));
        List<AddedHeader> added = AddedHeader.take(s.facts().state());
        s.resetTransaction();
        return added.isEmpty() ? "" : added.get(0).value().replace("\r\n\t", " ");
    }

    static void check(Decision d) {
        if (!d.proceed()) throw new IllegalStateException("refused: " + d.reply());
    }

    static byte[] crlf(byte[] in) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(in.length + 1024);
        for (int i = 0; i < in.length; i++) {
            if (in[i] == '\r' && i + 1 < in.length && in[i + 1] == '\n') i++;
            if (in[i] == '\n' || in[i] == '\r') out.write('\r');
            out.write(in[i] == '\r' ? '\n' : in[i]);
        }
        return out.toByteArray();
    }

    static double median(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        s.sort(null);
        return s.get(s.size() / 2);
    }

    static InetAddress address(String a) {
        try {
            return InetAddress.getByName(a);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
