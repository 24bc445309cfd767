// The no-loss rule against a real downstream that fails: smtp-sink refusing, deferring, dropping or
// stalling at each stage, or nothing listening at all. The client never sees 250 for a message
// the downstream did not accept with 250, and a stall costs it a 4xx, not a hang.
package org.mxfront.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
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
                Arguments.of("-f", "data", "DATA", REFUSED),
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
}
