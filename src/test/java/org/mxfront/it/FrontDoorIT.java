// End-to-end through a running mxfront with Postfix's smtp-sink as the downstream: every reject path
// of the backbone with its exact reply lines, the no-loss rule against a refusing, stalling or
// absent downstream, and the smuggling guard. Clients pose as outside hosts from 127.0.0.2 and up.
package org.mxfront.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class FrontDoorIT {
    @RegisterExtension
    static final SinkFixture sink = new SinkFixture();
    @RegisterExtension
    static final MxfrontFixture mx = MxfrontFixture.relayingTo(sink);

    private int before;

    @BeforeEach
    void count() {
        before = sink.messages().size();
    }

    static SmtpClient hello(MxfrontFixture m, String source, String helo) throws Exception {
        return hello(m.get(), source, helo);
    }

    static SmtpClient hello(Mxfront m, String source, String helo) throws Exception {
        SmtpClient c = m.client(source);
        assertEquals(List.of("220 mx.test ESMTP mxfront"), c.reply());
        List<String> ehlo = c.command("EHLO " + helo);
        assertEquals("250-mx.test", ehlo.get(0));
        return c;
    }

    @Test
    void acceptedMailArrivesWithItsBodyUnchanged() throws Exception {
        String message = "From: a@sender.example\r\nTo: bob@example.com\r\nSubject: test\r\n\r\n"
                + "line one\r\n.leading dot\r\n..two dots\r\n\r\nlast line\r\n";
        try (SmtpClient c = hello(mx, "127.0.0.2", "client.sender.example")) {
            assertEquals(List.of("250 2.1.0 Ok"), c.command("MAIL FROM:<a@sender.example>"));
            assertEquals(List.of("250 2.1.5 Ok"), c.command("RCPT TO:<bob@example.com>"));
            assertEquals(List.of("354 End data with <CR><LF>.<CR><LF>"), c.command("DATA"));
            String stuffed = message.replace("\r\n.", "\r\n..");
            List<String> r = c.command(stuffed + ".");
            assertEquals(1, r.size());
            assertTrue(r.get(0).startsWith("250 2.0.0 Ok"), r.toString());
            assertEquals(List.of("221 2.0.0 Bye"), c.command("QUIT"));
        }
        String got = sink.awaitMessageContaining("Subject: test\n");
        assertEquals(message.replace("\r\n", "\n"), SmtpSink.withoutMxfrontTrace(SmtpSink.body(got)));
    }

    @Test
    void ehloAdvertisesOnlyWhatMxfrontAndTheDownstreamSupport() throws Exception {
        try (SmtpClient c = mx.client("127.0.0.2")) {
            c.reply();
            List<String> ehlo = c.command("EHLO client.sender.example");
            assertEquals(List.of("250-mx.test", "250-PIPELINING", "250-SIZE 52428800", "250-8BITMIME", "250-DSN",
                    "250-ENHANCEDSTATUSCODES", "250 CHUNKING"), ehlo);
        }
    }

    @Test
    void relayAttemptGetsXmRjct06() throws Exception {
        try (SmtpClient c = hello(mx, "127.0.0.2", "client.sender.example")) {
            c.command("MAIL FROM:<a@sender.example>");
            assertEquals(List.of("550-5.7.1 XM-RJCT06: Unauthorized relay attempt", "550 5.7.1 [127.0.0.2] [mx.test]"),
                    c.command("RCPT TO:<someone@elsewhere.example>"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"bob%elsewhere.example@example.com", "elsewhere.example!bob@example.com",
            "\"bob@elsewhere.example\"@example.com", "@example.com:bob@elsewhere.example"})
    void relayTricksDoNotRelay(String address) throws Exception {
        try (SmtpClient c = hello(mx, "127.0.0.2", "client.sender.example")) {
            c.command("MAIL FROM:<a@sender.example>");
            assertEquals(List.of("550-5.7.1 XM-RJCT06: Unauthorized relay attempt", "550 5.7.1 [127.0.0.2] [mx.test]"),
                    c.command("RCPT TO:<" + address + ">"));
        }
    }

    @Test
    void relayNetworkClientMayRelay() throws Exception {
        try (SmtpClient c = hello(mx, "127.0.0.1", "client.sender.example")) {
            c.command("MAIL FROM:<a@sender.example>");
            assertEquals(List.of("250 2.1.5 Ok"), c.command("RCPT TO:<someone@elsewhere.example>"));
        }
    }

    @ParameterizedTest(name = "HELO {0}")
    @CsvSource(delimiter = '|', value = {
            "localhost|550|5.7.1|XM-RJCT27: Helo command rejected: <localhost> is not a name for a host on the internet.",
            "mx.test|550|5.7.1|XM-RJCT30: You cannot say you are me. I am me.",
            "example.com|550|5.7.1|XM-RJCT30: You cannot say you are me. I am me.",
            "192.0.2.1|501|5.5.2|XM-RJCT28: Helo command rejected: an address must be written as a literal [192.0.2.1].",
            "[192.0.2.1]|550|5.7.1|XM-RJCT29: Helo command rejected: [192.0.2.1] is not your address 127.0.0.3.",
            "bad_name!|501|5.5.2|XM-RJCT25: Helo command rejected: invalid name <bad_name!>.",
            "singleword|504|5.5.2|XM-RJCT26: Helo command rejected: need fully-qualified hostname <singleword>."})
    void heloRules(String helo, int code, String enhanced, String text) throws Exception {
        try (SmtpClient c = hello(mx, "127.0.0.3", helo)) {
            assertEquals(List.of("250 2.1.0 Ok"), c.command("MAIL FROM:<a@sender.example>"));
            assertEquals(List.of(code + "-" + enhanced + " " + text, code + " " + enhanced + " [127.0.0.3] [mx.test]"),
                    c.command("RCPT TO:<bob@example.com>"));
        }
    }

    @Test
    void heloLiteralOfTheClientIsFine() throws Exception {
        try (SmtpClient c = hello(mx, "127.0.0.3", "[127.0.0.3]")) {
            c.command("MAIL FROM:<a@sender.example>");
            assertEquals(List.of("250 2.1.5 Ok"), c.command("RCPT TO:<bob@example.com>"));
        }
    }

    @Test
    void missingHeloIsRefusedAtRcpt() throws Exception {
        try (SmtpClient c = mx.client("127.0.0.3")) {
            c.reply();
            assertEquals(List.of("250 2.1.0 Ok"), c.command("MAIL FROM:<a@sender.example>"));
            assertEquals(List.of("503-5.5.1 XM-RJCT24: Send HELO/EHLO first.", "503 5.5.1 [127.0.0.3] [mx.test]"),
                    c.command("RCPT TO:<bob@example.com>"));
        }
    }

    @Test
    void aSecondHeloDoesNotWashTheFirst() throws Exception {
        try (SmtpClient c = hello(mx, "127.0.0.3", "localhost")) {
            assertEquals("250-mx.test", c.command("EHLO good.sender.example").get(0));
            c.command("MAIL FROM:<a@sender.example>");
            assertEquals("550-5.7.1 XM-RJCT27: Helo command rejected: <localhost> is not a name for a host on the internet.",
                    c.command("RCPT TO:<bob@example.com>").get(0));
        }
    }

    @Test
    void fiftyFirstRecipientIsDeferred() throws Exception {
        try (SmtpClient c = hello(mx, "127.0.0.4", "client.sender.example")) {
            c.command("MAIL FROM:<a@sender.example>");
            for (int i = 1; i <= 50; i++) assertEquals(List.of("250 2.1.5 Ok"), c.command("RCPT TO:<u" + i + "@example.com>"));
            assertEquals(List.of("452-4.5.3 XM-RJCT31: Too many recipients, at most 50 per message.",
                    "452 4.5.3 [127.0.0.4] [mx.test]"), c.command("RCPT TO:<u51@example.com>"));
            assertEquals(List.of("354 End data with <CR><LF>.<CR><LF>"), c.command("DATA"));
            assertTrue(c.command("Subject: fifty\r\n\r\nhi\r\n.").get(0).startsWith("250 2.0.0"));
        }
        String dump = sink.awaitMessageContaining("Subject: fifty");
        assertTrue(dump.contains("X-Rcpt-Args: <u50@example.com>"));
        assertTrue(!dump.contains("<u51@example.com>"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"52428801", "99999999999999999999999999"})
    void oversizeBySizeParameter(String size) throws Exception {
        try (SmtpClient c = hello(mx, "127.0.0.2", "client.sender.example")) {
            assertEquals(List.of("552-5.3.4 XM-RJCT32: Message size exceeds the limit of 52428800 bytes.",
                    "552 5.3.4 [127.0.0.2] [mx.test]"), c.command("MAIL FROM:<a@sender.example> SIZE=" + size));
            assertEquals(List.of("250 2.1.0 Ok"), c.command("MAIL FROM:<a@sender.example> SIZE=1000"));
        }
    }

    static List<org.junit.jupiter.params.provider.Arguments> smuggling() {
        return List.of(
                org.junit.jupiter.params.provider.Arguments.of("bare LF", "Subject: x\r\n\r\nfirst\nsecond\r\n"),
                org.junit.jupiter.params.provider.Arguments.of("bare CR", "Subject: x\r\n\r\nfirst\rsecond\r\n"),
                org.junit.jupiter.params.provider.Arguments.of("LF dot CRLF",
                        "Subject: x\r\n\r\nfirst\n.\r\nMAIL FROM:<evil@x.example>\r\n"),
                org.junit.jupiter.params.provider.Arguments.of("LF dot LF",
                        "Subject: x\r\n\r\nfirst\n.\nRCPT TO:<evil@x.example>\r\n"),
                org.junit.jupiter.params.provider.Arguments.of("CRLF dot LF", "Subject: x\r\n\r\nfirst\r\n.\nDATA\r\n"),
                org.junit.jupiter.params.provider.Arguments.of("CR dot CR", "Subject: x\r\n\r\nfirst\r.\rsecond\r\n"),
                org.junit.jupiter.params.provider.Arguments.of("CRLF dot CR", "Subject: x\r\n\r\nfirst\r\n.\rsecond\r\n"),
                org.junit.jupiter.params.provider.Arguments.of("CRLF NUL dot", "Subject: x\r\n\r\nfirst\r\n\u0000.\nsecond\r\n"));
    }

    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.MethodSource("smuggling")
    void bareNewlinesAreRefusedAndNothingIsRelayed(String name, String body) throws Exception {
        String data = body;
        try (SmtpClient c = hello(mx, "127.0.0.5", "client.sender.example")) {
            c.command("MAIL FROM:<a@sender.example>");
            c.command("RCPT TO:<bob@example.com>");
            assertEquals(List.of("354 End data with <CR><LF>.<CR><LF>"), c.command("DATA"));
            assertEquals(List.of("554-5.5.2 XM-RJCT48: Message refused: bare CR or LF; lines must end with CRLF (RFC 5321 2.3.8).",
                    "554 5.5.2 [127.0.0.5] [mx.test]"), c.command(data + "."));
            assertEquals(List.of("250 2.0.0 Ok"), c.command("RSET"));
        }
        Thread.sleep(300);
        assertEquals(before, sink.messages().size(), "nothing reached the downstream");
    }

    @Test
    void proxyHeaderFromUntrustedClientIsRefused() throws Exception {
        try (SmtpClient c = mx.client("127.0.0.6")) {
            c.reply();
            assertEquals(List.of("550-5.7.0 XM-RJCT49: PROXY is not allowed from 127.0.0.6.", "550 5.7.0 [127.0.0.6] [mx.test]"),
                    c.command("PROXY TCP4 192.0.2.9 127.0.0.1 4000 25"));
            assertTrue(c.closedByServer());
        }
    }

    @Test
    void xclientFromUntrustedClientIsRefused() throws Exception {
        try (SmtpClient c = hello(mx, "127.0.0.6", "client.sender.example")) {
            assertEquals(List.of("550-5.7.0 XM-RJCT49: XCLIENT is not allowed from 127.0.0.6.", "550 5.7.0 [127.0.0.6] [mx.test]"),
                    c.command("XCLIENT ADDR=192.0.2.9"));
            c.command("MAIL FROM:<a@sender.example>");
            assertEquals("550 5.7.1 [127.0.0.6] [mx.test]", c.command("RCPT TO:<x@elsewhere.example>").get(1));
        }
    }

    @Test
    void badAddressesGetSyntaxReplies() throws Exception {
        try (SmtpClient c = hello(mx, "127.0.0.2", "client.sender.example")) {
            assertEquals(List.of("501-5.1.7 XM-RJCT54: Bad sender address syntax: missing '>'.", "501 5.1.7 [127.0.0.2] [mx.test]"),
                    c.command("MAIL FROM:<a@sender.example"));
            c.command("MAIL FROM:<>");
            assertEquals(List.of("501-5.1.3 XM-RJCT53: Bad recipient address syntax: local part longer than 64 octets.",
                    "501 5.1.3 [127.0.0.2] [mx.test]"), c.command("RCPT TO:<" + "a".repeat(65) + "@example.com>"));
            assertEquals(List.of("555 5.5.4 Unsupported option: XFOO"), c.command("RCPT TO:<bob@example.com> XFOO=1"));
        }
    }

    @Test
    void tooManyReceivedHeadersIsALoop() throws Exception {
        StringBuilder m = new StringBuilder();
        // 30 hops before this one; mxfront's own trace line is the 31st (it counts like any other)
        for (int i = 0; i < 30; i++) m.append("Received: from hop").append(i).append(".example by x; date\r\n");
        m.append("Subject: loop\r\n\r\nbody\r\n");
        try (SmtpClient c = hello(mx, "127.0.0.2", "client.sender.example")) {
            c.command("MAIL FROM:<a@sender.example>");
            c.command("RCPT TO:<bob@example.com>");
            c.command("DATA");
            assertEquals(List.of("554-5.4.6 XM-RJCT33: Too many Received headers (31, limit 30): mail loop?",
                    "554 5.4.6 [127.0.0.2] [mx.test]"), c.command(m + "."));
        }
        Thread.sleep(300);
        assertEquals(before, sink.messages().size());
    }

    @Test
    void vrfyIsDisabledAndUnknownCommandsAreAnswered() throws Exception {
        try (SmtpClient c = hello(mx, "127.0.0.2", "client.sender.example")) {
            assertEquals(List.of("502 5.5.1 VRFY command is disabled"), c.command("VRFY root"));
            assertEquals(List.of("502 5.5.1 Error: STARTTLS not implemented"), c.command("STARTTLS"));
        }
    }
}
