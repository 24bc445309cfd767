// The policy protocol's framing without a socket: bytes fed to an EmbeddedChannel in awkward pieces,
// pipelined requests, and every malformed input closing the channel with nothing written back.
package org.mxfront.policyserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mxfront.mail.MeterNames;
import org.mxfront.metrics.MxMeters;

class PolicyRequestDecoderTest {
    static final String RCPT = "request=smtpd_access_policy\nprotocol_state=RCPT\nclient_address=192.0.2.7\n"
            + "sender=a@sender.example\nrecipient=b@example.com\ninstance=1a.2b.3c.0\n\n";

    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final List<PolicyRequest> seen = new ArrayList<>();

    /** The door's pipeline with a synchronous executor; answers DUNNO, or the recipient for a test. */
    EmbeddedChannel channel(int maxLine, int maxAttributes) {
        PolicyMeters meters = new PolicyMeters(new MxMeters(registry));
        return new EmbeddedChannel(new PolicyRequestDecoder(maxLine, maxAttributes),
                new PolicyConnectionHandler(Runnable::run, r -> {
                    seen.add(r);
                    return "DUNNO " + r.recipient();
                }, meters, new Traffic(10)));
    }

    static ByteBuf bytes(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.UTF_8);
    }

    static String written(EmbeddedChannel ch) {
        StringBuilder sb = new StringBuilder();
        ByteBuf b;
        while ((b = ch.readOutbound()) != null) {
            sb.append(b.toString(StandardCharsets.UTF_8));
            b.release();
        }
        return sb.toString();
    }

    double faults(String reason) {
        var c = registry.find(MeterNames.POLICY_FAULTS).tag("reason", reason).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void aRequestSplitAtEveryByteIsDecodedOnce() {
        EmbeddedChannel ch = channel(4096, 100);
        for (byte b : RCPT.getBytes(StandardCharsets.UTF_8)) ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
        assertEquals(1, seen.size());
        PolicyRequest r = seen.get(0);
        assertEquals(PolicyAttributes.State.RCPT, r.state());
        assertEquals("192.0.2.7", r.clientAddress());
        assertEquals("1a.2b.3c.0", r.instance());
        assertEquals("action=DUNNO b@example.com\n\n", written(ch));
        assertTrue(ch.isActive());
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() {
        EmbeddedChannel ch = channel(4096, 100);
        String two = RCPT + RCPT.replace("b@example.com", "c@example.com");
        // split inside a name, inside a value and between the two LFs that end a request
        int[] cuts = {5, RCPT.indexOf("sender=") + 3, RCPT.length() - 1, RCPT.length() + 20, two.length()};
        int from = 0;
        for (int cut : cuts) {
            ch.writeInbound(bytes(two.substring(from, cut)));
            from = cut;
        }
        assertEquals("action=DUNNO b@example.com\n\naction=DUNNO c@example.com\n\n", written(ch));
    }

    @Test
    void crLfLineEndsAndTheEmptySenderAreAccepted() {
        EmbeddedChannel ch = channel(4096, 100);
        ch.writeInbound(bytes(RCPT.replace("sender=a@sender.example", "sender=").replace("\n", "\r\n")));
        assertEquals(1, seen.size());
        assertEquals("", seen.get(0).sender());
        assertEquals("b@example.com", seen.get(0).recipient());
    }

    @Test
    void utf8ValuesAreText() {
        EmbeddedChannel ch = channel(4096, 100);
        ch.writeInbound(bytes(RCPT.replace("b@example.com", "jörg@exämple.com")));
        assertEquals("jörg@exämple.com", seen.get(0).recipient());
    }

    /** Writes {@code in} to the channel, which closes without a reply, counting the fault. */
    void assertClosedWithoutReply(EmbeddedChannel ch, ByteBuf in, String reason) {
        ch.writeInbound(in);
        assertClosedWithoutReply(ch, reason);
    }

    void assertClosedWithoutReply(EmbeddedChannel ch, String reason) {
        assertFalse(ch.isActive(), "closed");
        assertNull(ch.readOutbound(), "nothing written");
        assertEquals(1.0, faults(reason), reason);
    }

    @Test
    void anOverLongLineClosesWithoutReply() {
        assertClosedWithoutReply(channel(64, 100), bytes("request=smtpd_access_policy\nclient_name=" + "x".repeat(100)), "line_too_long");
        assertTrue(seen.isEmpty());
    }

    @Test
    void anOverLongLineWithoutItsEndIsCaughtBeforeTheEnd() {
        assertClosedWithoutReply(channel(64, 100), bytes("x".repeat(200)), "line_too_long");
    }

    @Test
    void tooManyAttributesCloseWithoutReply() {
        assertClosedWithoutReply(channel(4096, 5), bytes(RCPT), "too_many_attributes");
    }

    @Test
    void aRequestWithoutRequestAttributeClosesWithoutReply() {
        assertClosedWithoutReply(channel(4096, 100), bytes("protocol_state=RCPT\nclient_address=192.0.2.7\n\n"), "no_request");
    }

    @Test
    void anotherRequestTypeClosesWithoutReply() {
        assertClosedWithoutReply(channel(4096, 100), bytes("request=junk\n\n"), "unknown_request");
    }

    @Test
    void binaryJunkClosesWithoutReplyAndWhatFollowsIsIgnored() {
        assertClosedWithoutReply(channel(4096, 100), Unpooled.wrappedBuffer(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, '\n'}), "not_text");
        assertTrue(seen.isEmpty());
    }

    @Test
    void invalidUtf8ClosesWithoutReply() {
        assertClosedWithoutReply(channel(4096, 100), Unpooled.wrappedBuffer(new byte[] {'a', '=', (byte) 0xc3, (byte) 0x28, '\n'}), "not_text");
    }

    @Test
    void aLineWithoutEqualsSignClosesWithoutReply() {
        assertClosedWithoutReply(channel(4096, 100), bytes("GET / HTTP/1.0\n\n"), "no_equals_sign");
    }

    @Test
    void aFaultAfterAGoodRequestStillAnswersTheGoodOne() {
        EmbeddedChannel ch = channel(4096, 100);
        ch.writeInbound(bytes(RCPT + "\u0001\n"));
        assertEquals("action=DUNNO b@example.com\n\n", written(ch));
        assertFalse(ch.isActive());
    }

    @Test
    void connectionsOverTheBoundAreClosed() {
        Traffic t = new Traffic(1);
        PolicyMeters meters = new PolicyMeters(new MxMeters(registry));
        EmbeddedChannel first = new EmbeddedChannel(new PolicyConnectionHandler(Runnable::run, r -> "DUNNO", meters, t));
        EmbeddedChannel second = new EmbeddedChannel(new PolicyConnectionHandler(Runnable::run, r -> "DUNNO", meters, t));
        assertTrue(first.isActive());
        assertFalse(second.isActive());
        assertEquals(1.0, faults("too_many_connections"));
        first.close();
        assertEquals(0, t.connections());
    }

    @Test
    void anAnswerThatFailsClosesWithoutReply() {
        PolicyMeters meters = new PolicyMeters(new MxMeters(registry));
        EmbeddedChannel ch = new EmbeddedChannel(new PolicyRequestDecoder(4096, 100),
                new PolicyConnectionHandler(Runnable::run, r -> { throw new IllegalStateException("boom"); }, meters, new Traffic(10)));
        ch.writeInbound(bytes(RCPT));
        assertClosedWithoutReply(ch, "internal_error");
    }
}
