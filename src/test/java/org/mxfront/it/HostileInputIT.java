// Hostile clients against a running mxfront with smtp-sink downstream: over-long command lines,
// NUL and 8-bit bytes in commands, commands before the greeting, pipelining across DATA, STARTTLS
// with plaintext pipelined after it, and half-open connections. Every case ends with a fresh client
// completing a normal transaction. (Trickling, unknown-command floods and bare LF in a command line
// are in LimitsIT.)
package org.mxfront.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class HostileInputIT {
    @RegisterExtension
    static final SinkFixture sink = new SinkFixture();
    @RegisterExtension
    static final MxfrontFixture mx = MxfrontFixture.relayingTo(sink);
    private static final AtomicInteger SERIAL = new AtomicInteger();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    static final List<String> EHLO = List.of("250-mx.test", "250-PIPELINING", "250-SIZE 52428800", "250-8BITMIME", "250-DSN",
            "250-ENHANCEDSTATUSCODES", "250 CHUNKING");

    /** Every hostile case ends with the daemon still serving. */
    @AfterEach
    void stillServing() throws Exception {
        String subject = completeATransaction(mx.get(), "still-serving-" + SERIAL.incrementAndGet());
        sink.awaitMessageContaining("Subject: " + subject + "\n");
    }

    /** A fresh client completes one normal transaction; returns the message's Subject. */
    static String completeATransaction(Mxfront m, String subject) throws Exception {
        try (SmtpClient c = FrontDoorIT.hello(m, "127.0.0.2", "client.sender.example")) {
            assertEquals(List.of("250 2.1.0 Ok"), c.command("MAIL FROM:<a@sender.example>"));
            assertEquals(List.of("250 2.1.5 Ok"), c.command("RCPT TO:<bob@example.com>"));
            assertEquals(List.of("354 End data with <CR><LF>.<CR><LF>"), c.command("DATA"));
            List<String> r = c.command("Subject: " + subject + "\r\nMessage-ID: <" + subject + "@sender.example>\r\n\r\nhello\r\n.");
            assertEquals(1, r.size(), r.toString());
            assertTrue(r.get(0).startsWith("250 2.0.0"), r.toString());
            assertEquals(List.of("221 2.0.0 Bye"), c.command("QUIT"));
        }
        return subject;
    }

    static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    // ---- over-long lines, NUL, 8-bit --------------------------------------------------------------

    @Test
    void aCommandLineOf513OctetsIsServed() throws Exception {
        // RFC 5321 4.5.3.1.4 allows 512 octets; like Postfix (line_length_limit 2048) mxfront is lenient:
        // SubEtha takes up to 999 octets with the CRLF and refuses 1000 (next test).
        String line = "NOOP " + "x".repeat(506);
        assertEquals(513, line.length() + 2);
        try (SmtpClient c = FrontDoorIT.hello(mx.get(), "127.0.0.2", "client.sender.example")) {
            assertEquals(List.of("250 2.0.0 Ok"), c.command(line));
            assertEquals(List.of("250 2.0.0 Ok"), c.command("NOOP " + "x".repeat(992)));
            assertEquals(List.of("250 2.1.0 Ok"), c.command("MAIL FROM:<" + "a".repeat(64) + "@" + "d".repeat(63) + "."
                    + "d".repeat(63) + "." + "d".repeat(63) + "." + "d".repeat(55) + ".example> SIZE=1000 BODY=8BITMIME"));
        }
    }

    @Test
    void aCommandLineOf100KiBIsRefusedAndTheConnectionClosed() throws Exception {
        try (SmtpClient c = FrontDoorIT.hello(mx.get(), "127.0.0.2", "client.sender.example")) {
            try {
                c.sendRaw("MAIL FROM:<" + "a".repeat(100 * 1024) + "@sender.example>\r\nNOOP\r\n");
            } catch (java.net.SocketException reset) {
                // mxfront stopped reading after 1000 octets and hung up while we were still writing
            }
            assertEquals(List.of("501 5.5.2 Error: command line too long"), c.reply());
            assertTrue(c.closedByServer());
        }
        try (SmtpClient c = FrontDoorIT.hello(mx.get(), "127.0.0.2", "client.sender.example")) {
            assertEquals(List.of("501 5.5.2 Error: command line too long"), c.command("NOOP " + "x".repeat(993)));
            assertTrue(c.closedByServer());
        }
    }

    @Test
    void nulBytesInCommandsAreRefusedOneByOne() throws Exception {
        try (SmtpClient c = FrontDoorIT.hello(mx.get(), "127.0.0.2", "client.sender.example")) {
            assertEquals(List.of("500 5.5.2 Error: command not recognized"), c.command("NOOP\u0000"));
            assertEquals(List.of("500 5.5.2 Error: bad syntax"), c.command("\u0000"));
            assertEquals(List.of("501-5.1.7 XM-RJCT54: Bad sender address syntax: invalid character in local part.",
                    "501 5.1.7 [127.0.0.2] [mx.test]"), c.command("MAIL FROM:<a\u0000b@sender.example>"));
            assertEquals(List.of("250 2.1.0 Ok"), c.command("MAIL FROM:<a@sender.example>"));
            assertEquals(List.of("501-5.1.3 XM-RJCT53: Bad recipient address syntax: invalid character in local part.",
                    "501 5.1.3 [127.0.0.2] [mx.test]"), c.command("RCPT TO:<b\u0000ob@example.com>"));
            // A NUL in the HELO name is taken at EHLO and refused at RCPT (delay-reject); the reply shows it as '?'.
            assertEquals(EHLO, c.command("EHLO a\u0000b.example"));
            c.command("MAIL FROM:<a@sender.example>");
            assertEquals(List.of("501-5.5.2 XM-RJCT25: Helo command rejected: invalid name <a?b.example>.",
                    "501 5.5.2 [127.0.0.2] [mx.test]"), c.command("RCPT TO:<bob@example.com>"));
        }
    }

    @Test
    void eightBitBytesInCommands() throws Exception {
        // Valid UTF-8 without SMTPUTF8: refused per command, the session goes on.
        try (SmtpClient c = FrontDoorIT.hello(mx.get(), "127.0.0.2", "client.sender.example")) {
            assertEquals(List.of("500 5.5.2 Error: command not recognized"), c.command("N\u00d6OP"));
            assertEquals(List.of("501-5.1.7 XM-RJCT54: Bad sender address syntax: a non-ASCII address requires the SMTPUTF8 parameter on MAIL FROM (RFC 6531).",
                    "501 5.1.7 [127.0.0.2] [mx.test]"), c.command("MAIL FROM:<j\u00f6rg@sender.example>"));
            assertEquals(List.of("555 5.5.4 Unsupported SMTPUTF8 parameter"),
                    c.command("MAIL FROM:<j\u00f6rg@sender.example> SMTPUTF8"), "smtp-sink does not offer SMTPUTF8");
            assertEquals(List.of("250 2.1.0 Ok"), c.command("MAIL FROM:<a@sender.example>"));
            assertEquals(List.of("501-5.1.3 XM-RJCT53: Bad recipient address syntax: a non-ASCII address requires the SMTPUTF8 parameter on MAIL FROM (RFC 6531).",
                    "501 5.1.3 [127.0.0.2] [mx.test]"), c.command("RCPT TO:<j\u00fcrgen@example.com>"));
            assertEquals(EHLO, c.command("EHLO h\u00e9llo.example"));
            c.command("MAIL FROM:<a@sender.example>");
            assertEquals(List.of("501-5.5.2 XM-RJCT25: Helo command rejected: invalid name <h\u00e9llo.example>.",
                    "501 5.5.2 [127.0.0.2] [mx.test]"), c.command("RCPT TO:<bob@example.com>"));
        }
        // Bytes that are not UTF-8 (Latin-1 here): SubEtha cannot decode the line and drops the connection.
        try (SmtpClient c = FrontDoorIT.hello(mx.get(), "127.0.0.2", "client.sender.example")) {
            c.sendRaw("MAIL FROM:<j\u00f6rg@sender.example>\r\n".getBytes(StandardCharsets.ISO_8859_1));
            assertEquals(List.of("501 5.5.2 Error: invalid UTF-8 in a command line"), c.reply());
            assertTrue(c.closedByServer());
        }
        assertEquals(0, sink.messages().stream().filter(m -> m.contains("rg@sender.example")).count());
    }

    // ---- pipelining ---------------------------------------------------------------------------------

    @Test
    void anEarlyTalkerIsServedInOrder() throws Exception {
        // Commands sent before the greeting. Postfix's postscreen would refuse such a client
        // (postscreen_greet_action); mxfront without its early-talker check, like Postfix's smtpd,
        // greets and then answers them in order.
        try (SmtpClient c = mx.client("127.0.0.2")) {
            c.sendRaw("EHLO client.sender.example\r\nMAIL FROM:<a@sender.example>\r\nRCPT TO:<bob@example.com>\r\nDATA\r\n"
                    + "Subject: early talker\r\n\r\nhi\r\n.\r\nQUIT\r\n");
            List<String> all = c.linesUntilClosed();
            assertEquals(List.of("220 mx.test ESMTP mxfront", "250-mx.test", "250-PIPELINING", "250-SIZE 52428800",
                    "250-8BITMIME", "250-DSN", "250-ENHANCEDSTATUSCODES", "250 CHUNKING", "250 2.1.0 Ok", "250 2.1.5 Ok",
                    "354 End data with <CR><LF>.<CR><LF>", "250 2.0.0 Ok", "221 2.0.0 Bye"), all);
        }
        sink.awaitMessageContaining("Subject: early talker\n");
    }

    @Test
    void withTheEarlyTalkerCheckAClientThatTalksFirstIsRefusedAtRcptAndOneThatWaitsIsServed() throws Exception {
        try (Mxfront strict = Mxfront.start(sink.port(), "checks:\n  early-talker: { pause: 400ms }\n  relay: {}\n")) {
            try (SmtpClient c = strict.client("127.0.0.2")) {
                // The whole transaction at once, before the greeting (it is held back for 400 ms).
                c.sendRaw("EHLO client.sender.example\r\nMAIL FROM:<a@sender.example>\r\nRCPT TO:<bob@example.com>\r\n"
                        + "DATA\r\nSubject: pregreet\r\n\r\nhi\r\n.\r\nQUIT\r\n");
                List<String> all = c.linesUntilClosed();
                // (no SIZE: this configuration has no message-size check)
                assertEquals(List.of("220 mx.test ESMTP mxfront", "250-mx.test", "250-PIPELINING",
                        "250-8BITMIME", "250-DSN", "250-ENHANCEDSTATUSCODES", "250 CHUNKING", "250 2.1.0 Ok",
                        "554-5.5.1 XM-RJCT73: Protocol error: commands sent before the greeting.",
                        "554 5.5.1 [127.0.0.2] [mx.test]",
                        "554 5.5.1 Error: no valid recipients",
                        // the message lines, read as commands after the refused DATA ("", "hi", ".")
                        "500 5.5.2 Error: command not recognized", "500 5.5.2 Error: bad syntax",
                        "500 5.5.2 Error: bad syntax", "500 5.5.2 Error: bad syntax",
                        "221 2.0.0 Bye"), all);
            }
            // A client that waits for the greeting is served as always.
            try (SmtpClient c = FrontDoorIT.hello(strict, "127.0.0.2", "client.sender.example")) {
                assertEquals(List.of("250 2.1.0 Ok"), c.command("MAIL FROM:<a@sender.example>"));
                assertEquals(List.of("250 2.1.5 Ok"), c.command("RCPT TO:<bob@example.com>"));
                assertEquals(List.of("354 End data with <CR><LF>.<CR><LF>"), c.command("DATA"));
                assertTrue(c.command("Subject: waited\r\n\r\nhi\r\n.").get(0).startsWith("250 2.0.0"));
            }
            sink.awaitMessageContaining("Subject: waited\n");
            assertEquals(0, sink.messages().stream().filter(m -> m.contains("Subject: pregreet")).count());
        }
    }

    @Test
    void commandsAfterTheFinalDotInTheSamePacketAreAnsweredInOrder() throws Exception {
        try (SmtpClient c = FrontDoorIT.hello(mx.get(), "127.0.0.2", "client.sender.example")) {
            c.sendRaw("MAIL FROM:<a@sender.example>\r\nRCPT TO:<bob@example.com>\r\nDATA\r\n");
            assertEquals(List.of("250 2.1.0 Ok"), c.reply());
            assertEquals(List.of("250 2.1.5 Ok"), c.reply());
            assertEquals(List.of("354 End data with <CR><LF>.<CR><LF>"), c.reply());
            c.sendRaw("Subject: pipelined one\r\n\r\none\r\n.\r\nMAIL FROM:<b@sender.example>\r\nRCPT TO:<carol@example.com>\r\n"
                    + "DATA\r\nSubject: pipelined two\r\n\r\ntwo\r\n.\r\nRSET\r\nNOOP\r\nQUIT\r\n");
            List<String> all = c.linesUntilClosed();
            // smtp-sink's "250 2.0.0 Ok" for each message, then MAIL, RCPT, DATA, RSET, NOOP, QUIT.
            assertEquals(List.of("250 2.0.0 Ok", "250 2.1.0 Ok", "250 2.1.5 Ok", "354 End data with <CR><LF>.<CR><LF>",
                    "250 2.0.0 Ok", "250 2.0.0 Ok", "250 2.0.0 Ok", "221 2.0.0 Bye"), all);
        }
        assertTrue(sink.awaitMessageContaining("Subject: pipelined one\n").contains("X-Rcpt-Args: <bob@example.com>"));
        String two = sink.awaitMessageContaining("Subject: pipelined two\n");
        assertTrue(two.contains("X-Mail-Args: <b@sender.example>") && two.contains("X-Rcpt-Args: <carol@example.com>"), two);
    }

    @Test
    void starttlsWithPlaintextPipelinedAfterItGetsOneReplyPerCommand() throws Exception {
        // mxfront does not offer STARTTLS: 502, and the plaintext after it is an ordinary command stream
        // (no TLS layer starts, so nothing can be carried over into one). Each command gets its own reply.
        try (SmtpClient c = FrontDoorIT.hello(mx.get(), "127.0.0.2", "client.sender.example")) {
            c.sendRaw("STARTTLS\r\nMAIL FROM:<a@sender.example>\r\nRCPT TO:<bob@example.com>\r\nRSET\r\nQUIT\r\n");
            assertEquals(List.of("502 5.5.1 Error: STARTTLS not implemented", "250 2.1.0 Ok", "250 2.1.5 Ok", "250 2.0.0 Ok",
                    "221 2.0.0 Bye"), c.linesUntilClosed());
        }
    }

    // ---- half-open connections ------------------------------------------------------------------------

    static double activeConnections(Mxfront m) throws Exception {
        String metrics = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + m.httpPort() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return metrics.lines().filter(l -> l.startsWith("mxfront_connections_active ")).mapToDouble(
                l -> Double.parseDouble(l.substring(l.indexOf(' ') + 1))).findFirst().orElseThrow();
    }

    static void awaitNoConnections(Mxfront m) {
        Ports.await(() -> {
            try {
                return activeConnections(m) == 0.0;
            } catch (Exception e) {
                return false;
            }
        }, Duration.ofSeconds(10), "mxfront_connections_active back to 0");
    }

    @Test
    void aClientThatShutsDownItsSideAfterMailEndsTheSession() throws Exception {
        awaitNoConnections(mx.get());
        try (SmtpClient c = FrontDoorIT.hello(mx.get(), "127.0.0.2", "client.sender.example")) {
            assertEquals(List.of("250 2.1.0 Ok"), c.command("MAIL FROM:<a@sender.example>"));
            assertEquals(1.0, activeConnections(mx.get()));
            c.shutdownOutput();
            assertEquals(List.of(), c.linesUntilClosed(), "mxfront closes its side without a word");
            awaitNoConnections(mx.get());
        }
    }

    @Test
    void aClientThatShutsDownItsSideInDataEndsTheSessionAndNothingIsRelayed() throws Exception {
        awaitNoConnections(mx.get());
        try (SmtpClient c = FrontDoorIT.hello(mx.get(), "127.0.0.2", "client.sender.example")) {
            c.command("MAIL FROM:<a@sender.example>");
            assertEquals(List.of("250 2.1.5 Ok"), c.command("RCPT TO:<bob@example.com>"));
            assertEquals(List.of("354 End data with <CR><LF>.<CR><LF>"), c.command("DATA"));
            c.sendRaw("Subject: half open\r\n\r\n" + "partial line\r\n".repeat(5000) + "no end");
            c.shutdownOutput();
            assertEquals(List.of(), c.linesUntilClosed(), "nobody left to answer: no reply");
            awaitNoConnections(mx.get());
        }
        Thread.sleep(300);
        assertTrue(sink.messages().stream().noneMatch(m -> m.contains("Subject: half open")));
    }
}
