// The milter door with a real private Postfix as its client (smtpd_milters, milter_default_action =
// tempfail, milter_protocol = 6, the README's lines as written): the exact reply lines Postfix's own
// SMTP client sees for a blocked attachment, a zip with an exe, EICAR via a real clamd, DNSBL (real
// rbldnsd), relay and HELO refusals at RCPT; a clean message arriving at the sink byte for byte;
// malformed packets on a raw socket close that connection while Postfix's sessions go on.
package org.mxfront.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.mxfront.content.Corpus.attachment;
import static org.mxfront.content.Corpus.mixed;
import static org.mxfront.content.Corpus.text;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mxfront.content.Corpus;

class MilterDoorIT {
    @TempDir
    static Path tmp;
    static SmtpSink sink;
    static Rbldnsd rbl;
    static ClamdInstance clamd;
    static PostfixInstance postfix;
    static Mxfront mx;

    /** The main.cf lines of the README's "Deploying as a milter", with the test's port. */
    static List<String> milterLines(int port) {
        return List.of(
                "smtpd_milters=inet:127.0.0.1:" + port,
                "milter_default_action=tempfail",
                "milter_protocol=6");
    }

    /** The test's own settings: a second relayed domain that mxfront does not serve (its relay check refuses it). */
    static List<String> mainCf(int milterPort, int sinkPort) {
        List<String> l = new ArrayList<>(milterLines(milterPort));
        l.addAll(List.of("mynetworks=127.0.0.1/32", "relay_domains=example.com,example.org",
                "transport_maps=inline:{example.com=smtp:[127.0.0.1]:" + sinkPort + ",example.org=smtp:[127.0.0.1]:" + sinkPort + "}"));
        return l;
    }

