// Header section limits, table-driven, over HeaderSections built the way the front door builds them.
package org.mxfront.checks.headers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mxfront.checks.CheckFixtures;
import org.mxfront.codes.ReplyCatalogue;
import org.mxfront.policy.HeaderCollector;
import org.mxfront.policy.HeaderSection;
import org.mxfront.policy.Stage;
import org.mxfront.policy.Verdict;

class HeaderCheckTest {
    /** The header section of a message as the front door collects it (lines, CRLF stripped). */
    static HeaderSection collect(String header) {
        HeaderCollector c = new HeaderCollector(256 * 1024);
        for (String line : (header + "\r\n").split("\r\n", -1)) {
            byte[] b = line.getBytes(StandardCharsets.UTF_8);
            if (c.line(b, b.length, true, false)) break;
        }
        return c.section();
    }

    static String reply(HeaderConfig config, String header) {
        Verdict v = new HeaderCheck(config, CheckFixtures.context()).evaluate(Stage.HEADERS,
                CheckFixtures.outsider().withHeaders(collect(header)));
        if (!v.negative()) return "pass";
        return v.code().smtpCode() + " " + v.code().enhanced() + " "
                + ReplyCatalogue.defaults().render(v.code(), v.vars(), "127.0.0.2", "mx.test").lines().get(0);
    }

    static final String OK = "From: a@sender.example\r\nTo: bob@example.com\r\nDate: Mon, 23 Nov 2026 10:00:00 +0000\r\nSubject: hi\r\n";

    static Stream<Arguments> cases() {
        HeaderConfig dflt = new HeaderConfig(null, null, null, null);
        HeaderConfig strict = new HeaderConfig(null, 998, null, null);
        HeaderConfig rfc = new HeaderConfig(null, null, List.of("From", "Date"), List.of("From", "Subject", "Message-ID"));
        return Stream.of(
                Arguments.of("ordinary", dflt, OK, "pass"),
                Arguments.of("line of 3000, lenient by default as Postfix", dflt,
                        OK + "To: " + "x".repeat(2996) + "\r\n", "pass"),
                Arguments.of("line of 998", strict, OK + "X-Long: " + "x".repeat(990) + "\r\n", "pass"),
                Arguments.of("line of 999", strict, OK + "X-Long: " + "x".repeat(991) + "\r\n",
                        "554 5.6.0 XM-RJCT69: Message refused: a header line is longer than 998 characters."),
                Arguments.of("long field folded into short lines", dflt,
                        OK + "References: " + "<a@b.example>\r\n ".repeat(200) + "<z@b.example>\r\n", "pass"),
                Arguments.of("section over max-bytes", new HeaderConfig(2048L, 0, null, null),
                        OK + "X-Pad: y\r\n".repeat(300), "552 5.3.4 XM-RJCT68: Message header size exceeds the limit of 2048 bytes."),
                Arguments.of("lists off by default", dflt, "Subject: a\r\nSubject: b\r\n", "pass"),
                Arguments.of("missing Date", rfc, "From: a@sender.example\r\nSubject: hi\r\n",
                        "554 5.6.0 XM-RJCT70: Message refused: required header field Date is missing."),
                Arguments.of("two From", rfc, OK + "from: b@sender.example\r\n",
                        "554 5.6.0 XM-RJCT71: Message refused: header field From appears 2 times, at most once is allowed."),
                Arguments.of("all there once", rfc, OK + "Message-ID: <1@sender.example>\r\n", "pass"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void headers(String name, HeaderConfig config, String header, String expected) {
        assertEquals(expected, reply(config, header));
    }

    @Test
    void longestLineCountsPiecesOfOneLine() {
        HeaderCollector c = new HeaderCollector(1024);
        byte[] piece = "X".repeat(600).getBytes(StandardCharsets.US_ASCII);
        c.line(piece, piece.length, false, false);
        c.line(piece, piece.length, true, true);
        c.line(new byte[0], 0, true, false);
        assertEquals(1200, c.section().longestLine());
    }

    @Test
    void badSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new HeaderConfig(-1L, null, null, null));
        assertThrows(IllegalArgumentException.class, () -> new HeaderConfig(null, null, List.of("Bad Name:"), null));
    }
}
