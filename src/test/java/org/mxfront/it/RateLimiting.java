// Helpers shared by the rate-limit ITs: one MAIL attempt from a client (optionally as an IPv6
// client behind a PROXY header from a trusted proxy: loopback has one IPv6 address only), a whole message,
// and the decision counters scraped from a daemon's real /metrics endpoint.
package org.mxfront.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

final class RateLimiting {
    private RateLimiting() {}

    /** The reply lines of a refusal by XM-RJCT40. */
    static List<String> refused(String clientIp) {
        return List.of("450-4.7.1 XM-RJCT40: Sender rate exceeded, try again later.",
                "450 4.7.1 [" + clientIp + "] [mx.test]");
    }

    /** Connects from source (or, with an IPv6 address, from 127.0.0.1 as a proxy for it) and returns the reply to MAIL. */
    static List<String> mail(Mxfront m, String client, String sender) throws Exception {
        try (SmtpClient c = open(m, client)) {
            return c.command("MAIL FROM:<" + sender + ">");
        }
    }

    /** A whole message; returns the replies to MAIL, RCPT and the final dot (as far as it got). */
    static List<String> send(Mxfront m, String client, String sender, String subject) throws Exception {
        try (SmtpClient c = open(m, client)) {
            List<String> mail = c.command("MAIL FROM:<" + sender + ">");
            if (!mail.equals(List.of("250 2.1.0 Ok"))) return mail;
            List<String> rcpt = c.command("RCPT TO:<bob@example.com>");
            if (!rcpt.equals(List.of("250 2.1.5 Ok"))) return rcpt;
            assertEquals(List.of("354 End data with <CR><LF>.<CR><LF>"), c.command("DATA"));
            List<String> end = c.command("Subject: " + subject + "\r\n\r\nhello\r\n.");
            return List.of(mail.get(0), rcpt.get(0), end.get(0));
        }
    }

    private static SmtpClient open(Mxfront m, String client) throws Exception {
        if (client.indexOf(':') < 0) return FrontDoorIT.hello(m, client, "client.sender.example");
        // a PROXY v1 header, which a trusted proxy may send first (with XCLIENT the door would wait 3 s for one)
        SmtpClient c = m.client("127.0.0.1");
        assertEquals(List.of("220 mx.test ESMTP mxfront"), c.command("PROXY TCP6 " + client + " ::1 40000 25"));
        assertEquals("250-mx.test", c.command("EHLO v6.sender.example").get(0));
        return c;
    }

    /** mxfront_ratelimit_decisions_total{outcome,rule} of a daemon, 0 when not yet counted. */
    static double decisions(Mxfront m, String rule, String outcome) throws Exception {
        String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + m.httpPort()
                + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher x = Pattern.compile("(?m)^mxfront_ratelimit_decisions_total\\{outcome=\"" + outcome + "\",rule=\"" + rule
                + "\",?\\} ([0-9.E]+)$").matcher(body);
        return x.find() ? Double.parseDouble(x.group(1)) : 0;
    }
}