    static String yaml(int dnsPort, String clamdAddress) {
        return DoorYaml.milterOnly() + DoorYaml.stateAndResolver(tmp.resolve("state"), dnsPort) + """
                checks:
                  connection-limit: {}
                  helo: {}
                """ + DoorYaml.ZEN_DNSBL + """
                  relay: {}
                  message-size: {}
                  received-hops: {}
                  headers: {}
                  attachments: {}
                """ + DoorYaml.virus(clamdAddress, "tempfail");
    }

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(PostfixInstance.available(), "needs root and Debian's postfix package (.ci/test installs it)");
        sink = SmtpSink.start(tmp);
        rbl = Rbldnsd.zen(tmp);
        clamd = ClamdInstance.start(tmp, "25M");
        mx = Mxfront.start(sink.port, yaml(rbl.port, "127.0.0.1:" + clamd.port));
        assertTrue(mx.daemon.milterPort() > 0);
        assertEquals(-1, mx.daemon.smtpPort(), "the milter door alone");
        postfix = PostfixInstance.start(tmp, sink.port, mainCf(mx.daemon.milterPort(), sink.port));
    }

    @AfterAll
    static void stop() throws Exception {
        Processes.closeAll(postfix, mx, clamd, rbl, sink);
    }

    /** A client of Postfix from source, after the greeting and EHLO. */
    static SmtpClient client(String source, String helo) throws Exception {
        return postfix.client(source, helo);
    }

    /** Sends a message through Postfix; the reply to the final dot. */
    static List<String> send(String source, String sender, byte[] message) throws Exception {
        try (SmtpClient c = client(source, "client.sender.example")) {
            assertEquals(List.of("250 2.1.0 Ok"), c.command("MAIL FROM:<" + sender + ">"));
            assertEquals(List.of("250 2.1.5 Ok"), c.command("RCPT TO:<bob@example.com>"));
            assertEquals(List.of("354 End data with <CR><LF>.<CR><LF>"), c.command("DATA"));
            c.sendRaw(Corpus.smtpData(message));
            List<String> r = c.reply();
            System.out.println("Postfix's client, end of data from " + sender + ": " + r);
            return r;
        }
    }

    /** The reply to RCPT TO. */
    static List<String> rcpt(String source, String helo, String recipient) throws Exception {
        try (SmtpClient c = client(source, helo)) {
            assertEquals(List.of("250 2.1.0 Ok"), c.command("MAIL FROM:<alice@sender.example>"));
            List<String> r = c.command("RCPT TO:<" + recipient + ">");
            System.out.println("Postfix's client, RCPT TO:<" + recipient + "> from " + source + ": " + r);
            return r;
        }
    }

    static final byte[] PDF = "%PDF-1.4\n".getBytes(StandardCharsets.US_ASCII);

    @Test
    void blockedAttachment() throws Exception {
        assertEquals(List.of("554-5.7.1 XM-RJCT44: Attachment type of setup.exe is blocked.", "554 5.7.1 [127.0.0.4] [mx.test]"),
                send("127.0.0.4", "exe@sender.example", mixed("milter exe", attachment("setup.exe", "application/octet-stream", PDF))));
    }

    @Test
    void zipWithAnExe() throws Exception {
        assertEquals(List.of("554-5.7.1 XM-RJCT44: Attachment type of invoice.zip/invoice.pdf.exe is blocked.",
                "554 5.7.1 [127.0.0.4] [mx.test]"),
                send("127.0.0.4", "zip@sender.example", mixed("milter zip", attachment("invoice.zip", "application/zip",
                        Corpus.zip("invoice.pdf.exe", "MZ")))));
    }

    @Test
    void eicarViaClamd() throws Exception {
        assertEquals(List.of("554-5.7.1 XM-RJCT10: Mail failed virus scan: " + ClamdInstance.REPORTED + ".",
                "554 5.7.1 [127.0.0.4] [mx.test]"),
                send("127.0.0.4", "virus@sender.example", mixed("milter virus", text("x"), attachment("eicar.txt", "text/plain",
                        Corpus.EICAR.getBytes(StandardCharsets.US_ASCII)))));
    }

    @Test
    void dnsblRefusalAtRcpt() throws Exception {
        assertEquals(List.of("550-5.7.1 XM-RJCT04: IP address 127.0.0.3 is listed in the Spamhaus SBL.",
                "550 5.7.1 [127.0.0.3] [mx.test]"), rcpt("127.0.0.3", "client.sender.example", "bob@example.com"));
    }

    @Test
    void relayRefusalAtRcpt() throws Exception {
        assertEquals(List.of("550-5.7.1 XM-RJCT06: Unauthorized relay attempt", "550 5.7.1 [127.0.0.5] [mx.test]"),
                rcpt("127.0.0.5", "client.sender.example", "someone@example.org"));
    }

    @Test
    void heloRefusalIsGivenAtRcpt() throws Exception {
        // server.delay-reject (the default): the HELO verdict waits for RCPT, with its own text
        assertEquals(List.of("550-5.7.1 XM-RJCT30: You cannot say you are me. I am me.", "550 5.7.1 [127.0.0.6] [mx.test]"),
                rcpt("127.0.0.6", "mx.test", "bob@example.com"));
    }

    @Test
    void aCleanMessageArrivesIntact() throws Exception {
        String message = "From: Alice <alice@sender.example>\r\n"
                + "To: bob@example.com\r\n"
                + "Subject: milter clean\r\n"
                + "X-Folded: first part\r\n\tsecond part\r\n  third part\r\n"
                + "X-Spaces:   three spaces before\r\n"
                + "X-Empty:\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=\"b1\"\r\n"
                + "\r\n"
                + "--b1\r\nContent-Type: text/plain\r\n\r\n"
                + ".a line that starts with a dot\r\n"
                + "\r\n\r\n"
                + "x".repeat(998) + "\r\n"
                + "trailing spaces   \r\n"
                + "--b1\r\nContent-Type: application/pdf; name=\"a.pdf\"\r\nContent-Disposition: attachment; filename=\"a.pdf\"\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\n"
                + Corpus.base64(("%PDF-1.4\n" + "y".repeat(200_000)).getBytes(StandardCharsets.US_ASCII))
                + "--b1--\r\n";
        List<String> r;
        try (DecisionLines lines = new DecisionLines()) {
            r = send("127.0.0.4", "clean@sender.example", message.getBytes(StandardCharsets.US_ASCII));
            assertTrue(r.get(0).startsWith("250 2.0.0 Ok: queued as "), r.toString());
            // The decision line says what was decided in the reply slot, in the SMTP door's shape: Postfix's reply and queue id.
            String qid = r.get(0).substring("250 2.0.0 Ok: queued as ".length()).trim();
            List<String> accepts = lines.startingWith("accept: END-OF-MESSAGE from unknown[127.0.0.4]: ");
            assertEquals(1, accepts.size(), accepts.toString());
            assertTrue(accepts.get(0).startsWith("accept: END-OF-MESSAGE from unknown[127.0.0.4]: 250 2.0.0 Ok: queued as " + qid
                    + "; from=<clean@sender.example> to=<bob@example.com> helo=<client.sender.example> session="), accepts.get(0));
            assertTrue(accepts.get(0).endsWith(" nrcpt=1 door=milter queue_id=" + qid), accepts.get(0));
        }
        // smtp-sink writes its dump as the message arrives: wait for the whole of it, not just its header
        Ports.await(() -> sink.messages().stream().anyMatch(m -> m.contains("Subject: milter clean\n") && m.endsWith("--b1--\n\n")),
                Duration.ofSeconds(30), "the whole clean message at the sink");
        String dump = sink.awaitMessageContaining("Subject: milter clean\n", Duration.ofSeconds(30));
        String lf = message.replace("\r\n", "\n");
        // smtp-sink writes LF line ends, its own lines and Postfix's Received header first, one empty line last
        assertTrue(dump.endsWith(lf + "\n"), "the message arrived byte for byte:\n" + dump.substring(0, Math.min(dump.length(), 2000)));
        int at = dump.indexOf("From: Alice");
        assertEquals(lf, dump.substring(at, dump.length() - 1));
    }

    @Test
    void refusedMessagesAreNeverQueued() throws Exception {
        send("127.0.0.4", "never@sender.example", mixed("milter never", attachment("x.exe", "application/octet-stream", PDF)));
        Ports.await(() -> postfix.maillog().contains("milter-reject: END-OF-MESSAGE"), Duration.ofSeconds(10), "Postfix logs the milter reject");
        assertFalse(postfix.maillog().matches("(?s).*from=<never@sender\\.example>, size=.*"), postfix.maillog());
        assertFalse(sink.messages().stream().anyMatch(m -> m.contains("Subject: milter never")));
    }

    /** A raw milter client: one packet (length, command, data). */
    static void packet(DataOutputStream out, int cmd, byte[] data) throws Exception {
        out.writeInt(data.length + 1);
        out.writeByte(cmd);
        out.write(data);
        out.flush();
    }

    static byte[] optneg() {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(12);
        b.putInt(6).putInt(0x1ff).putInt(0x1fffff);
        return b.array();
    }

    @Test
    void faultsCloseOnlyTheirConnection() throws Exception {
        int port = mx.daemon.milterPort();
        byte[][] bad = {
            {0, 0, 0, 0},                                      // length 0
            {0x7f, 0, 0, 0, 'O'},                              // a length over max-packet-length
            {0, 0, 0, 1, 'Z'},                                 // unknown command
            {0, 0, 0, 3, 'O', 0, 6},                           // a short OPTNEG
        };
        for (byte[] b : bad) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.setSoTimeout(5000);
                s.getOutputStream().write(b);
                assertEquals(-1, s.getInputStream().read(), "closed without a reply");
            }
        }
        // a client gone in the middle of a body chunk
        try (Socket s = new Socket("127.0.0.1", port)) {
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            DataInputStream in = new DataInputStream(s.getInputStream());
            packet(out, 'O', optneg());
            int len = in.readInt();
            in.skipNBytes(len);
            // no reply to CONNECT: with delay-reject the door asks for none (SMFIP_NR_CONN)
            packet(out, 'C', "host\0004\0\031127.0.0.1\0".getBytes(StandardCharsets.ISO_8859_1));
            out.writeInt(60000);
            out.write('B');
            out.write(new byte[100]);
            out.flush();
        }
        // Postfix's own sessions go on
        List<String> r = send("127.0.0.4", "after@sender.example", Corpus.plain("milter after faults", "fine\r\n"));
        assertTrue(r.get(0).startsWith("250 2.0.0 Ok: queued as "), r.toString());
        String metrics = mx.registry.scrape();
        for (String reason : List.of("malformed", "too_long", "unknown_command")) {
            assertTrue(metrics.matches("(?s).*mxfront_milter_faults_total\\{reason=\"" + reason + "\"} [1-9].*"), reason + "\n" + metrics);
        }
    }
    /** Debian's miltertest (libmilter's own option negotiation and packet handling) as a second client. */
    @Test
    void miltertestAsASecondClient() throws Exception {
        assumeTrue(java.nio.file.Files.isExecutable(Path.of("/usr/bin/miltertest")), "needs miltertest (.ci/test installs it)");
        Path script = tmp.resolve("milter.lua");
        String exe = new String(mixed("miltertest exe", attachment("run.exe", "application/octet-stream", PDF)), StandardCharsets.US_ASCII);
        int split = exe.indexOf("\r\n\r\n");
        StringBuilder headers = new StringBuilder();
        for (String h : exe.substring(0, split).split("\r\n(?![ \t])")) {
            int colon = h.indexOf(':');
            headers.append("check(mt.header(conn, %s, %s), \"header\")\n".formatted(Miltertest.lua(h.substring(0, colon)),
                    Miltertest.lua(h.substring(colon + 1).stripLeading())));
        }
        java.nio.file.Files.writeString(script, """
                function check(r, what) if r ~= nil then error(what .. ": " .. r) end end
                function expect(conn, want, what)
                  if mt.getreply(conn) ~= want then error(what .. ": unexpected reply " .. tostring(mt.getreply(conn))) end
                end
                -- an outside client asking to relay: refused at RCPT
                conn = mt.connect("inet:%1$d@127.0.0.1")
                if conn == nil then error("mt.connect() failed") end
                -- CONNECT and HELO get no reply (SMFIP_NR_CONN, SMFIP_NR_HELO: delay-reject holds their verdicts)
                check(mt.conninfo(conn, "client.sender.example", "127.0.0.5"), "conninfo")
                check(mt.helo(conn, "client.sender.example"), "helo")
                check(mt.mailfrom(conn, "<alice@sender.example>"), "mail")
                expect(conn, SMFIR_CONTINUE, "mail")
                check(mt.rcptto(conn, "<someone@elsewhere.example>"), "rcpt")
                expect(conn, SMFIR_REPLYCODE, "relay rcpt")
                check(mt.rcptto(conn, "<bob@example.com>"), "rcpt")
                expect(conn, SMFIR_CONTINUE, "local rcpt")
                -- an exe attachment: refused at end of message with our reply
                check(mt.data(conn), "data")
                %2$s
                check(mt.eoh(conn), "eoh")
                check(mt.bodystring(conn, %3$s), "body")
                check(mt.eom(conn), "eom")
                expect(conn, SMFIR_REPLYCODE, "eom")
                -- (miltertest's own MT_SMTPREPLY check does not parse multi-line replies: Postfix's view is in the tests above)
                mt.disconnect(conn)
                mt.echo("miltertest: all replies as expected")
                """.formatted(mx.daemon.milterPort(), headers, Miltertest.lua(exe.substring(split + 4))));
        Process p = new ProcessBuilder("miltertest", "-s", script.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        System.out.println("miltertest: " + out);
        assertEquals(0, p.waitFor(), out);
        assertTrue(out.contains("miltertest: all replies as expected"), out);
    }
}
