// The milter codec and state machine on Netty's EmbeddedChannel, no socket: packets split and joined
// at awkward places, option negotiation (only what the MTA offers), macros, abort resets, a message
// streamed as header pairs and body chunks, the exact SMFIR_REPLYCODE text, and the faults that close
// the connection (malformed packet, over-long length, unknown command) while another channel goes on.
package org.mxfront.milter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mxfront.Doors;
import org.mxfront.codes.Reply;
import org.mxfront.config.ConfigLoader;
import org.mxfront.config.DaemonConfig;
import org.mxfront.metrics.MxMeters;

class MilterChannelTest {
    static final String YAML = """
            server: {hostname: mx.test}
            smtp: {enabled: false}
            milter: {enabled: true}
            state-directory: target/milter-test-state
            checks:
              connection-limit: {}
              helo: {}
              relay: {}
              headers: {}
              attachments: {}
            """;

    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    DaemonConfig config = load(YAML);

    DaemonConfig load(String yaml) {
        try {
            return new ConfigLoader(Doors.ALL).parse("test.yml", yaml, registry);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    EmbeddedChannel channel() {
        return channel(Runnable::run);
    }

    /** The door's pipeline on an embedded channel; commands that leave the event loop go to {@code executor}. */
    EmbeddedChannel channel(java.util.concurrent.Executor executor) {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.pipeline().addLast(MilterResponseEncoder.INSTANCE);
        MilterRequestDecoder.addTo(ch.pipeline(), 1 << 20);
        var engine = MilterDoor.usable(MilterDoor.checks(), MilterDoor.TYPE.context(config));
        ch.pipeline().addLast(new MilterConnectionHandler(executor, () -> new MilterSession(() -> engine, MilterSettings.ContentReject.REJECT),
                new MilterMeters(new MxMeters(registry)), new MilterConnectionHandler.Admission() {
                    public boolean admit() { return true; }

                    public void released() {}
                }));
        ch.pipeline().fireChannelActive();
        return ch;
    }

    // ---- packets as Postfix writes them ----

    static byte[] packet(int cmd, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(5 + data.length);
        b.putInt(data.length + 1).put((byte) cmd).put(data);
        return b.array();
    }

    static byte[] strings(String... s) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (String x : s) {
            o.writeBytes(x.getBytes(StandardCharsets.ISO_8859_1));
            o.write(0);
        }
        return o.toByteArray();
    }

    static byte[] optneg(int version, int actions, int protocol) {
        return packet('O', ByteBuffer.allocate(12).putInt(version).putInt(actions).putInt(protocol).array());
    }

    /** Postfix 3.7's offer: all its actions, the v6 steps. */
    static final byte[] POSTFIX_OPTNEG = optneg(6, 0x1ff, 0x1fffff);

    static byte[] connect(String host, String addr) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.writeBytes(strings(host));
        o.write('4');
        o.write(0xc3);
        o.write(0x50);
        o.writeBytes(strings(addr));
        return packet('C', o.toByteArray());
    }

    static byte[] macro(char stage, String... nameValues) {
        byte[] s = strings(nameValues);
        byte[] d = new byte[s.length + 1];
        d[0] = (byte) stage;
        System.arraycopy(s, 0, d, 1, s.length);
        return packet('D', d);
    }

