// Covers what goes on the wire to the downstream for non-ASCII (SMTPUTF8) addresses: UTF-8, not the
// one-byte-per-char that Netty's SMTP request encoder writes on its own (which Postfix refuses).
package org.mxfront.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.smtp.DefaultSmtpRequest;
import io.netty.handler.codec.smtp.SmtpRequestEncoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DownstreamEncodingTest {
    static String wire(CharSequence... params) {
        EmbeddedChannel ch = new EmbeddedChannel(new SmtpRequestEncoder());
        ch.writeOutbound(new DefaultSmtpRequest("MAIL", DownstreamConnection.utf8(params)));
        ByteBuf out = ch.readOutbound();
        try {
            return out.toString(StandardCharsets.UTF_8);
        } finally {
            out.release();
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void nonAsciiAddressesGoOutAsUtf8() {
        assertEquals("MAIL FROM:<j\u00f6rg@b\u00fccher.example> SMTPUTF8\r\n",
                wire("FROM:<j\u00f6rg@b\u00fccher.example>", "SMTPUTF8"));
        assertEquals("MAIL FROM:<\u5c71\u7530@\u4f8b\u3048.jp>\r\n", wire("FROM:<\u5c71\u7530@\u4f8b\u3048.jp>"));
    }

    @Test
    void asciiParametersAreLeftAlone() {
        CharSequence[] params = {"FROM:<a@b.example>", "SIZE=100"};
        assertSame(params, DownstreamConnection.utf8(params));
        assertEquals("MAIL FROM:<a@b.example> SIZE=100\r\n", wire(params));
    }
}
