// Kill -9 of a separately started mxfront JVM in the middle of a load run into smtp-sink: every
// message for which a client received 250 is in the sink (mxfront answers 250 only after the
// downstream did, and keeps nothing of its own to lose). The clients retry what got no 250, as MTAs
// do, against a new mxfront on the same port; duplicates (accepted downstream, 250 never heard) are
// allowed and counted. Size: -Dmxfront.kill9.messages (300) over -Dmxfront.kill9.clients (8).
package org.mxfront.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KillNineIT {
    @TempDir
    Path tmp;

    static final Pattern MESSAGE_ID = Pattern.compile("(?m)^Message-ID: <(kill9-\\d+@load\\.example)>$");

    @Test
    void everyMessageAcknowledgedWith250IsInTheSink() throws Exception {
        int messages = Integer.getInteger("mxfront.kill9.messages", 300);
        int clients = Integer.getInteger("mxfront.kill9.clients", 8);
        int killAt = messages / 3;
        try (SmtpSink sink = SmtpSink.start(tmp)) {
            int port = Ports.free();
            MxfrontProcess[] mx = {MxfrontProcess.start(tmp, port, sink.port, "", "-Xmx256m")};
            long killedPid = mx[0].pid();
            Set<String> acked = ConcurrentHashMap.newKeySet();
            Map<String, String> refused = new ConcurrentHashMap<>();
            AtomicInteger failedAttempts = new AtomicInteger();
            AtomicInteger ackedBeforeKill = new AtomicInteger(-1);
            CountDownLatch killTime = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(clients + 1);
            try {
                Future<?> killer = pool.submit(() -> {
                    killTime.await();
                    mx[0].kill9();
                    ackedBeforeKill.set(acked.size());
                    mx[0] = MxfrontProcess.start(tmp, port, sink.port, "", "-Xmx256m");
                    return null;
                });
                LoadClient.sendAll(pool, port, clients, 10, "kill9", messages, Duration.ofMillis(100), new LoadClient.Outcome() {
                    public void acked(String id, String reply) {
                        acked.add(id);
                        if (acked.size() >= killAt) killTime.countDown();
                    }

                    public void notAcked(String id, String reply) {
                        failedAttempts.incrementAndGet();
                    }

                    public void gaveUp(String id, String reply) {
                        refused.put(id, reply);
                    }
                });
                killTime.countDown(); // (when the run never got that far: the assertions below say so)
                killer.get();
            } finally {
                pool.shutdownNow();
            }
            try {
                assertTrue(mx[0].pid() != killedPid, "mxfront was killed and restarted");
                assertEquals(Map.of(), refused, "every message got 250 in the end");
                // The sink may still be writing the last dumps.
                Ports.await(() -> idsInSink(sink).keySet().containsAll(acked), Duration.ofSeconds(20),
                        "every acknowledged message in the sink");
                Map<String, Integer> inSink = idsInSink(sink);
                int dumps = inSink.values().stream().mapToInt(Integer::intValue).sum();
                List<String> lost = acked.stream().filter(id -> !inSink.containsKey(id)).sorted().toList();
                System.out.printf("[kill -9] messages=%d clients=%d killed after %d acknowledged; attempts without 250=%d; "
                        + "acknowledged=%d; in sink: %d distinct, %d dumps, %d duplicates; lost=%d%n", messages, clients,
                        ackedBeforeKill.get(), failedAttempts.get(), acked.size(), inSink.size(), dumps,
                        dumps - inSink.size(), lost.size());
                assertEquals(List.of(), lost, "acknowledged with 250 but not in the sink");
                assertEquals(messages, acked.size());
                assertTrue(ackedBeforeKill.get() >= killAt && ackedBeforeKill.get() < messages,
                        "the kill came in the middle of the run: " + ackedBeforeKill.get());
                // Still serving after the restart.
                assertTrue(LoadClient.sendOne(port, "127.0.0.2", "kill9-after@load.example", "bob@example.com").startsWith("250"));
            } finally {
                mx[0].close();
            }
        }
    }

    /** Message-ID -> number of dumps carrying it. */
    static Map<String, Integer> idsInSink(SmtpSink sink) {
        Map<String, Integer> ids = new ConcurrentHashMap<>();
        for (String m : sink.messages()) {
            Matcher x = MESSAGE_ID.matcher(m);
            if (x.find()) ids.merge(x.group(1), 1, Integer::sum);
        }
        return ids;
    }
}