    static byte[] join(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) o.writeBytes(p);
        return o.toByteArray();
    }

    /** Feeds bytes in pieces of {@code step} (1: byte by byte). */
    static void feed(EmbeddedChannel ch, byte[] bytes, int step) {
        for (int i = 0; i < bytes.length; i += step) {
            ch.writeInbound(Unpooled.wrappedBuffer(bytes, i, Math.min(step, bytes.length - i)));
        }
    }

    /** The reply packets written so far, decoded as (command, data). */
    static List<Map.Entry<Character, byte[]>> replies(EmbeddedChannel ch) {
        List<Map.Entry<Character, byte[]>> out = new ArrayList<>();
        ByteBuf all = Unpooled.buffer();
        for (Object o; (o = ch.readOutbound()) != null; ) {
            all.writeBytes((ByteBuf) o);
            ((ByteBuf) o).release();
        }
        while (all.isReadable()) {
            int len = all.readInt();
            char cmd = (char) all.readByte();
            byte[] data = new byte[len - 1];
            all.readBytes(data);
            out.add(Map.entry(cmd, data));
        }
        return out;
    }

    static String commands(List<Map.Entry<Character, byte[]>> r) {
        StringBuilder b = new StringBuilder();
        for (var e : r) b.append(e.getKey());
        return b.toString();
    }

    static String text(byte[] data) {
        return new String(data, 0, data.length - 1, StandardCharsets.ISO_8859_1);
    }

    // ---- tests ----

    @Test
    void negotiatesOnlyWhatTheMtaOffersAndAsksForItsMacros() {
        EmbeddedChannel ch = channel();
        feed(ch, POSTFIX_OPTNEG, 1);
        var r = replies(ch);
        assertEquals("O", commands(r));
        ByteBuffer b = ByteBuffer.wrap(r.get(0).getValue());
        assertEquals(6, b.getInt());
        assertEquals(MilterSession.ACTIONS, b.getInt());
        assertEquals(MilterSession.PROTOCOL_DELAYED, b.getInt(), "with delay-reject, no replies at CONNECT and HELO either");
        String rest = new String(r.get(0).getValue(), 12, r.get(0).getValue().length - 12, StandardCharsets.ISO_8859_1);
        assertTrue(rest.contains("{client_addr}"), rest);
        assertTrue(rest.contains("{tls_version}"), rest);

        // an older MTA without SETSYMLIST or the no-reply steps: we ask for nothing it does not offer
        EmbeddedChannel old = channel();
        feed(old, optneg(2, 0x01, 0x7f), 3);
        ByteBuffer o = ByteBuffer.wrap(replies(old).get(0).getValue());
        assertEquals(2, o.getInt());
        assertEquals(MilterProtocol.SMFIF_ADDHDRS, o.getInt());
        assertEquals(0, o.getInt());
        assertFalse(o.hasRemaining(), "no macro lists without SMFIF_SETSYMLIST");
    }

    @Test
    void withoutDelayRejectConnectAndHeloAreAnsweredAtOnce() {
        config = load(YAML.replace("server: {hostname: mx.test}", "server: {hostname: mx.test, delay-reject: false}"));
        EmbeddedChannel ch = channel();
        feed(ch, relayConversation(), 4096);
        var r = replies(ch);
        assertEquals("Occcy", commands(r), "CONNECT and HELO answered: a refusal there is applied by Postfix at once");
        ByteBuffer b = ByteBuffer.wrap(r.get(0).getValue());
        b.getInt();
        b.getInt();
        assertEquals(MilterSession.PROTOCOL, b.getInt());
    }

    byte[] relayConversation() {
        return join(POSTFIX_OPTNEG,
                macro('C', "j", "mx.test", "{client_addr}", "192.0.2.7"), connect("[192.0.2.7]", "192.0.2.7"),
                macro('H', "{tls_version}", "TLSv1.3", "{cipher}", "TLS_AES_256_GCM_SHA384", "{cipher_bits}", "256"),
                packet('H', strings("client.example")),
                macro('M', "{mail_addr}", "a@sender.example"), packet('M', strings("<a@sender.example>", "SIZE=100")),
                macro('R', "i", "4Q1ab", "{rcpt_addr}", "x@elsewhere.example"), packet('R', strings("<x@elsewhere.example>")));
    }

    @Test
    void aRelayRefusalIsTheCatalogueReplyInEveryWayOfSplittingThePackets() {
        byte[] conversation = relayConversation();
        for (int step : new int[] {1, 2, 3, 5, 7, 13, 4096}) {
            EmbeddedChannel ch = channel();
            feed(ch, conversation, step);
            var r = replies(ch);
            // no reply to CONNECT and HELO (SMFIP_NR_CONN, SMFIP_NR_HELO): MAIL continues, RCPT is refused
            assertEquals("Ocy", commands(r), "step " + step);
            assertEquals("550-5.7.1 XM-RJCT06: Unauthorized relay attempt\r\n550 5.7.1 [192.0.2.7] [mx.test]",
                    text(r.get(2).getValue()), "step " + step);
            assertTrue(ch.isActive());
        }
    }

    @Test
    void abortResetsTheTransactionAndTheConnectionGoesOn() {
        EmbeddedChannel ch = channel();
        feed(ch, join(relayConversation(), packet('A', new byte[0]),
                packet('M', strings("<a@sender.example>")), packet('R', strings("<bob@example.com>"))), 4096);
        assertEquals("Ocycc", commands(replies(ch)), "after ABORT: a new transaction, a local recipient passes");
    }

    @Test
    void aMessageStreamedAsHeaderPairsAndBodyChunksIsJudgedAtTheEnd() {
        String head = "Content-Type: multipart/mixed; boundary=\"b\"";
        byte[] body = ("--b\r\nContent-Type: application/octet-stream; name=\"a.exe\"\r\n"
                + "Content-Disposition: attachment; filename=\"a.exe\"\r\n\r\nTVo=\r\n--b--\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] conv = join(POSTFIX_OPTNEG, connect("client.example", "192.0.2.7"), packet('H', strings("client.example")),
                packet('M', strings("<a@sender.example>")), packet('R', strings("<bob@example.com>")), packet('T', new byte[0]),
                packet('L', strings("Subject", " test")), packet('L', strings("X-Folded", " one\n\ttwo")),
                packet('L', strings("MIME-Version", " 1.0")), packet('L', strings(head.substring(0, 12), head.substring(13))),
                packet('N', new byte[0]),
                packet('B', java.util.Arrays.copyOfRange(body, 0, 17)), packet('B', java.util.Arrays.copyOfRange(body, 17, body.length)),
                packet('E', new byte[0]));
        EmbeddedChannel ch = channel();
        feed(ch, conv, 11);
        var r = replies(ch);
        // mail and rcpt answered; connect, helo, data, headers, end of headers and body chunks not
        // (SMFIP_NR_CONN, NR_HELO, NR_DATA, NR_HDR, NR_EOH, NR_BODY): the verdict comes at end of message
        assertEquals("Occy", commands(r));
        assertEquals("554-5.7.1 XM-RJCT44: Attachment type of a.exe is blocked.\r\n554 5.7.1 [192.0.2.7] [mx.test]",
                text(r.get(3).getValue()));
        // the next message on the same connection is clean
        feed(ch, join(packet('M', strings("<a@sender.example>")), packet('R', strings("<bob@example.com>")),
                packet('T', new byte[0]), packet('L', strings("Subject", " ok")), packet('N', new byte[0]),
                packet('B', "hello\r\n".getBytes(StandardCharsets.US_ASCII)), packet('E', new byte[0])), 4096);
        assertEquals("ccc", commands(replies(ch)));
    }

    @Test
    void forgedAuthenticationResultsAreDeletedAndOursInserted() {
        config = load(YAML.replace("  attachments: {}\n", "  attachments: {}\n  authentication-results: {}\n"));
        byte[] conv = join(POSTFIX_OPTNEG, connect("client.example", "192.0.2.7"), packet('H', strings("client.example")),
                packet('M', strings("<a@sender.example>")), packet('R', strings("<bob@example.com>")), packet('T', new byte[0]),
                packet('L', strings("Authentication-Results", " other.example; spf=pass")),
                packet('L', strings("Authentication-Results", " mx.test;\n\tspf=pass smtp.mailfrom=forged@x")),
                packet('L', strings("Subject", " test")),
                packet('L', strings("authentication-results", " MX.TEST; dkim=pass")),
                packet('N', new byte[0]), packet('B', "hello\r\n".getBytes(StandardCharsets.US_ASCII)), packet('E', new byte[0]));
        EmbeddedChannel ch = channel();
        feed(ch, conv, 4096);
        var r = replies(ch);
        // mail, rcpt; then at end of message: two deletions (2nd and 3rd field of that name, counted
        // case-insensitively as Postfix does), our header first, continue
        assertEquals("Occmmic", commands(r));
        assertEquals("\0\0\0\2Authentication-Results\0\0", new String(r.get(3).getValue(), StandardCharsets.ISO_8859_1));
        assertEquals("\0\0\0\3authentication-results\0\0", new String(r.get(4).getValue(), StandardCharsets.ISO_8859_1));
        assertEquals("\0\0\0\0Authentication-Results\0 mx.test;\n\tspf=none;\n\tdkim=none;\n\tdmarc=none\0",
                new String(r.get(5).getValue(), StandardCharsets.ISO_8859_1));
    }

    @Test
    void quitClosesAndQuitNcStartsOver() {
        EmbeddedChannel ch = channel();
        feed(ch, join(relayConversation(), packet('K', new byte[0]), connect("[192.0.2.8]", "192.0.2.8"),
                packet('H', strings("other.example"))), 4096);
        assertEquals("Ocy", commands(replies(ch)), "the new client's CONNECT and HELO need no reply");
        feed(ch, packet('Q', new byte[0]), 1);
        assertFalse(ch.isActive());
    }

    @Test
    void faultsCloseTheConnectionAndNothingElse() {
        EmbeddedChannel good = channel();
        feed(good, POSTFIX_OPTNEG, 4096);
        byte[][] bad = {
            {0, 0, 0, 0},                                 // length 0: no command
            {0x7f, 0, 0, 0, 'O'},                         // over max-packet-length
            {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xf0, 'O'}, // negative length
            packet('Z', new byte[0]),                     // unknown command
            packet('O', new byte[] {0, 0, 0, 6}),         // short OPTNEG
            join(POSTFIX_OPTNEG, packet('H', new byte[] {'x'})), // no NUL
            join(POSTFIX_OPTNEG, packet('M', strings("<a@b>"))),  // MAIL before CONNECT
            packet('C', strings("x")),                    // before negotiation
        };
        for (byte[] b : bad) {
            EmbeddedChannel ch = channel();
            feed(ch, b, 4096);
            replies(ch);
            assertFalse(ch.isActive(), java.util.Arrays.toString(b));
        }
        feed(good, connect("[192.0.2.9]", "192.0.2.9"), 4096);
        assertEquals("O", commands(replies(good)));
        assertTrue(good.isActive());
    }

    @Test
    void replyCodeTextFollowsPostfixsRules() {
        // same code on every line, enhanced code of that class, CRLF between lines and none at the end, % doubled
        assertEquals("451-4.7.1 100%% sure\r\n451 4.7.1 [a] [b]",
                MilterReplies.text(new Reply(451, "5.7.1", List.of("100% sure", "[a] [b]"))));
        assertEquals("550 5.7.1 one\u0020line", MilterReplies.text(new Reply(550, null, List.of("one\nline"))));
    }

    @Test
    void macrosAreKeptWithoutBraces() {
        MilterSession s = new MilterSession(() -> config.engine(), MilterSettings.ContentReject.REJECT);
        s.handle(new MilterRequest.OptionNegotiation(6, 0x1ff, 0x1fffff));
        s.handle(new MilterRequest.Macros((byte) 'C', Map.of("{client_addr}", "192.0.2.7", "j", "mx.test")));
        assertEquals("192.0.2.7", s.macro("client_addr"));
        assertEquals("mx.test", s.macro("j"));
        assertNull(s.macro("i"), "the queue id exists only after the first RCPT");
    }

    @Test
    void commandsThatCannotWaitAreHandledOnTheEventLoop() {
        // relay, headers and connection-limit answer from memory; the attachment scan of a message within
        // one chunk runs from memory at the end (helo, which may look names up in DNS, is left out here)
        config = load(YAML.replace("  helo: {}\n", ""));
        List<Runnable> queued = new ArrayList<>();
        EmbeddedChannel ch = channel(queued::add);
        feed(ch, join(POSTFIX_OPTNEG, macro('C', "{client_addr}", "192.0.2.7"), connect("client.example", "192.0.2.7"),
                packet('M', strings("<a@sender.example>")), packet('R', strings("<bob@example.com>")), packet('T', new byte[0]),
                packet('L', strings("Subject", " ok")), packet('N', new byte[0]),
                packet('B', "hello\r\n".getBytes(StandardCharsets.US_ASCII)), packet('E', new byte[0])), 4096);
        assertEquals(0, queued.size(), "no command left the event loop");
        assertEquals("Occc", commands(replies(ch)));
    }

    @Test
    void aCommandThatMayWaitLeavesTheLoopAndLaterOnesFollowItInOrder() {
        List<Runnable> queued = new ArrayList<>();
        EmbeddedChannel ch = channel(queued::add); // helo on: HELO may wait for DNS
        feed(ch, join(POSTFIX_OPTNEG, connect("client.example", "192.0.2.7"), packet('H', strings("client.example")),
                packet('M', strings("<a@sender.example>"))), 4096);
        assertEquals(1, queued.size(), "HELO went to the executor; MAIL waits behind it");
        assertEquals("O", commands(replies(ch)));
        for (int i = 0; i < queued.size(); i++) queued.get(i).run();
        ch.runPendingTasks();
        assertEquals(2, queued.size());
        assertEquals("c", commands(replies(ch)));
    }
}
