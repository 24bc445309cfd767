// mxfront killed (SIGKILL) under load while a real Postfix uses it as its milter with
// milter_default_action = tempfail: Postfix tempfails what it cannot check, and every message Postfix
// acknowledged with 250 was checked by mxfront (its accept line carries Postfix's queue id) and
// reached the sink. Nothing is lost, nothing is accepted unchecked.
package org.mxfront.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MilterKillIT {
    @TempDir
    Path tmp;

    @Test
    void postfixTempfailsWhileMxfrontIsDeadAndAcceptsNothingUnchecked() throws Exception {
        assumeTrue(PostfixInstance.available(), "needs root and Postfix");
        int messages = Integer.getInteger("mxfront.milterkill.messages", 150);
        int clients = 6;
        try (SmtpSink sink = SmtpSink.start(tmp)) {
            int smtpPort = Ports.free();
            int milterPort = Ports.free();
            String yaml = """
                    milter: {enabled: true, listen: "127.0.0.1:%d"}
                    checks:
                      relay: {}
                      headers: {}
                      attachments: {}
                    """.formatted(milterPort);
            List<MxfrontProcess> started = new ArrayList<>();
            started.add(MxfrontProcess.start(tmp, smtpPort, sink.port, yaml, "-Xmx256m"));
            Ports.awaitListening(milterPort, Duration.ofSeconds(10));
            try (PostfixInstance postfix = PostfixInstance.start(tmp, sink.port, MilterDoorIT.milterLines(milterPort))) {
                Map<String, String> queueIds = new ConcurrentHashMap<>(); // message id -> Postfix queue id
                Map<String, String> tempfails = new ConcurrentHashMap<>();
                CountDownLatch killTime = new CountDownLatch(1);
                AtomicInteger ackedAtKill = new AtomicInteger(-1);
                ExecutorService pool = Executors.newFixedThreadPool(clients + 1);
                try {
                    Future<?> killer = pool.submit(() -> {
                        killTime.await();
                        started.get(0).kill9();
                        ackedAtKill.set(queueIds.size());
                        Thread.sleep(3000); // Postfix meets a dead milter for a while
                        started.add(MxfrontProcess.start(tmp, smtpPort, sink.port, yaml, "-Xmx256m"));
                        return null;
                    });
                    LoadClient.sendAll(pool, postfix.port, clients, 20, "mkill", messages, Duration.ofMillis(200), new LoadClient.Outcome() {
                        public void acked(String id, String reply) {
                            queueIds.put(id, reply.substring(reply.lastIndexOf(' ') + 1));
                            if (queueIds.size() >= messages / 3) killTime.countDown();
                        }

                        public void notAcked(String id, String reply) {
                            tempfails.merge(reply, "x", String::concat);
                        }

                        public void gaveUp(String id, String reply) {
                            throw new AssertionError(id + ": " + reply);
                        }
                    });
                    killTime.countDown();
                    killer.get();
                } finally {
                    pool.shutdownNow();
                }
                System.out.printf("[milter kill -9] messages=%d clients=%d killed after %d acknowledged; replies without 250: %s%n",
                        messages, clients, ackedAtKill.get(),
                        tempfails.entrySet().stream().map(e -> e.getValue().length() + "x " + e.getKey()).toList());
                assertEquals(messages, queueIds.size());
                assertTrue(ackedAtKill.get() >= messages / 3 && ackedAtKill.get() < messages, "killed mid-run: " + ackedAtKill.get());
                assertTrue(tempfails.keySet().stream().allMatch(r -> r.startsWith("4") || r.startsWith("no reply")), tempfails.toString());
                assertTrue(tempfails.keySet().stream().anyMatch(r -> r.startsWith("451 4.7.1")),
                        "Postfix applied milter_default_action = tempfail: " + tempfails);
                // every 250 from Postfix was checked: mxfront wrote an accept line with its queue id
                String logs = started.stream().map(MxfrontProcess::logText).reduce("", String::concat);
                List<String> unchecked = queueIds.entrySet().stream()
                        .filter(e -> !logs.contains("door=milter queue_id=" + e.getValue())).map(Map.Entry::getKey).sorted().toList();
                assertEquals(List.of(), unchecked, "acknowledged by Postfix without mxfront's accept");
                Ports.await(() -> idsInSink(sink).containsAll(queueIds.keySet()), Duration.ofSeconds(60),
                        "every acknowledged message in the sink");
            } finally {
                for (MxfrontProcess m : started) m.close();
            }
        }
    }

    static java.util.Set<String> idsInSink(SmtpSink sink) {
        java.util.Set<String> ids = new java.util.HashSet<>();
        java.util.regex.Pattern p = java.util.regex.Pattern.compile("(?m)^Message-ID: <(mkill-\\d+@load\\.example)>$");
        for (String m : sink.messages()) {
            java.util.regex.Matcher x = p.matcher(m);
            if (x.find()) ids.add(x.group(1));
        }
        return ids;
    }
}
