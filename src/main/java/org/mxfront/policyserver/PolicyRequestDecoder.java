// Turns the bytes of one policy connection into requests: "name=value" lines ending with an empty
// line (Postfix writes LF; a CR before it is tolerated). Guards: line length, attribute count, text
// only (UTF-8, no control characters), request=smtpd_access_policy. Any breach throws a
// ProtocolFault once and discards everything after it: the handler closes without a reply.
package org.mxfront.policyserver;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.mxfront.policyserver.ProtocolFault.Reason;

/** Decodes {@link PolicyRequest}s. One instance per connection (it keeps the request being read). */
public final class PolicyRequestDecoder extends ByteToMessageDecoder {
    private final int maxLineLength;
    private final int maxAttributes;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    private Map<String, String> attributes = newMap();
    private int count;
    private boolean failed;

    /**
     * @param maxLineLength the longest line in bytes, LF excluded
     * @param maxAttributes the most attribute lines in one request
     */
    public PolicyRequestDecoder(int maxLineLength, int maxAttributes) {
        this.maxLineLength = maxLineLength;
        this.maxAttributes = maxAttributes;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        try {
            while (in.isReadable()) {
                int lf = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
                if (lf < 0) {
                    if (in.readableBytes() > maxLineLength + 1) throw new ProtocolFault(Reason.LINE_TOO_LONG, "a line over " + maxLineLength + " bytes");
                    return;
                }
                int len = lf - in.readerIndex();
                if (len > 0 && in.getByte(lf - 1) == '\r') len--;
                if (len > maxLineLength) throw new ProtocolFault(Reason.LINE_TOO_LONG, "a line of " + len + " bytes, over " + maxLineLength);
                String line = text(in, in.readerIndex(), len);
                in.readerIndex(lf + 1);
                if (line.isEmpty()) {
                    out.add(finish());
                    continue;
                }
                if (++count > maxAttributes) throw new ProtocolFault(Reason.TOO_MANY_ATTRIBUTES, "more than " + maxAttributes + " attributes");
                int eq = line.indexOf('=');
                if (eq <= 0) throw new ProtocolFault(Reason.NO_EQUALS_SIGN, "a line that is not name=value");
                attributes.put(line.substring(0, eq), line.substring(eq + 1));
            }
        } catch (ProtocolFault f) {
            failed = true;
            in.skipBytes(in.readableBytes());
            throw f;
        }
    }

    private PolicyRequest finish() {
        String type = attributes.get(PolicyAttributes.REQUEST);
        if (type == null) throw new ProtocolFault(Reason.NO_REQUEST, "a request without request=");
        if (!type.equals(PolicyAttributes.SMTPD_ACCESS_POLICY)) {
            throw new ProtocolFault(Reason.UNKNOWN_REQUEST, "request=" + (type.length() > 40 ? type.substring(0, 40) + "..." : type));
        }
        PolicyRequest r = new PolicyRequest(attributes);
        attributes = newMap();
        count = 0;
        return r;
    }

    /** Room for Postfix 3.x's 30-odd attributes without rehashing. */
    private static Map<String, String> newMap() {
        return HashMap.newHashMap(40);
    }

    /** The line as text: valid UTF-8 without control characters (a tab included), else a fault. */
    private String text(ByteBuf in, int from, int len) {
        int bad = len == 0 ? -1 : in.forEachByte(from, len, b -> b >= 0x20 && b != 0x7f);
        if (bad < 0) return in.toString(from, len, StandardCharsets.US_ASCII);
        for (int i = bad; i < from + len; i++) {
            byte b = in.getByte(i);
            if (b >= 0 && (b < 0x20 || b == 0x7f)) throw new ProtocolFault(Reason.NOT_TEXT, String.format("control byte 0x%02x", b));
        }
        try {
            ByteBuffer nio = in.nioBuffer(from, len);
            return utf8.reset().decode(nio).toString();
        } catch (CharacterCodingException e) {
            throw new ProtocolFault(Reason.NOT_TEXT, "bytes that are not UTF-8");
        }
    }
}
