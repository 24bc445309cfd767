// Benchmark of sender authentication (docs/benchmarks.md, "Sender authentication"); not a test, run
// by bench/sender-auth.sh. DKIM part: the per-message cost of the dkim check through the policy
// engine without sockets (connect .. end of data, message bytes fed line by line as the SMTP door
// does), for a 4 KiB and a 1 MiB message signed by dkimpy with RSA 2048 and Ed25519 keys that a
// loopback NSD publishes, against the same engine without the check, in the same run. Reports the
// first message of a fresh engine (cold JVM and key not cached: what an operator sees right after a
// restart) beside the warm mean. Loopback only, bounded loops, about a minute.
package org.mxfront.bench;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mxfront.Doors;
import org.mxfront.checks.dkim.DkimResults;
import org.mxfront.config.ConfigLoader;
import org.mxfront.dkim.DkimResult;
import org.mxfront.dkim.Dkimpy;
import org.mxfront.dkim.TestKeys;
import org.mxfront.it.Nsd;
import org.mxfront.mail.Mailbox;
import org.mxfront.policy.Decision;
import org.mxfront.policy.HeaderCollector;
import org.mxfront.policy.PolicyEngine;
import org.mxfront.policy.PolicySession;

/** {@code main}: prints a Markdown report. */
public final class SenderAuthBench {
    static final byte[] CRLF = {'\r', '\n'};
    static final int ROUNDS = Smoke.n(7, 1);

    public static void main(String[] args) throws Exception {
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        Path dir = Files.createTempDirectory("sender-auth-bench");
        TestKeys.Key rsa = TestKeys.rsa(2048);
        TestKeys.Key ed = TestKeys.ed25519();
        Map<String, String> records = new LinkedHashMap<>();
        records.put("rsa._domainkey.bank.test", rsa.record());
        records.put("ed._domainkey.bank.test", ed.record());
        Dkimpy dkimpy = new Dkimpy(dir);
        byte[] small = message(4 * 1024);
        byte[] large = message(1024 * 1024);
        Map<String, byte[]> messages = new LinkedHashMap<>();
        messages.put("4 KiB, rsa-sha256 (2048)", dkimpy.sign(small, rsa, "rsa", "bank.test", "relaxed/relaxed", false, null));
        messages.put("4 KiB, ed25519-sha256", dkimpy.sign(small, ed, "ed", "bank.test", "relaxed/relaxed", false, null));
        messages.put("1 MiB, rsa-sha256 (2048)", dkimpy.sign(large, rsa, "rsa", "bank.test", "relaxed/relaxed", false, null));
        messages.put("1 MiB, ed25519-sha256", dkimpy.sign(large, ed, "ed", "bank.test", "relaxed/relaxed", false, null));
        try (Nsd nsd = Nsd.start(dir, Map.of("test", zone(records)))) {
            System.out.println("## Sender authentication (issue 14): DKIM (JDK " + Runtime.version() + ", "
                    + Runtime.getRuntime().availableProcessors() + " cores)\n");
            // Cold first: a fresh JVM's first messages, each engine fresh (key not cached).
            Map<String, Double> cold = new LinkedHashMap<>();
            for (Map.Entry<String, byte[]> m : messages.entrySet()) {
                PolicyEngine e = engine(nsd.port, true);
                long t0 = System.nanoTime();
                check(run(e, m.getValue()), true);
                cold.put(m.getKey(), (System.nanoTime() - t0) / 1e3);
            }
            PolicyEngine base = engine(nsd.port, false);
            PolicyEngine dkim = engine(nsd.port, true);
            System.out.println("| message | baseline (no dkim) | with dkim, warm | added, warm | ratio | warm JIT, key not cached"
                    + " | first message after start (cold JIT, key not cached) |");
            System.out.println("|---|---|---|---|---|---|---|");
            for (Map.Entry<String, byte[]> m : messages.entrySet()) {
                boolean big = m.getValue().length > 100_000;
                int warmup = Smoke.n(big ? 60 : 3000, 1);
                int n = Smoke.n(big ? 15 : 600, big ? 2 : 20);
                check(run(dkim, m.getValue()), true);
                mean(base, m.getValue(), warmup);
                mean(dkim, m.getValue(), warmup);
                // Interleaved rounds so that load from the other sessions on the machine hits both
                // alike; the median round of each.
                double[] b = new double[ROUNDS];
                double[] d = new double[ROUNDS];
                for (int round = 0; round < ROUNDS; round++) {
                    b[round] = mean(base, m.getValue(), n);
                    d[round] = mean(dkim, m.getValue(), n);
                }
                Arrays.sort(b);
                Arrays.sort(d);
                double bm = b[ROUNDS / 2];
                double dm = d[ROUNDS / 2];
                // A fresh engine once the JIT is warm: the key is looked up from NSD again (a cache miss).
                PolicyEngine fresh = engine(nsd.port, true);
                long t0 = System.nanoTime();
                check(run(fresh, m.getValue()), true);
                double miss = (System.nanoTime() - t0) / 1e3;
                System.out.printf("| %s (%d bytes) | %s | %s | %s | %.2fx | %s | %s |%n", m.getKey(), m.getValue().length, us(bm),
                        us(dm), us(dm - bm), dm / bm, us(miss), us(cold.get(m.getKey())));
            }
            // The floor: one SHA-256 over the same bytes, no canonicalisation, no engine.
            java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
            for (int size : new int[] {4 * 1024, 1024 * 1024}) {
                byte[] m = message(size);
                int n = Smoke.n(size > 100_000 ? 200 : 20_000, 10);
                for (int i = 0; i < n; i++) sha.digest(m);
                double[] t = new double[ROUNDS];
                for (int round = 0; round < ROUNDS; round++) {
                    long t0 = System.nanoTime();
                    for (int i = 0; i < n; i++) sha.digest(m);
                    t[round] = (System.nanoTime() - t0) / 1e3 / n;
                }
                Arrays.sort(t);
                System.out.printf("%nSHA-256 of %d bytes alone (the floor of any body hash): %s", m.length, us(t[ROUNDS / 2]));
            }
            System.out.println();
            System.out.printf("%nLoad average at the end: %.1f%n", java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                    .getSystemLoadAverage());
        }
    }

