// The client side of the load-driven tests (kill -9, soak): one short SMTP session per call, from a
// chosen loopback address, each message marked with a unique Message-ID so the sink can be checked;
// and the kill tests' workers, which send a batch of such messages, each retried until it gets a 250.
package org.mxfront.it;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

final class LoadClient {
    private LoadClient() {}

    /**
     * Sends one message in its own session; returns the reply to the final dot (or to the first
     * command that failed). IOException when the server is gone or hangs up.
     */
    static String sendOne(int port, String source, String messageId, String recipient) throws IOException {
        try (SmtpClient c = new SmtpClient(source, port)) {
            c.timeout(java.time.Duration.ofSeconds(15));
            String r = first(c.reply());
            if (!r.startsWith("220")) return r;
            if (!(r = first(c.command("EHLO load.sender.example"))).startsWith("250")) return r;
            if (!(r = first(c.command("MAIL FROM:<load@sender.example>"))).startsWith("250")) return r;
            if (!(r = first(c.command("RCPT TO:<" + recipient + ">"))).startsWith("250")) return r;
            if (!(r = first(c.command("DATA"))).startsWith("354")) return r;
            r = first(c.command("Message-ID: <" + messageId + ">\r\nSubject: load " + messageId + "\r\n\r\n"
                    + "a line of load\r\n".repeat(20) + "."));
            c.command("QUIT");
            return r;
        }
    }

    /** What becomes of a message's attempts in {@link #sendAll}. */
    interface Outcome {
        /** It got its 250 (with Postfix in front, the reply ends in its queue id). */
        void acked(String id, String reply) throws Exception;

        /** An attempt got another reply ({@code no reply: ...} when the session failed); it is tried again unless given up. */
        void notAcked(String id, String reply) throws Exception;

        /** Given up after a 5xx or 90 s without a 250. */
        void gaveUp(String id, String reply) throws Exception;
    }

    /**
     * Sends messages {@code PREFIX-0@load.example} to {@code PREFIX-(messages-1)@load.example} to bob@example.com
     * on {@code clients} workers in {@code pool} (from 127.0.0.{firstSource} on), each tried again every
     * {@code pause} until it gets a 250, a 5xx or 90 s have passed; returns when all are done.
     */
    static void sendAll(ExecutorService pool, int port, int clients, int firstSource, String prefix, int messages, Duration pause,
            Outcome outcome) throws Exception {
        AtomicInteger next = new AtomicInteger();
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < clients; t++) {
            String source = "127.0.0." + (firstSource + t);
            workers.add(pool.submit(() -> {
                for (int i = next.getAndIncrement(); i < messages; i = next.getAndIncrement()) {
                    String id = prefix + "-" + i + "@load.example";
                    long giveUp = System.nanoTime() + Duration.ofSeconds(90).toNanos();
                    while (true) {
                        String reply;
                        try {
                            reply = sendOne(port, source, id, "bob@example.com");
                        } catch (IOException e) {
                            reply = "no reply: " + e.getMessage();
                        }
                        if (reply.startsWith("250")) {
                            outcome.acked(id, reply);
                            break;
                        }
                        outcome.notAcked(id, reply);
                        if (reply.startsWith("5") || System.nanoTime() > giveUp) {
                            outcome.gaveUp(id, reply);
                            break;
                        }
                        Thread.sleep(pause.toMillis());
                    }
                }
                return null;
            }));
        }
        for (Future<?> w : workers) w.get();
    }

    private static String first(List<String> reply) throws IOException {
        if (reply.isEmpty()) throw new IOException("connection closed without a reply");
        // The last line of a multi-line reply carries the final code
        return reply.get(reply.size() - 1);
    }
}
