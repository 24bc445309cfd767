// The no-loss rule against a real downstream that fails: smtp-sink refusing, deferring, dropping or
// stalling at each stage, dying in the middle of a big message, never greeting, or nothing listening
// at all. The client never sees 250 for a message the downstream did not accept with 250, and a
// stall costs it a 4xx well before its own timeout. Each case ends with mxfront still serving.
package org.mxfront.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DownstreamFaultsIT {
    @TempDir
    Path tmp;

    @Test
    void downstreamDownGives451AtRcpt() throws Exception {
        int closed = Ports.free();
        try (Mxfront mx = Mxfront.start(closed); SmtpClient c = FrontDoorIT.hello(mx, "127.0.0.2", "client.sender.example")) {
            assertEquals(List.of("250 2.1.0 Ok"), c.command("MAIL FROM:<a@sender.example>"));
            assertEquals(List.of("451-4.4.1 XM-RJCT42: Mail system temporarily unavailable, please try again later.",
                    "451 4.4.1 [127.0.0.2] [mx.test]"), c.command("RCPT TO:<bob@example.com>"));
        }
    }

    // smtp-sink's own texts; mxfront keeps the downstream's codes and wraps its text in our reply style.
    static final List<String> REFUSED = List.of("500-5.3.0 XM-RJCT43: Refused: Error: command failed",
            "500 5.3.0 [127.0.0.2] [mx.test]");
    static final List<String> DEFERRED = List.of("450-4.3.0 XM-RJCT58: Deferred: Error: command failed",
            "450 4.3.0 [127.0.0.2] [mx.test]");

    static Stream<Arguments> faults() {
        return Stream.of(
                // smtp-sink option, stage where it bites, expected reply lines
                Arguments.of("-f", "rcpt", "RCPT", REFUSED),
                Arguments.of("-r", "rcpt", "RCPT", DEFERRED),
                Arguments.of("-f", "mail", "RCPT", REFUSED),
                // The client hears 354 before the downstream has answered DATA (one round trip less per
                // message): a refusal of DATA is the answer at the end of the message.
                Arguments.of("-f", "data", "END", REFUSED),
                Arguments.of("-r", "data", "END", DEFERRED),
                Arguments.of("-W", "data:30", "END", List.of("451-4.4.1 XM-RJCT42: Mail system temporarily unavailable, please try again later.",
                        "451 4.4.1 [127.0.0.2] [mx.test]")),
                Arguments.of("-f", ".", "END", REFUSED),
                Arguments.of("-r", ".", "END", DEFERRED),
                Arguments.of("-q", ".", "END", List.of("451-4.4.1 XM-RJCT42: Mail system temporarily unavailable, please try again later.",
                        "451 4.4.1 [127.0.0.2] [mx.test]")),
                Arguments.of("-Q", ".", "END", List.of("451-4.0.0 XM-RJCT58: Deferred: Server closing connection",
                        "451 4.0.0 [127.0.0.2] [mx.test]")),
                Arguments.of("-W", ".:30", "END", List.of("451-4.4.1 XM-RJCT42: Mail system temporarily unavailable, please try again later.",
                        "451 4.4.1 [127.0.0.2] [mx.test]")),
                Arguments.of("-W", "rcpt:30", "RCPT", List.of("451-4.4.1 XM-RJCT42: Mail system temporarily unavailable, please try again later.",
                        "451 4.4.1 [127.0.0.2] [mx.test]")));
    }

    @ParameterizedTest(name = "smtp-sink {0} {1}")
    @MethodSource("faults")
    void theClientNeverSees250UnlessTheDownstreamDid(String option, String command, String stage, List<String> expected)
            throws Exception {
        try (SmtpSink sink = SmtpSink.start(tmp, option, command); Mxfront mx = Mxfront.start(sink.port);
                SmtpClient c = FrontDoorIT.hello(mx, "127.0.0.2", "client.sender.example")) {
            assertEquals(List.of("250 2.1.0 Ok"), c.command("MAIL FROM:<a@sender.example>"));
            List<String> rcpt = c.command("RCPT TO:<bob@example.com>");
            if (stage.equals("RCPT")) {
                assertEquals(expected, rcpt);
                assertEquals(List.of("554 5.5.1 Error: no valid recipients"), c.command("DATA"));
                return;
            }
            assertEquals(List.of("250 2.1.5 Ok"), rcpt);
            List<String> data = c.command("DATA");
            if (stage.equals("DATA")) {
                assertEquals(expected, data);
                return;
            }
            assertEquals(List.of("354 End data with <CR><LF>.<CR><LF>"), data);
            List<String> end = c.command("Subject: fault\r\n\r\nbody\r\n.");
            assertEquals(expected, end);
            assertFalse(end.get(0).startsWith("250"));
            // The session goes on: the next transaction is answered.
            assertEquals(List.of("250 2.1.0 Ok"), c.command("MAIL FROM:<a@sender.example>"));
        }
    }

    static final List<String> UNAVAILABLE = List.of(
            "451-4.4.1 XM-RJCT42: Mail system temporarily unavailable, please try again later.",
            "451 4.4.1 [127.0.0.2] [mx.test]");

    /** Streams a message of about mebibytes MiB in 64 KiB writes; runs between() after the first half. */
    static List<String> sendBigMessage(SmtpClient c, int mebibytes, Runnable between) throws Exception {
        c.sendRaw("Subject: big\r\n\r\n");
        String block = ("0123456789".repeat(7) + "\r\n").repeat(910); // about 64 KiB
        int blocks = mebibytes * 16;
        for (int i = 0; i < blocks; i++) {
            if (i == blocks / 2) between.run();
            c.sendRaw(block);
        }
        return c.command(".");
    }

    @Test
    void aRefusedDataCommandRefusesABigMessageAtItsEndAndForwardsNothing() throws Exception {
        try (SmtpSink sink = SmtpSink.start(tmp, "-f", "data"); Mxfront mx = Mxfront.start(sink.port);
                SmtpClient c = FrontDoorIT.hello(mx, "127.0.0.2", "client.sender.example")) {
            c.timeout(Duration.ofSeconds(20));
            c.command("MAIL FROM:<a@sender.example>");
            assertEquals(List.of("250 2.1.5 Ok"), c.command("RCPT TO:<bob@example.com>"));
            assertEquals(List.of("354 End data with <CR><LF>.<CR><LF>"), c.command("DATA"));
            assertEquals(REFUSED, sendBigMessage(c, 2, () -> { }));
            // The whole message was read (no stray lines taken as commands) and the session goes on.
            assertEquals(List.of("250 2.0.0 Ok"), c.command("RSET"));
            assertEquals(List.of("250 2.1.0 Ok"), c.command("MAIL FROM:<a@sender.example>"));
            Thread.sleep(200);
            assertEquals(0, sink.messages().size());
        }
    }

    @Test
    void downstreamDyingInTheMiddleOfABigMessageGives451() throws Exception {
        int port = Ports.free();
        SmtpSink sink = SmtpSink.startOn(port, tmp);
        try (Mxfront mx = Mxfront.start(port)) {
            try (SmtpClient c = FrontDoorIT.hello(mx, "127.0.0.2", "client.sender.example")) {
                c.timeout(Duration.ofSeconds(20));
                c.command("MAIL FROM:<a@sender.example>");
                assertEquals(List.of("250 2.1.5 Ok"), c.command("RCPT TO:<bob@example.com>"));
                assertEquals(List.of("354 End data with <CR><LF>.<CR><LF>"), c.command("DATA"));
                // Half the message is with the downstream (mxfront forwards as it reads) when it is killed.
                assertEquals(UNAVAILABLE, sendBigMessage(c, 4, sink::kill));
                assertEquals(List.of("250 2.0.0 Ok"), c.command("RSET"));
            }
            // The downstream comes back on its port: mxfront serves the next client normally.
            sink = SmtpSink.startOn(port, tmp);
            String subject = HostileInputIT.completeATransaction(mx, "after-kill");
            assertEquals(1, sink.awaitMessages(1).size());
            assertTrue(sink.messages().get(0).contains("Subject: " + subject), sink.messages().get(0));
        } finally {
            sink.close();
        }
    }

    @Test
    void downstreamHangingUpAtTheEndOfABigMessageGives451() throws Exception {
        try (SmtpSink sink = SmtpSink.start(tmp, "-q", "."); Mxfront mx = Mxfront.start(sink.port)) {
            try (SmtpClient c = FrontDoorIT.hello(mx, "127.0.0.2", "client.sender.example")) {
                c.timeout(Duration.ofSeconds(20));
                c.command("MAIL FROM:<a@sender.example>");
                c.command("RCPT TO:<bob@example.com>");
                assertEquals(List.of("354 End data with <CR><LF>.<CR><LF>"), c.command("DATA"));
                assertEquals(UNAVAILABLE, sendBigMessage(c, 4, () -> { }));
                assertEquals(List.of("250 2.1.0 Ok"), c.command("MAIL FROM:<a@sender.example>"));
            }
            try (SmtpClient c = mx.client("127.0.0.2")) {
                assertEquals(List.of("220 mx.test ESMTP mxfront"), c.reply());
            }
        }
    }

    /** A TCP server that accepts connections and never says a word. */
    static final class SilentServer implements AutoCloseable {
        final ServerSocket socket;
        final List<Socket> accepted = new ArrayList<>();

        SilentServer() throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        Socket s = socket.accept();
                        synchronized (accepted) {
                            accepted.add(s);
                        }
                    }
                } catch (IOException closed) {
                    // test over
                }
            });
        }

        @Override
        public void close() throws IOException {
            socket.close();
            synchronized (accepted) {
                for (Socket s : accepted) s.close();
            }
        }
    }

    static final String SMALL_DOWNSTREAM_TIMEOUTS = "downstream:\n  connect-timeout: 1s\n  command-timeout: 1s\n  data-timeout: 1s\n";

    /** The client waits 10 s at most for any reply; mxfront gives up on the downstream after 1 s. */
    static void greetingStallGives451(int downstreamPort) throws Exception {
        try (Mxfront mx = Mxfront.start(downstreamPort, SMALL_DOWNSTREAM_TIMEOUTS)) {
            try (SmtpClient c = FrontDoorIT.hello(mx, "127.0.0.2", "client.sender.example")) {
                c.timeout(Duration.ofSeconds(10));
                assertEquals(List.of("250 2.1.0 Ok"), c.command("MAIL FROM:<a@sender.example>"));
                assertEquals(UNAVAILABLE, c.command("RCPT TO:<bob@example.com>"));
                assertEquals(List.of("554 5.5.1 Error: no valid recipients"), c.command("DATA"));
                assertEquals(UNAVAILABLE, c.command("RCPT TO:<carol@example.com>"));
            }
            try (SmtpClient c = mx.client("127.0.0.3")) {
                assertEquals(List.of("220 mx.test ESMTP mxfront"), c.reply());
            }
        }
    }

    @Test
    void downstreamThatAcceptsAndNeverGreetsGives451BeforeTheClientsTimeout() throws Exception {
        try (SilentServer silent = new SilentServer()) {
            greetingStallGives451(silent.socket.getLocalPort());
            assertTrue(silent.accepted.size() >= 2, "mxfront did connect");
        }
    }

    @Test
    void smtpSinkWithholdingItsGreetingGives451BeforeTheClientsTimeout() throws Exception {
        try (SmtpSink sink = SmtpSink.start(tmp, "-W", "connect:30")) {
            greetingStallGives451(sink.port);
        }
    }

    @Test
    void downstreamHangingUpInsteadOfGreetingGives451() throws Exception {
        try (SmtpSink sink = SmtpSink.start(tmp, "-q", "connect")) {
            greetingStallGives451(sink.port);
        }
    }

    @Test
    void downstreamHangingUpAtOnceGives451EveryTime() throws Exception {
        // Each RCPT opens a new downstream connection that smtp-sink drops at once; how far Netty got
        // with the connection by then varies, the reply must not (this once came out as SubEtha's
        // "421 4.3.0 Mail system failure" after a NullPointerException).
        try (SmtpSink sink = SmtpSink.start(tmp, "-q", "connect"); Mxfront mx = Mxfront.start(sink.port)) {
            for (int session = 0; session < 20; session++) {
                try (SmtpClient c = FrontDoorIT.hello(mx, "127.0.0.2", "client.sender.example")) {
                    assertEquals(List.of("250 2.1.0 Ok"), c.command("MAIL FROM:<a@sender.example>"));
                    for (int i = 0; i < 5; i++) assertEquals(UNAVAILABLE, c.command("RCPT TO:<bob" + i + "@example.com>"));
                    assertEquals(List.of("221 2.0.0 Bye"), c.command("QUIT"));
                }
            }
        }
    }
}
