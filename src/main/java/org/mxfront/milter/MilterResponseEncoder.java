// Frames a MilterResponse: 4-byte big-endian length (command byte included), the command, its data.
package org.mxfront.milter;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

/** Encodes milter replies. Stateless, shared by every channel. */
@ChannelHandler.Sharable
public final class MilterResponseEncoder extends MessageToByteEncoder<MilterResponse> {
    public static final MilterResponseEncoder INSTANCE = new MilterResponseEncoder();

    private MilterResponseEncoder() {}

    @Override
    protected void encode(ChannelHandlerContext ctx, MilterResponse r, ByteBuf out) {
        int at = out.writerIndex();
        out.writeInt(0);
        out.writeByte(r.command());
        r.writeData(out);
        out.setInt(at, out.writerIndex() - at - 4);
    }
}
