// Turns one milter packet (after LengthFieldBasedFrameDecoder took off its 4-byte length) into a
// MilterRequest. Everything is checked: a missing NUL, a short OPTNEG, an unknown command or trailing
// bytes are faults that close the connection, never a guess. Socket-free: tested on EmbeddedChannel.
package org.mxfront.milter;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.MessageToMessageDecoder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mxfront.milter.MilterFault.Reason;

/** Decodes framed milter packets. One instance per channel. */
public final class MilterRequestDecoder extends MessageToMessageDecoder<ByteBuf> {
    /**
     * Strings are decoded byte for byte (ISO-8859-1), so that 8-bit header text reaches the content
     * checks exactly as sent; addresses and names are ASCII (or UTF-8 read back the same way).
     */
    static final Charset CHARSET = StandardCharsets.ISO_8859_1;

    /**
     * Adds the milter framing and this decoder to a pipeline: a 4-byte big-endian length (command
     * byte included), at most {@code maxPacketLength}; longer is a {@link Reason#TOO_LONG} fault at once.
     */
    public static void addTo(ChannelPipeline p, int maxPacketLength) {
        p.addLast("milter-frames", new LengthFieldBasedFrameDecoder(maxPacketLength, 0, 4, 0, 4, true));
        p.addLast("milter-decoder", new MilterRequestDecoder());
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        out.add(decode(in));
    }

    /** One packet (command byte and data). */
    static MilterRequest decode(ByteBuf in) {
        if (!in.isReadable()) throw new MilterFault(Reason.MALFORMED, "empty packet (length 0)");
        byte cmd = in.readByte();
        MilterRequest r = switch (cmd) {
            case MilterProtocol.SMFIC_OPTNEG -> {
                if (in.readableBytes() < 12) throw new MilterFault(Reason.MALFORMED, "OPTNEG shorter than 12 bytes");
                var o = new MilterRequest.OptionNegotiation(in.readInt(), in.readInt(), in.readInt());
                in.skipBytes(in.readableBytes()); // later versions may append more; nothing we use
                yield o;
            }
            case MilterProtocol.SMFIC_MACRO -> {
                if (!in.isReadable()) throw new MilterFault(Reason.MALFORMED, "MACRO without a command code");
                byte stage = in.readByte();
                Map<String, String> values = new LinkedHashMap<>();
                while (in.isReadable()) {
                    String name = string(in, "macro name");
                    String value = string(in, "macro value");
                    values.put(name, value);
                }
                yield new MilterRequest.Macros(stage, values);
            }
            case MilterProtocol.SMFIC_CONNECT -> {
                String host = string(in, "CONNECT host name");
                if (!in.isReadable()) throw new MilterFault(Reason.MALFORMED, "CONNECT without a family");
                byte family = in.readByte();
                if (family == MilterProtocol.SMFIA_UNKNOWN) yield new MilterRequest.Connect(host, family, 0, "");
                if (in.readableBytes() < 2) throw new MilterFault(Reason.MALFORMED, "CONNECT without a port");
                int port = in.readUnsignedShort();
                yield new MilterRequest.Connect(host, family, port, string(in, "CONNECT address"));
            }
            case MilterProtocol.SMFIC_HELO -> new MilterRequest.Helo(string(in, "HELO name"));
            case MilterProtocol.SMFIC_MAIL -> new MilterRequest.Mail(strings(in, "MAIL"));
            case MilterProtocol.SMFIC_RCPT -> new MilterRequest.Rcpt(strings(in, "RCPT"));
            case MilterProtocol.SMFIC_DATA -> new MilterRequest.Data();
            case MilterProtocol.SMFIC_HEADER -> new MilterRequest.Header(string(in, "header name"), string(in, "header value"));
            case MilterProtocol.SMFIC_EOH -> new MilterRequest.EndOfHeaders();
            case MilterProtocol.SMFIC_BODY -> new MilterRequest.Body(rest(in));
            case MilterProtocol.SMFIC_BODYEOB -> new MilterRequest.EndOfMessage(rest(in));
            case MilterProtocol.SMFIC_ABORT -> new MilterRequest.Abort();
            case MilterProtocol.SMFIC_QUIT -> new MilterRequest.Quit();
            case MilterProtocol.SMFIC_QUIT_NC -> new MilterRequest.QuitNewConnection();
            case MilterProtocol.SMFIC_UNKNOWN -> new MilterRequest.Unknown(string(in, "unknown command"));
            default -> throw new MilterFault(Reason.UNKNOWN_COMMAND,
                    "unknown command 0x" + Integer.toHexString(cmd & 0xff));
        };
        if (in.isReadable()) {
            throw new MilterFault(Reason.MALFORMED, in.readableBytes() + " bytes after the " + r.name() + " command");
        }
        return r;
    }

    private static String string(ByteBuf in, String what) {
        int nul = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) 0);
        if (nul < 0) throw new MilterFault(Reason.MALFORMED, what + " is not NUL-terminated");
        String s = in.toString(in.readerIndex(), nul - in.readerIndex(), CHARSET);
        in.readerIndex(nul + 1);
        return s;
    }

    private static List<String> strings(ByteBuf in, String what) {
        List<String> l = new ArrayList<>(2);
        while (in.isReadable()) l.add(string(in, what + " argument"));
        if (l.isEmpty()) throw new MilterFault(Reason.MALFORMED, what + " without an address");
        return l;
    }

    private static byte[] rest(ByteBuf in) {
        byte[] b = new byte[in.readableBytes()];
        in.readBytes(b);
        return b;
    }
}
