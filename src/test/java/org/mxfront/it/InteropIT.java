// What real senders use, against real processes: DSN parameters reach a raw smtp-sink unchanged,
// BDAT messages arrive byte for byte, the error limits let honest senders through (1 good + 11
// relay-denied recipients; 12 messages with a bad recipient each on one connection) and end a
// hopeless one with the exact 421, swaks' 100-recipient message with its 3 KB To: line is delivered,
// and nmap's smtp-open-relay finishes its 16 tricks on one connection against the defaults.
package org.mxfront.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InteropIT {
    static final List<String> RELAY_DENIED_127_0_0_2 = List.of("550-5.7.1 XM-RJCT06: Unauthorized relay attempt",
            "550 5.7.1 [127.0.0.2] [mx.test]");

    @TempDir
    static Path tmp;
    static SmtpSink sink;
    static Mxfront mx;

    @BeforeAll
    static void start() throws Exception {
        sink = SmtpSink.start(tmp);
        mx = Mxfront.start(sink.port);
        mx.awaitOffering("DSN");
    }

    @AfterAll
    static void stop() throws Exception {
        Processes.closeAll(mx, sink);
    }

    static List<String> dumpsWith(String text) {
        return sink.messages().stream().filter(m -> m.contains(text)).toList();
    }

    @Test
    void ehloAdvertisesDsnAndChunking() throws Exception {
        try (SmtpClient c = mx.client("127.0.0.2")) {
            c.reply();
            assertEquals(List.of("250-mx.test", "250-PIPELINING", "250-SIZE 52428800", "250-8BITMIME", "250-DSN",
                    "250-ENHANCEDSTATUSCODES", "250 CHUNKING"), c.command("EHLO client.sender.example"));
        }
    }

    @Test
    void dsnParametersArriveAtTheSinkUnchanged() throws Exception {
        try (SmtpClient c = FrontDoorIT.hello(mx, "127.0.0.2", "client.sender.example")) {
            assertEquals(List.of("250 2.1.0 Ok"), c.command("MAIL FROM:<a@sender.example> RET=HDRS ENVID=QQ+2B314"));
            assertEquals(List.of("250 2.1.5 Ok"),
                    c.command("RCPT TO:<bob@example.com> NOTIFY=SUCCESS,DELAY ORCPT=rfc822;bob+40example.com"));
            assertEquals(List.of("250 2.1.5 Ok"), c.command("RCPT TO:<carol@example.com> NOTIFY=NEVER"));
            assertEquals(List.of("501 5.5.4 Bad NOTIFY parameter: expected NEVER, or SUCCESS, FAILURE and DELAY joined by commas"),
                    c.command("RCPT TO:<dave@example.com> NOTIFY=ALWAYS"));
            c.command("DATA");
            assertTrue(c.command("Subject: dsn-it\r\n\r\nhi\r\n.").get(0).startsWith("250 2.0.0 Ok"));
        }
        String dump = sink.awaitMessageContaining("Subject: dsn-it");
        assertTrue(dump.contains("X-Mail-Args: <a@sender.example> RET=HDRS ENVID=QQ+2B314\n"), dump);
        assertTrue(dump.contains("X-Rcpt-Args: <bob@example.com> NOTIFY=SUCCESS,DELAY ORCPT=rfc822;bob+40example.com\n"), dump);
        assertTrue(dump.contains("X-Rcpt-Args: <carol@example.com> NOTIFY=NEVER\n"), dump);
    }

    @Test
    void aChunkedMessageArrivesByteForByte() throws Exception {
        String message = "Subject: bdat-it\r\nMessage-ID: <bdat-it@sender.example>\r\n\r\n.leading dot\r\n.\r\n"
                + "MAIL FROM:<x@y.example>\r\n" + "z".repeat(20_000) + "\r\nlast line\r\n";
        int[] cuts = {5, 70, 90, 15_000};
        try (SmtpClient c = FrontDoorIT.hello(mx, "127.0.0.2", "client.sender.example")) {
            c.command("MAIL FROM:<a@sender.example>");
            c.command("RCPT TO:<bob@example.com>");
            // All chunks pipelined in one write, as RFC 3030 allows, then the replies in order.
            c.sendRaw(org.mxfront.smtp.Bdat.chunks(message, cuts));
            int from = 0;
            for (int cut : cuts) {
                assertEquals(List.of("250 2.0.0 Ok: " + (cut - from) + " bytes"), c.reply());
                from = cut;
            }
            List<String> last = c.reply();
            assertTrue(last.get(0).startsWith("250 2.0.0 Ok"), last.toString());
            assertEquals(List.of("250 2.0.0 Ok"), c.command("NOOP"));
        }
        String dump = sink.awaitMessageContaining("Message-ID: <bdat-it@");
        assertTrue(SmtpSink.body(dump).endsWith(message.replace("\r\n", "\n")), dump.substring(0, 400));
        assertEquals(1, dumpsWith("Message-ID: <bdat-it@").size());
    }

    @Test
    void aClientThatHangsUpMidChunkHasNothingDelivered() throws Exception {
        try (SmtpClient c = FrontDoorIT.hello(mx, "127.0.0.2", "client.sender.example")) {
            c.command("MAIL FROM:<a@sender.example>");
            c.command("RCPT TO:<bob@example.com>");
            String first = "Subject: hung-up-mid-chunk\r\n\r\n";
            assertEquals(List.of("250 2.0.0 Ok: " + first.length() + " bytes"), c.command("BDAT " + first.length() + "\r\n" + first.substring(0, first.length() - 2)));
            c.sendRaw("BDAT 1000 LAST\r\nonly part of the last chunk\r\n");
            c.shutdownOutput();
            assertEquals(List.of(), c.linesUntilClosed(), "nobody is left to answer");
        }
        HostileInputIT.completeATransaction(mx, "after-hung-up-mid-chunk");
        sink.awaitMessageContaining("Subject: after-hung-up-mid-chunk\n");
        assertEquals(0, dumpsWith("Subject: hung-up-mid-chunk\n").size());
    }

    @Test
    void oneGoodAndElevenRelayDeniedRecipientsAreDeliveredToTheGoodOne() throws Exception {
        try (SmtpClient c = FrontDoorIT.hello(mx, "127.0.0.2", "client.sender.example")) {
            c.command("MAIL FROM:<a@sender.example>");
            assertEquals(List.of("250 2.1.5 Ok"), c.command("RCPT TO:<good-one@example.com>"));
            for (int i = 1; i <= 11; i++) {
                assertEquals(RELAY_DENIED_127_0_0_2, c.command("RCPT TO:<x" + i + "@elsewhere.example>"), "bad " + i);
            }
            assertEquals(List.of("354 End data with <CR><LF>.<CR><LF>"), c.command("DATA"));
            assertTrue(c.command("Subject: one-good-eleven-bad\r\n\r\nhi\r\n.").get(0).startsWith("250 2.0.0 Ok"));
            assertEquals(List.of("221 2.0.0 Bye"), c.command("QUIT"));
        }
        assertTrue(sink.awaitMessageContaining("Subject: one-good-eleven-bad").contains("X-Rcpt-Args: <good-one@example.com>\n"));
    }

    @Test
    void twelveMessagesWithOneBadRecipientEachAreAllDelivered() throws Exception {
        try (SmtpClient c = FrontDoorIT.hello(mx, "127.0.0.2", "client.sender.example")) {
            for (int i = 1; i <= 12; i++) {
                assertEquals(List.of("250 2.1.0 Ok"), c.command("MAIL FROM:<a@sender.example>"));
                assertEquals(RELAY_DENIED_127_0_0_2, c.command("RCPT TO:<nobody" + i + "@elsewhere.example>"));
                assertEquals(List.of("250 2.1.5 Ok"), c.command("RCPT TO:<bob@example.com>"));
                c.command("DATA");
                List<String> r = c.command("Subject: twelve-" + i + "\r\n\r\nhi\r\n.");
                assertTrue(r.get(0).startsWith("250 2.0.0 Ok"), "message " + i + ": " + r);
            }
            assertEquals(List.of("221 2.0.0 Bye"), c.command("QUIT"));
        }
        for (int i = 1; i <= 12; i++) sink.awaitMessageContaining("Subject: twelve-" + i + "\n");
    }

    @Test
    void pastTheHardLimitTheExact421() throws Exception {
        try (SmtpClient c = FrontDoorIT.hello(mx, "127.0.0.2", "client.sender.example")) {
            c.command("MAIL FROM:<a@sender.example>");
            // Errors 11 to 19 are each answered after the 1 s error-delay; the 20th is the last.
            for (int i = 1; i < 20; i++) assertEquals(RELAY_DENIED_127_0_0_2, c.command("RCPT TO:<x" + i + "@elsewhere.example>"));
            List<String> last = new ArrayList<>(c.command("RCPT TO:<x20@elsewhere.example>"));
            last.addAll(c.reply());
            assertEquals(List.of("550-5.7.1 XM-RJCT06: Unauthorized relay attempt", "550 5.7.1 [127.0.0.2] [mx.test]",
                    "421-4.7.0 XM-RJCT51: Too many errors, closing connection.", "421 4.7.0 [127.0.0.2] [mx.test]"), last);
            assertTrue(c.closedByServer());
        }
    }

    /** The swaks demos under the README's "Run it" give, against the embedded defaults, the lines the README shows. */
    @Test
    void readmeSwaksDemosAnswerWhatTheReadmeShows() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/swaks")), "needs swaks");
        String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
        String runIt = readme.substring(readme.indexOf("\n## Run it\n"), readme.indexOf("\n## Run the tests\n"));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("```\n(swaks [^\n]+)\n((?:# <\\*\\* [^\n]+\n)+)```").matcher(runIt);
        int demos = 0;
        while (m.find()) {
            demos++;
            List<String> cmd = new ArrayList<>();
            for (String a : m.group(1).split(" +")) cmd.add(a.equals("127.0.0.1:2525") ? "127.0.0.1:" + mx.port() : a);
            cmd.set(0, "/usr/bin/swaks");
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            List<String> shown = m.group(2).lines().map(l -> l.substring(2).replace("[yourhost]", "[" + Mxfront.HOST + "]")).toList();
            assertEquals(shown, out.lines().filter(l -> l.startsWith("<** ")).toList(), m.group(1) + "\n" + out);
        }
        assertEquals(2, demos, "the relay refusal and the HELO refusal");
    }

    @Test
    void swaksHundredRecipientsWithAThreeKilobyteToLineIsDelivered() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/swaks")), "needs swaks");
        List<String> to = new ArrayList<>();
        for (int i = 1; i <= 100; i++) to.add("recipient-number-" + i + "@example.com");
        Process p = new ProcessBuilder("/usr/bin/swaks", "--server", "127.0.0.1:" + mx.port(), "--local-interface", "127.0.0.2",
                "--helo", "client.sender.example", "--from", "a@sender.example", "--to", String.join(",", to),
                "--header", "Subject: swaks-hundred").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        System.out.println("[interop] swaks, 100 recipients:\n" + out.lines().filter(l -> !l.contains("RCPT TO") && !l.contains("2.1.5")
                && !l.contains("XM-RJCT31")).reduce("", (a, b) -> a + b + "\n"));
        // recipient-limit (50): recipients 51 to 100 get 452 4.5.3 XM-RJCT31 (try again later); the message goes to the first 50.
        assertTrue(out.contains("452-4.5.3 XM-RJCT31"), out);
        assertTrue(out.contains("250 2.0.0 Ok"), out);
        String dump = sink.awaitMessageContaining("Subject: swaks-hundred");
        String toLine = dump.lines().filter(l -> l.startsWith("To: ")).findFirst().orElseThrow();
        assertTrue(toLine.length() > 3000, "one unfolded To: line of " + toLine.length() + " characters");
        assertEquals(50, dump.lines().filter(l -> l.startsWith("X-Rcpt-Args: ")).count());
    }

    @Test
    void nmapSmtpOpenRelayFinishesAgainstTheDefaults() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/nmap")), "needs nmap");
        // nmap connects from 127.0.0.1: a configuration whose relay-networks leave it outside.
        try (Mxfront outside = Mxfront.start(sink.port, "relay-networks: [10.255.255.0/24]\n")) {
            Process p = new ProcessBuilder("/usr/bin/nmap", "-Pn", "-sT", "-p", Integer.toString(outside.port()), "--script",
                    // "+": run although nmap does not take the test's port for SMTP
                    "+smtp-open-relay", "--script-args", "smtp-open-relay.domain=elsewhere.test", "127.0.0.1")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(120, TimeUnit.SECONDS));
            String report = out.lines().filter(l -> l.startsWith("|") || l.contains("/tcp") || l.startsWith("Nmap done"))
                    .reduce("", (a, b) -> a + b + "\n");
            System.out.println("[interop] nmap smtp-open-relay:\n" + report);
            assertTrue(out.contains("Server doesn't seem to be an open relay, all tests failed"), report);
            assertTrue(!out.contains("XM-RJCT51"), "not cut off by the error limit:\n" + out);
        }
    }
}
