// Limits and trusted-proxy paths through a running mxfront with smtp-sink downstream: connections
// per client, bytes actually sent, command deadlines against a trickling client, the error limit,
// XCLIENT and PROXY from a trusted proxy, per-domain content policies and log-only mode.
package org.mxfront.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LimitsIT {
    @TempDir
    Path tmp;

    @Test
    void sixthConnectionFromOneAddressIsRefused() throws Exception {
        try (SmtpSink sink = SmtpSink.start(tmp); Mxfront mx = Mxfront.start(sink.port)) {
            List<SmtpClient> open = new ArrayList<>();
            try {
                for (int i = 0; i < 5; i++) {
                    SmtpClient c = mx.client("127.0.0.7");
                    assertEquals(List.of("220 mx.test ESMTP mxfront"), c.reply());
                    open.add(c);
                }
                try (SmtpClient sixth = mx.client("127.0.0.7")) {
                    assertEquals(List.of("421-4.7.0 XM-RJCT34: Too many connections from 127.0.0.7, at most 5 at a time.",
                            "421 4.7.0 [127.0.0.7] [mx.test]"), sixth.reply());
                    assertTrue(sixth.closedByServer());
                }
                try (SmtpClient other = mx.client("127.0.0.8")) {
                    assertEquals(List.of("220 mx.test ESMTP mxfront"), other.reply());
                }
            } finally {
                for (SmtpClient c : open) c.close();
            }
            // Closed connections free their slots.
            Ports.await(() -> {
                try (SmtpClient again = mx.client("127.0.0.7")) {
                    return again.reply().get(0).startsWith("220");
                } catch (Exception e) {
                    return false;
                }
            }, java.time.Duration.ofSeconds(5), "slot freed");
        }
    }

    @Test
    void oversizeByActualBytesIsRefusedAndNothingIsRelayed() throws Exception {
        try (SmtpSink sink = SmtpSink.start(tmp);
                Mxfront mx = Mxfront.start(sink.port, "checks:\n  message-size:\n    max-bytes: 2048\n");
                SmtpClient c = FrontDoorIT.hello(mx, "127.0.0.2", "client.sender.example")) {
            assertEquals(List.of("250 2.1.0 Ok"), c.command("MAIL FROM:<a@sender.example> SIZE=1000"));
            c.command("RCPT TO:<bob@example.com>");
            c.command("DATA");
            String big = "Subject: big\r\n\r\n" + ("x".repeat(70) + "\r\n").repeat(100);
            assertEquals(List.of("552-5.3.4 XM-RJCT32: Message size exceeds the limit of 2048 bytes.",
                    "552 5.3.4 [127.0.0.2] [mx.test]"), c.command(big + "."));
            c.command("MAIL FROM:<a@sender.example>");
            c.command("RCPT TO:<bob@example.com>");
            c.command("DATA");
            assertTrue(c.command("Subject: small\r\n\r\nok\r\n.").get(0).startsWith("250 2.0.0"));
            List<String> got = sink.awaitMessages(1);
            Thread.sleep(300);
            assertEquals(1, sink.messages().size());
            assertTrue(got.get(0).contains("Subject: small"));
        }
    }

    @Test
    void tricklingClientIsCutOffAtTheCommandDeadline() throws Exception {
        try (SmtpSink sink = SmtpSink.start(tmp);
                Mxfront mx = Mxfront.start(sink.port, "smtp:\n  command-timeout: 1s\n");
                SmtpClient c = mx.client("127.0.0.2")) {
            c.reply();
            // One byte at a time, each well inside SubEtha's per-read timeout, never a full line.
            try {
                for (int i = 0; i < 40; i++) {
                    c.sendRaw("E");
                    Thread.sleep(250);
                }
            } catch (java.net.SocketException closed) {
                // mxfront hung up: the reply it sent before is still to be read
            }
            List<String> r = c.reply();
            assertEquals(List.of("421-4.4.2 XM-RJCT50: Timeout exceeded, closing connection.", "421 4.4.2 [127.0.0.2] [mx.test]"), r);
            assertTrue(c.closedByServer());
        }
    }

    @Test
    void aClientThatNeverReadsItsRepliesIsCutOffAndTheDaemonServesOthers() throws Exception {
        try (SmtpSink sink = SmtpSink.start(tmp);
                Mxfront mx = Mxfront.start(sink.port, "smtp:\n  command-timeout: 1s\n");
                java.net.Socket s = new java.net.Socket()) {
            s.setReceiveBufferSize(4096);
            s.bind(new java.net.InetSocketAddress("127.0.0.2", 0));
            s.connect(new java.net.InetSocketAddress("127.0.0.1", mx.port()));
            // NOOPs and never a read: mxfront's replies fill the client's receive buffer and its own
            // send buffer, then its session thread blocks in a write that never ends by itself.
            var writer = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                byte[] block = "NOOP\r\n".repeat(10_000).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                long sent = 0;
                try {
                    java.io.OutputStream out = s.getOutputStream();
                    while (sent < 1L << 30) {
                        out.write(block);
                        sent += block.length;
                    }
                } catch (java.io.IOException closedByMxfront) {
                    return sent;
                }
                return -1L;
            });
            // The deadline sweeper tells it XM-RJCT50 (which it cannot take) and then closes the socket
            // under the blocked thread: the client's writes fail instead of hanging.
            long sent = writer.get(30, java.util.concurrent.TimeUnit.SECONDS);
            assertTrue(sent > 0, "the client's writes ended with an error, after " + sent + " bytes");
            HostileInputIT.completeATransaction(mx, "after-a-deaf-client");
            assertEquals(1, sink.awaitMessages(1).size());
        }
    }

    @Test
    void tooManyErrorsCloseTheConnection() throws Exception {
        try (SmtpSink sink = SmtpSink.start(tmp);
                Mxfront mx = Mxfront.start(sink.port, "smtp:\n  hard-error-limit: 3\n");
                SmtpClient c = FrontDoorIT.hello(mx, "127.0.0.2", "client.sender.example")) {
            assertEquals(List.of("503 5.5.1 Error: need MAIL command"), c.command("RCPT TO:<bob@example.com>"));
            assertEquals(List.of("502 5.5.1 VRFY command is disabled"), c.command("VRFY bob"));
            assertEquals(List.of("503 5.5.1 Error: need MAIL command"), c.command("DATA"));
            assertEquals(List.of("421-4.7.0 XM-RJCT51: Too many errors, closing connection.",
                    "421 4.7.0 [127.0.0.2] [mx.test]"), c.reply());
            assertTrue(c.closedByServer());
        }
    }

    @Test
    void xclientFromATrustedProxySetsTheClient() throws Exception {
        try (SmtpSink sink = SmtpSink.start(tmp);
                Mxfront mx = Mxfront.start(sink.port, "smtp:\n  trusted-proxies: [127.0.0.9/32]\n");
                SmtpClient c = FrontDoorIT.hello(mx, "127.0.0.9", "proxy.example.net")) {
            assertEquals(List.of("220 mx.test ESMTP mxfront"), c.command("XCLIENT ADDR=192.0.2.77 HELO=outside.example.org"));
            c.command("EHLO outside.example.org");
            c.command("MAIL FROM:<a@sender.example>");
            assertEquals(List.of("550-5.7.1 XM-RJCT06: Unauthorized relay attempt", "550 5.7.1 [192.0.2.77] [mx.test]"),
                    c.command("RCPT TO:<x@elsewhere.example>"));
            c.command("RCPT TO:<bob@example.com>");
            c.command("DATA");
            assertTrue(c.command("Subject: via proxy\r\n\r\nhi\r\n.").get(0).startsWith("250 2.0.0"));
            assertTrue(sink.awaitMessages(1).get(0).contains("X-Rcpt-Args: <bob@example.com>"));
        }
    }

    @Test
    void proxyV1HeaderFromATrustedProxySetsTheClient() throws Exception {
        try (SmtpSink sink = SmtpSink.start(tmp);
                Mxfront mx = Mxfront.start(sink.port, "smtp:\n  trusted-proxies: [127.0.0.9/32]\n");
                SmtpClient c = mx.client("127.0.0.9")) {
            c.sendRaw("PROXY TCP4 198.51.100.20 127.0.0.1 40000 25\r\n");
            assertEquals(List.of("220 mx.test ESMTP mxfront"), c.reply());
            c.command("EHLO outside.example.org");
            c.command("MAIL FROM:<a@sender.example>");
            assertEquals(List.of("550-5.7.1 XM-RJCT06: Unauthorized relay attempt", "550 5.7.1 [198.51.100.20] [mx.test]"),
                    c.command("RCPT TO:<x@elsewhere.example>"));
        }
    }

    @Test
    void recipientsWithDifferentContentPoliciesNeedSeparateTransactions() throws Exception {
        String yaml = """
                domains:
                  example.com: {}
                  example.org:
                    checks:
                      message-size: { max-bytes: 4096 }
                """;
        try (SmtpSink sink = SmtpSink.start(tmp); Mxfront mx = Mxfront.start(sink.port, yaml);
                SmtpClient c = FrontDoorIT.hello(mx, "127.0.0.2", "client.sender.example")) {
            c.command("MAIL FROM:<a@sender.example>");
            assertEquals(List.of("250 2.1.5 Ok"), c.command("RCPT TO:<bob@example.com>"));
            assertEquals(List.of("452-4.5.3 XM-RJCT52: Recipient <alice@example.org> has a different content policy, "
                    + "send it in a separate transaction.", "452 4.5.3 [127.0.0.2] [mx.test]"),
                    c.command("RCPT TO:<alice@example.org>"));
            assertEquals(List.of("250 2.1.5 Ok"), c.command("RCPT TO:<carol@example.com>"));
        }
    }

    @Test
    void logOnlyCheckLetsMailThrough() throws Exception {
        try (SmtpSink sink = SmtpSink.start(tmp);
                Mxfront mx = Mxfront.start(sink.port, "checks:\n  helo: { mode: log-only }\n  relay: {}\n");
                SmtpClient c = FrontDoorIT.hello(mx, "127.0.0.2", "localhost")) {
            c.command("MAIL FROM:<a@sender.example>");
            assertEquals(List.of("250 2.1.5 Ok"), c.command("RCPT TO:<bob@example.com>"));
        }
    }

    @Test
    void enhancedStatusCodesCanBeSwitchedOffForTheSeedsExactShape() throws Exception {
        try (SmtpSink sink = SmtpSink.start(tmp);
                Mxfront mx = Mxfront.start(sink.port, "smtp:\n  enhanced-status-codes: false\n");
                SmtpClient c = mx.client("127.0.0.2")) {
            c.reply();
            List<String> ehlo = c.command("EHLO client.sender.example");
            assertTrue(!ehlo.contains("250-ENHANCEDSTATUSCODES") && !ehlo.contains("250 ENHANCEDSTATUSCODES"), ehlo.toString());
            c.command("MAIL FROM:<a@sender.example>");
            assertEquals(List.of("550-XM-RJCT06: Unauthorized relay attempt", "550 [127.0.0.2] [mx.test]"),
                    c.command("RCPT TO:<x@elsewhere.example>"));
        }
    }

    @Test
    void unknownCommandFloodIsCutOffAndStockRepliesCarryEnhancedCodes() throws Exception {
        try (SmtpSink sink = SmtpSink.start(tmp);
                Mxfront mx = Mxfront.start(sink.port, "smtp:\n  hard-error-limit: 3\n");
                SmtpClient c = FrontDoorIT.hello(mx, "127.0.0.2", "client.sender.example")) {
            assertEquals(List.of("250 2.0.0 Ok"), c.command("NOOP"));
            assertEquals(List.of("500 5.5.2 Error: command not recognized"), c.command("FOOBAR"));
            assertEquals(List.of("500 5.5.2 Error: command not recognized"), c.command("WHATEVER x"));
            assertEquals(List.of("500 5.5.2 Error: command not recognized", "421-4.7.0 XM-RJCT51: Too many errors, closing connection.",
                    "421 4.7.0 [127.0.0.2] [mx.test]"), concat(c.command("GARBAGE"), c.reply()));
            assertTrue(c.closedByServer());
        }
    }

    @Test
    void bareLineFeedInACommandIsRefusedWithAnEnhancedCode() throws Exception {
        try (SmtpSink sink = SmtpSink.start(tmp); Mxfront mx = Mxfront.start(sink.port);
                SmtpClient c = FrontDoorIT.hello(mx, "127.0.0.2", "client.sender.example")) {
            c.sendRaw("NOOP\nNOOP\r\n");
            assertEquals(List.of("501 5.5.2 Error: bare CR or LF in a command line; lines must end with CRLF"), c.reply());
            assertTrue(c.closedByServer());
        }
    }

    @Test
    void quitIsAnsweredWithAnEnhancedCode() throws Exception {
        try (SmtpSink sink = SmtpSink.start(tmp); Mxfront mx = Mxfront.start(sink.port);
                SmtpClient c = FrontDoorIT.hello(mx, "127.0.0.2", "client.sender.example")) {
            assertEquals(List.of("221 2.0.0 Bye"), c.command("QUIT"));
            assertTrue(c.closedByServer());
        }
    }

    @Test
    void serverFullRefusesWithXmRjct35() throws Exception {
        try (SmtpSink sink = SmtpSink.start(tmp);
                Mxfront mx = Mxfront.start(sink.port, "smtp:\n  max-connections: 2\n");
                SmtpClient a = mx.client("127.0.0.2"); SmtpClient b = mx.client("127.0.0.3")) {
            a.reply();
            b.reply();
            try (SmtpClient third = mx.client("127.0.0.4")) {
                assertEquals(List.of("421-4.7.0 XM-RJCT35: Too many connections, try again later.",
                        "421 4.7.0 [127.0.0.4] [mx.test]"), third.reply());
            }
        }
    }

    @Test
    void normalizeModeTurnsBareLineFeedsIntoLineEndsButNeverEndsDataWithThem() throws Exception {
        try (SmtpSink sink = SmtpSink.start(tmp);
                Mxfront mx = Mxfront.start(sink.port, "smtp:\n  bare-newline: normalize\n");
                SmtpClient c = FrontDoorIT.hello(mx, "127.0.0.2", "client.sender.example")) {
            c.command("MAIL FROM:<a@sender.example>");
            c.command("RCPT TO:<bob@example.com>");
            c.command("DATA");
            List<String> r = c.command("Subject: normalized\r\n\r\none\ntwo\n.\r\nMAIL FROM:<x@y.example>\r\n.");
            assertTrue(r.get(0).startsWith("250 2.0.0"), r.toString());
            String dump = sink.awaitMessageContaining("Subject: normalized");
            // A "." line after a bare LF is un-stuffed like any line start (it becomes empty) and never ends DATA.
            assertTrue(dump.endsWith("\none\ntwo\n\nMAIL FROM:<x@y.example>\n\n"), dump);
            Thread.sleep(300);
            assertEquals(1, sink.messages().size());
        }
    }

    static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
