// DKIM through the milter door with a real private Postfix as the milter client: the message bytes
// mxfront verifies are rebuilt from Postfix's header and body callbacks, so a simple/simple signature
// (every header byte counts) over folded headers, tabs, doubled spaces and a field without a space
// after its colon must still pass; an altered body gets Postfix's client the exact XM-RJCT17 lines
// and never reaches the sink. Keys are published by NSD on loopback, messages signed by dkimpy.
package org.mxfront.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mxfront.content.Corpus;
import org.mxfront.dkim.Dkimpy;
import org.mxfront.dkim.TestKeys;

class DkimMilterIT {
    @TempDir
    static Path tmp;
    static SmtpSink sink;
    static Nsd nsd;
    static PostfixInstance postfix;
    static Mxfront mx;
    static Dkimpy dkimpy;
    static final TestKeys.Key KEY = TestKeys.rsa(2048);

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(PostfixInstance.available(), "needs root and Debian's postfix package (.ci/test installs it)");
        dkimpy = new Dkimpy(tmp);
        sink = SmtpSink.start(tmp);
        nsd = Nsd.start(tmp, Map.of("test", Nsd.zoneHead("test") + """
                """ + "sel._domainkey.bank.test. IN TXT " + quoted(KEY.record()) + "\n"));
        mx = Mxfront.start(sink.port, DoorYaml.milterOnly() + DoorYaml.stateAndResolver(tmp.resolve("state"), nsd.port) + """
                checks:
                  relay: {}
                  dkim:
                    must-be-signed: [bank.test]
                """);
        postfix = PostfixInstance.start(tmp, sink.port, MilterDoorIT.mainCf(mx.daemon.milterPort(), sink.port));
    }

    @AfterAll
    static void stop() throws Exception {
        Processes.closeAll(postfix, mx, nsd, sink);
    }

    static String quoted(String v) {
        StringBuilder z = new StringBuilder();
        for (int i = 0; i < v.length(); i += 250) z.append(" \"").append(v, i, Math.min(v.length(), i + 250)).append('"');
        return z.toString();
    }

    /** Sends a message to Postfix from source; the reply to the final dot. */
    static List<String> send(String source, String sender, byte[] message) throws Exception {
        try (SmtpClient c = postfix.client(source, "client.sender.example")) {
            assertEquals(List.of("250 2.1.0 Ok"), c.command("MAIL FROM:<" + sender + ">"));
            assertEquals(List.of("250 2.1.5 Ok"), c.command("RCPT TO:<bob@example.com>"));
            assertEquals(List.of("354 End data with <CR><LF>.<CR><LF>"), c.command("DATA"));
            c.sendRaw(Corpus.smtpData(message));
            return c.reply();
        }
    }

    /** Header fields whose exact bytes a simple/simple signature covers. */
    static byte[] message(String subject) {
        return ("From: Alice <alice@bank.test>\r\n"
                + "To: bob@example.com\r\n"
                + "Subject:  " + subject + "\r\n"
                + "X-Folded: first part\r\n\tsecond part after a tab\r\n   third  part\r\n"
                + "X-Tight:value without a space\r\n"
                + "Message-ID: <" + subject.replace(' ', '.') + "@bank.test>\r\n"
                + "\r\n"
                + "Your statement is ready.  \r\n\tIndented line.\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] signed(String subject) throws Exception {
        return dkimpy.sign(message(subject), KEY, "sel", "bank.test", "simple/simple", false,
                "from:to:subject:x-folded:x-tight:message-id");
    }

    @Test
    void simpleSignatureOverAwkwardHeadersPassesThroughPostfix() throws Exception {
        List<String> r = send("127.0.0.4", "alice@bank.test", signed("milter dkim pass"));
        assertTrue(r.get(0).startsWith("250 2.0.0 Ok"), r.toString());
        String dump = sink.awaitMessageContaining("Subject:  milter dkim pass\n");
        assertTrue(dump.contains("DKIM-Signature:"), dump);
    }

    @Test
    void alteredBodyIsRefusedWithTheExactLines() throws Exception {
        byte[] altered = new String(signed("milter dkim altered"), StandardCharsets.US_ASCII).replace("Indented", "Dented")
                .getBytes(StandardCharsets.US_ASCII);
        assertEquals(List.of("550-5.7.20 XM-RJCT17: DKIM verification failed for <alice@bank.test>.",
                "550 5.7.20 [127.0.0.4] [mx.test]"), send("127.0.0.4", "alice@bank.test", altered));
        List<String> after = send("127.0.0.4", "alice@bank.test", signed("milter dkim after"));
        assertTrue(after.get(0).startsWith("250 2.0.0 Ok"), after.toString());
        sink.awaitMessageContaining("Subject:  milter dkim after\n");
        assertFalse(sink.messages().stream().anyMatch(d -> d.contains("milter dkim altered")), "the refused message reached the sink");
    }
}
