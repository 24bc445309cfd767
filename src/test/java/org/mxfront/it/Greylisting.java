// Helpers shared by the greylisting ITs: one RCPT attempt, retrying while greylisted, the decision counters scraped from a
// daemon's real /metrics endpoint, and the command line run in-process.
package org.mxfront.it;

import org.mxfront.Cli;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

final class Greylisting {
    private Greylisting() {}

    /** Connects from source, says EHLO and MAIL FROM, and returns the reply to RCPT TO. */
    static List<String> rcpt(Mxfront m, String source, String sender, String recipient) throws Exception {
        try (SmtpClient c = FrontDoorIT.hello(m, source, "client.sender.example")) {
            if (!c.command("MAIL FROM:<" + sender + ">").equals(List.of("250 2.1.0 Ok"))) throw new AssertionError("MAIL refused");
            return c.command("RCPT TO:<" + recipient + ">");
        }
    }

    /**
     * Sends again every 300 ms while the first reply is a 451 (each such reply given to {@code greylisted}
     * to check), for up to 20 s; returns the replies of the attempt that passed.
     */
    static List<String> retryWhileGreylisted(Callable<List<String>> attempt, Consumer<List<String>> greylisted) {
        AtomicReference<List<String>> last = new AtomicReference<>();
        Ports.await(() -> {
            try {
                List<String> r = attempt.call();
                last.set(r);
                if (r.get(0).startsWith("451")) {
                    greylisted.accept(r);
                    Thread.sleep(300);
                    return false;
                }
                return true;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }, Duration.ofSeconds(20), "the retry to pass greylisting");
        return last.get();
    }

    /** A whole transaction; returns the replies to RCPT and to the final dot. */
    static List<String> send(Mxfront m, String source, String sender, String recipient, String subject) throws Exception {
        try (SmtpClient c = FrontDoorIT.hello(m, source, "client.sender.example")) {
            c.command("MAIL FROM:<" + sender + ">");
            List<String> r = c.command("RCPT TO:<" + recipient + ">");
            if (!r.equals(List.of("250 2.1.5 Ok"))) return r;
            if (!c.command("DATA").equals(List.of("354 End data with <CR><LF>.<CR><LF>"))) throw new AssertionError("DATA refused");
            List<String> end = c.command("Subject: " + subject + "\r\n\r\nhello\r\n.");
            return List.of(r.get(0), end.get(0));
        }
    }

    /** mxfront_greylist_decisions_total{outcome=...} of a daemon, 0 when not yet counted. */
    static double decisions(Mxfront m, String outcome) throws Exception {
        String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + m.httpPort()
                + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher x = Pattern.compile("(?m)^mxfront_greylist_decisions_total\\{outcome=\"" + outcome + "\",?\\} ([0-9.E]+)$").matcher(body);
        return x.find() ? Double.parseDouble(x.group(1)) : 0;
    }


    static Cli.Run cli(String... args) {
        return Cli.run(args);
    }
}
