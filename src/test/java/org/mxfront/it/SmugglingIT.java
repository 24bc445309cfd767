// SMTP smuggling against a real Postfix left at its own bare-newline defaults (3.7: it accepts bare
// LF from everyone and splits "\n.\n" from a client in $mynetworks, which mxfront on 127.0.0.1 is).
// The test first shows that Postfix alone splits such messages, then sends every end-of-data
// variant through mxfront in both bare-newline modes: never a second message reaches Postfix.
// The same battery by BDAT (RFC 3030: no dot-stuffing, the client counts the bytes), where even a
// proper CRLF.CRLF is message text: mxfront forwards BDAT messages as DATA and must stuff it.
package org.mxfront.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SmugglingIT {
    @RegisterExtension
    static final SinkFixture sink = new SinkFixture();
    @RegisterExtension
    static final PostfixFixture postfix = new PostfixFixture(sink, PostfixInstance.BareNewline.POSTFIX_DEFAULTS);
    @RegisterExtension
    static final MxfrontFixture rejecting = MxfrontFixture.relayingTo(postfix);
    @RegisterExtension
    static final MxfrontFixture normalizing = MxfrontFixture.relayingTo(postfix).with("smtp:\n  bare-newline: normalize\n");

    /** An end-of-data look-alike; bare tells whether it has a bare CR or LF (the NUL ones do not). */
    record Variant(String name, String bytes, boolean bare) {
        @Override
        public String toString() { return name; }
    }

    static final List<Variant> VARIANTS = List.of(
            new Variant("LF.LF", "\n.\n", true),
            new Variant("CR.CR", "\r.\r", true),
            new Variant("LF.CRLF", "\n.\r\n", true),
            new Variant("CRLF.CR", "\r\n.\r", true),
            new Variant("CR.CRLF", "\r.\r\n", true),
            new Variant("CRLF.LF", "\r\n.\n", true),
            new Variant("CRLF.CRCRLF", "\r\n.\r\r\n", true),
            new Variant("CRCRLF.CRCRLF", "\r\r\n.\r\r\n", true),
            new Variant("LF.CRCRLF", "\n.\r\r\n", true),
            new Variant("CR.LF", "\r.\n", true),
            new Variant("LF.CR", "\n.\r", true),
            new Variant("LFCR.LFCR", "\n\r.\n\r", true),
            new Variant("CRLF NUL.CRLF", "\r\n\u0000.\r\n", false),
            new Variant("CRLF.NUL CRLF", "\r\n.\u0000\r\n", false));

    /** In BDAT, CRLF.CRLF is data like any other: one more look-alike than in DATA. */
    static final List<Variant> BDAT_VARIANTS = Stream.concat(VARIANTS.stream(),
            Stream.of(new Variant("CRLF.CRLF", "\r\n.\r\n", false))).toList();

    /** A message whose body hides a second transaction behind the variant, then ends properly. */
    static String smuggling(String tag, Variant v, int filler) {
        return "Subject: " + tag + "\r\nMessage-ID: <" + tag + "@sender.example>\r\n\r\n"
                + ("filler line to push the smuggled part past the first chunks\r\n").repeat(filler) + "first"
                + v.bytes() + "MAIL FROM:<smuggled-" + tag + "@evil.example>\r\nRCPT TO:<victim@example.com>\r\nDATA\r\n"
                + "Subject: smuggled " + tag + "\r\n\r\nevil\r\n";
    }

    @Test
    void postfixAtItsDefaultsSplitsSmuggledMessagesItself() throws Exception {
        // Straight to Postfix from 127.0.0.1, where mxfront connects from: the hole mxfront must close.
        List<String> split = new ArrayList<>();
        for (Variant v : VARIANTS) {
            String tag = "direct-" + VARIANTS.indexOf(v);
            try (SmtpClient c = new SmtpClient("127.0.0.1", postfix.port())) {
                c.reply();
                c.command("EHLO client.sender.example");
                assertEquals("250 2.1.0 Ok", c.command("MAIL FROM:<a@sender.example>").get(0));
                assertEquals("250 2.1.5 Ok", c.command("RCPT TO:<bob@example.com>").get(0));
                assertTrue(c.command("DATA").get(0).startsWith("354"));
                c.sendRaw(smuggling(tag, v, 0) + ".\r\n");
                assertTrue(c.reply().get(0).startsWith("250 2.0.0 Ok: queued as"));
                // Split: Postfix answers the smuggled MAIL, RCPT, DATA and dot itself; otherwise QUIT is next.
                List<String> next = c.command("QUIT");
                if (next.get(0).startsWith("250 2.1.0")) split.add(v.name());
            }
        }
        postfix.awaitQueueEmpty(Duration.ofSeconds(30));
        System.out.println("[smuggling] Postfix at its defaults, straight from 127.0.0.1, splits: " + split);
        assertTrue(split.contains("LF.LF") && split.contains("CRLF.LF"), split.toString());
        for (String name : split) {
            String tag = "direct-" + VARIANTS.indexOf(VARIANTS.stream().filter(v -> v.name().equals(name)).findFirst().orElseThrow());
            assertTrue(postfix.maillog().contains("from=<smuggled-" + tag + "@evil.example>"), name);
        }
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (String mode : List.of("reject", "normalize")) {
            for (Variant v : VARIANTS) out.add(Arguments.of(mode, v, 0));
            // A long message: the first chunks are already with Postfix when the smuggled part arrives.
            out.add(Arguments.of(mode, VARIANTS.get(0), 2000));
            out.add(Arguments.of(mode, VARIANTS.get(5), 2000));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1} filler={2}")
    @MethodSource("cases")
    void neverASecondMessageDownstream(String mode, Variant v, int filler) throws Exception {
        Mxfront mx = (mode.equals("reject") ? rejecting : normalizing).get();
        String tag = mode + "-" + VARIANTS.indexOf(v) + "-" + filler;
        boolean refused = mode.equals("reject") && v.bare();
        try (SmtpClient c = FrontDoorIT.hello(mx, "127.0.0.5", "client.sender.example")) {
            assertEquals(List.of("250 2.1.0 Ok"), c.command("MAIL FROM:<a@sender.example>"));
            assertEquals(List.of("250 2.1.5 Ok"), c.command("RCPT TO:<bob@example.com>"));
            assertEquals(List.of("354 End data with <CR><LF>.<CR><LF>"), c.command("DATA"));
            List<String> end = c.command(smuggling(tag, v, filler) + ".");
            if (refused) {
                assertEquals(List.of("554-5.5.2 XM-RJCT48: Message refused: bare CR or LF; lines must end with CRLF (RFC 5321 2.3.8).",
                        "554 5.5.2 [127.0.0.5] [mx.test]"), end);
            } else {
                assertEquals(1, end.size(), end.toString());
                assertTrue(end.get(0).startsWith("250 2.0.0 Ok: queued as "), end.toString());
            }
            // The session is in step: the next command gets its own reply, nothing left over from the body.
            assertEquals(List.of("250 2.0.0 Ok"), c.command("NOOP"));
        }
        assertOneOrNone(mx, mode, tag, refused);
    }

    static Stream<Arguments> bdatCases() {
        List<Arguments> out = new ArrayList<>();
        for (String mode : List.of("reject", "normalize")) {
            for (Variant v : BDAT_VARIANTS) {
                out.add(Arguments.of(mode, v, "one LAST chunk"));
                out.add(Arguments.of(mode, v, "chunks cut inside the look-alike"));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "BDAT {0} {1}, {2}")
    @MethodSource("bdatCases")
    void neverASecondMessageDownstreamByBdat(String mode, Variant v, String cutting) throws Exception {
        Mxfront mx = (mode.equals("reject") ? rejecting : normalizing).get();
        boolean cut = cutting.startsWith("chunks");
        String tag = "bdat-" + mode + "-" + BDAT_VARIANTS.indexOf(v) + (cut ? "-cut" : "-one");
        boolean refused = mode.equals("reject") && v.bare();
        String message = smuggling(tag, v, 0);
        try (SmtpClient c = FrontDoorIT.hello(mx, "127.0.0.5", "client.sender.example")) {
            assertEquals(List.of("250 2.1.0 Ok"), c.command("MAIL FROM:<a@sender.example>"));
            assertEquals(List.of("250 2.1.5 Ok"), c.command("RCPT TO:<bob@example.com>"));
            List<String> end;
            if (cut) {
                // Three chunks, pipelined in one write: up to and including the look-alike's first byte,
                // its second byte, the rest. Each chunk is answered once its bytes are read: 250 while
                // the message is still good, the refusal at the chunk where a bare CR or LF became
                // certain, and the later chunks are told that the message was refused.
                int at = message.indexOf("first") + "first".length() + 1;
                String[] chunks = {message.substring(0, at), message.substring(at, at + 1), message.substring(at + 1)};
                c.sendRaw("BDAT " + chunks[0].length() + "\r\n" + chunks[0] + "BDAT " + chunks[1].length() + "\r\n"
                        + chunks[1] + "BDAT " + chunks[2].length() + " LAST\r\n" + chunks[2]);
                boolean refusedYet = false;
                end = null;
                for (int i = 0; i < 3; i++) {
                    List<String> r = c.reply();
                    if (refusedYet) {
                        assertEquals(List.of("503 5.5.1 Error: the message was refused at an earlier chunk; send MAIL to start again"),
                                r, "chunk " + i);
                    } else if (i < 2 && r.get(0).startsWith("250")) {
                        assertEquals(List.of("250 2.0.0 Ok: " + chunks[i].length() + " bytes"), r, "chunk " + i);
                    } else {
                        end = r;
                        refusedYet = !r.get(0).startsWith("250");
                    }
                }
            } else {
                c.sendRaw("BDAT " + message.length() + " LAST\r\n" + message);
                end = c.reply();
            }
            if (refused) {
                assertEquals(List.of("554-5.5.2 XM-RJCT48: Message refused: bare CR or LF; lines must end with CRLF (RFC 5321 2.3.8).",
                        "554 5.5.2 [127.0.0.5] [mx.test]"), end);
            } else {
                assertEquals(1, end.size(), end.toString());
                assertTrue(end.get(0).startsWith("250 2.0.0 Ok: queued as "), end.toString());
            }
            assertEquals(List.of("250 2.0.0 Ok"), c.command("NOOP"), "in step: nothing of the message was read as a command");
        }
        assertOneOrNone(mx, mode, tag, refused);
    }

    /** After one more ordinary message: the tagged message arrived once (or not at all when refused), the smuggled one never. */
    private static void assertOneOrNone(Mxfront mx, String mode, String tag, boolean refused) throws Exception {
        String after = HostileInputIT.completeATransaction(mx, "after-" + tag);
        sink.awaitMessageContaining("Subject: " + after + "\n");
        postfix.awaitQueueEmpty(Duration.ofSeconds(30));
        List<String> delivered = sink.messages().stream().filter(m -> m.contains("Message-ID: <" + tag + "@")).toList();
        assertEquals(refused ? 0 : 1, delivered.size(), "messages " + tag + " delivered");
        assertFalse(postfix.maillog().contains("smuggled-" + tag + "@"), "Postfix never saw the smuggled sender");
        assertTrue(sink.messages().stream().noneMatch(m -> m.contains("X-Mail-Args: <smuggled-" + tag + "@")),
                "no message with the smuggled sender at the sink");
        if (!refused) {
            String dump = delivered.get(0);
            // The smuggled commands arrived as text of the one message.
            assertTrue(dump.contains("\nMAIL FROM:<smuggled-" + tag + "@evil.example>\n"), dump);
            if (mode.equals("normalize")) assertFalse(dump.contains("\r"), "no bare CR reaches Postfix");
        }
    }
}