    static String us(double micros) {
        return micros >= 10_000 ? String.format("%.1f ms", micros / 1000) : String.format("%.1f µs", micros);
    }

    static void check(List<DkimResult> r, boolean expectPass) {
        if (expectPass && (r == null || r.size() != 1 || !r.get(0).passed())) throw new IllegalStateException("not a pass: " + r);
    }

    /** Mean microseconds per message over n messages. */
    static double mean(PolicyEngine e, byte[] m, int n) {
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) run(e, m);
        return (System.nanoTime() - t0) / 1e3 / n;
    }

    /** One transaction from 127.0.0.2 up to the final dot; returns the DKIM results (null without the check). */
    static List<DkimResult> run(PolicyEngine e, byte[] m) {
        try {
            PolicySession s = e.newSession(InetAddress.getByAddress(new byte[] {127, 0, 0, 2}), 40000, 1);
            s.connect();
            s.helo("client.sender.test");
            s.mail(new Mailbox("a", "sender.test", false), m.length);
            Mailbox to = new Mailbox("bob", "example.com", false);
            if (!s.rcpt(to).proceed()) throw new IllegalStateException("rcpt refused");
            s.recipientAccepted(to);
            s.openMessage();
            HeaderCollector headers = new HeaderCollector(256 * 1024);
            int start = 0;
            for (int i = 0; i + 1 < m.length; i++) {
                if (m[i] == '\r' && m[i + 1] == '\n') {
                    byte[] line = Arrays.copyOfRange(m, start, i);
                    if (!headers.done() && headers.line(line, line.length, true, false)) s.headers(headers.section());
                    s.messageBytes(line, 0, line.length);
                    s.messageBytes(CRLF, 0, 2);
                    start = i + 2;
                    i++;
                }
            }
            Decision d = s.endOfData(m.length);
            if (!d.proceed()) throw new IllegalStateException("refused: " + d.reply());
            List<DkimResult> r = DkimResults.get(s.facts().state());
            s.closeMessage();
            s.resetTransaction();
            return r;
        } catch (java.io.IOException ex) {
            throw new IllegalStateException(ex);
        }
    }

    static PolicyEngine engine(int dnsPort, boolean dkim) throws Exception {
        String yaml = """
                server: { hostname: mx.bench }
                dns:
                  resolvers: ["127.0.0.1:%d"]
                  timeout: 2s
                checks:
                  relay: {}
                  message-size: {}
                %s
                """.formatted(dnsPort, dkim ? "  dkim: { must-be-signed: [bank.test] }" : "");
        return new ConfigLoader(Doors.ALL).parse("bench.yml", yaml, new SimpleMeterRegistry()).engine();
    }

    /** A message of about the given size: headers and lines of 76 characters. */
    static byte[] message(int size) {
        StringBuilder sb = new StringBuilder(size + 200);
        sb.append("From: Alice <alice@bank.test>\r\nTo: bob@example.com\r\nSubject: statement\r\n")
                .append("Date: Tue, 1 Dec 2026 10:00:00 +0000\r\nMessage-ID: <bench@bank.test>\r\n\r\n");
        String line = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempo";
        while (sb.length() < size) sb.append(line, 0, Math.min(line.length(), Math.max(1, size - sb.length() - 2))).append("\r\n");
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    static String zone(Map<String, String> records) {
        return Nsd.txtZone(records);
    }
}
