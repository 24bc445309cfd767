// What this door answers a milter client, one record per reply type, each writing its own packet
// body. Sealed: the encoder and the tests switch over all of them.
package org.mxfront.milter;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** One milter reply packet. */
public sealed interface MilterResponse {

    /** The reply's command byte. */
    byte command();

    /** Writes the data after the command byte. */
    default void writeData(ByteBuf out) {}

    /** SMFIR_CONTINUE: no objection, go on. */
    record Continue() implements MilterResponse {
        public byte command() { return MilterProtocol.SMFIR_CONTINUE; }
    }

    /** SMFIR_TEMPFAIL: Postfix's own 4xx text (used only when no reply text can be given). */
    record Tempfail() implements MilterResponse {
        public byte command() { return MilterProtocol.SMFIR_TEMPFAIL; }
    }

    /** SMFIR_DISCARD: accept the message and drop it (end of message only). */
    record Discard() implements MilterResponse {
        public byte command() { return MilterProtocol.SMFIR_DISCARD; }
    }

    /** SMFIR_REPLYCODE: a 4xx/5xx reply, possibly multi-line (CRLF between lines, none at the end, % doubled). */
    record ReplyCode(String text) implements MilterResponse {
        public byte command() { return MilterProtocol.SMFIR_REPLYCODE; }

        @Override
        public void writeData(ByteBuf out) {
            writeString(out, text);
        }
    }

    /** SMFIR_INSHEADER: insert a header field at {@code index} (end of message only). */
    record InsertHeader(int index, String name, String value) implements MilterResponse {
        public byte command() { return MilterProtocol.SMFIR_INSHEADER; }

        @Override
        public void writeData(ByteBuf out) {
            writeHeaderAt(out, index, name, value);
        }
    }

    /**
     * SMFIR_CHGHEADER: change the {@code index}-th (1-based) field named {@code name}; an empty value
     * deletes it (end of message only).
     */
    record ChangeHeader(int index, String name, String value) implements MilterResponse {
        public byte command() { return MilterProtocol.SMFIR_CHGHEADER; }

        @Override
        public void writeData(ByteBuf out) {
            writeHeaderAt(out, index, name, value);
        }
    }

    /** SMFIR_ADDHEADER: append a header field (end of message only). */
    record AddHeader(String name, String value) implements MilterResponse {
        public byte command() { return MilterProtocol.SMFIR_ADDHEADER; }

        @Override
        public void writeData(ByteBuf out) {
            writeString(out, name);
            writeString(out, value);
        }
    }

    /**
     * SMFIC_OPTNEG answer: the version, actions and steps agreed, and the macros wanted per stage
     * (keys {@link MilterProtocol#SMFIM_CONNECT}...; empty when the MTA does not allow SETSYMLIST).
     */
    record Negotiated(int version, int actions, int protocol, Map<Integer, String> macros) implements MilterResponse {
        public Negotiated {
            macros = Map.copyOf(macros);
        }

        public byte command() { return MilterProtocol.SMFIC_OPTNEG; }

        @Override
        public void writeData(ByteBuf out) {
            out.writeInt(version);
            out.writeInt(actions);
            out.writeInt(protocol);
            for (int stage = MilterProtocol.SMFIM_CONNECT; stage <= MilterProtocol.SMFIM_EOH; stage++) {
                String list = macros.get(stage);
                if (list == null) continue;
                out.writeInt(stage);
                writeString(out, list);
            }
        }
    }

    /** INSHEADER's and CHGHEADER's data: the index, then name and value as NUL-terminated strings. */
    private static void writeHeaderAt(ByteBuf out, int index, String name, String value) {
        out.writeInt(index);
        writeString(out, name);
        writeString(out, value);
    }

    private static void writeString(ByteBuf out, String s) {
        out.writeCharSequence(s, StandardCharsets.UTF_8);
        out.writeByte(0);
    }
}
