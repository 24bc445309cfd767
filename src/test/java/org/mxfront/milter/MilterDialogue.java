// The milter door's side of the dialogue files (src/test/resources/dialogues): the dialogue's
// envelope and message as Postfix would send them to a milter (connect, HELO, MAIL, each RCPT, and,
// when a recipient passed, the headers, the body and the end of message), through the door's pipeline
// on an EmbeddedChannel; the milter's answers back, one line each ("continue", "accept", or the lines
// of a SMFIR_REPLYCODE).
package org.mxfront.milter;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.mxfront.Doors;
import org.mxfront.config.ConfigLoader;
import org.mxfront.config.DaemonConfig;
import org.mxfront.metrics.MxMeters;

/** Runs a dialogue through the milter door. */
public final class MilterDialogue {
    private MilterDialogue() {}

    /**
     * @param message the message's lines as the client sent them after DATA (un-stuffed), or null when
     *                the dialogue has none
     */
    public static List<String> answers(String clientIp, String yaml, String helo, String sender, List<String> recipients,
            List<String> message) throws Exception {
        DaemonConfig c = new ConfigLoader(Doors.ALL).parse("dialogue.yml",
                "server: {hostname: mx.test}\nmilter: {enabled: true, listen: \"127.0.0.1:0\"}\n" + yaml, new SimpleMeterRegistry());
        var engine = MilterDoor.usable(MilterDoor.checks(), MilterDoor.TYPE.context(c));
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.pipeline().addLast(MilterResponseEncoder.INSTANCE);
        MilterRequestDecoder.addTo(ch.pipeline(), 1 << 20);
        ch.pipeline().addLast(new MilterConnectionHandler(Runnable::run, () -> new MilterSession(() -> engine, MilterSettings.ContentReject.REJECT),
                new MilterMeters(new MxMeters(new SimpleMeterRegistry())), new MilterConnectionHandler.Admission() {
                    public boolean admit() { return true; }

                    public void released() {}
                }));
        ch.pipeline().fireChannelActive();
        List<String> out = new ArrayList<>();
        send(ch, MilterChannelTest.POSTFIX_OPTNEG, null);
        send(ch, MilterChannelTest.join(MilterChannelTest.macro('C', "j", "mx.test", "{client_addr}", clientIp),
                MilterChannelTest.connect("[" + clientIp + "]", clientIp)), out);
        if (helo != null) send(ch, MilterChannelTest.packet('H', MilterChannelTest.strings(helo)), out);
        if (sender == null) return out;
        if (!send(ch, MilterChannelTest.packet('M', MilterChannelTest.strings("<" + sender + ">")), out)) return out;
        boolean anyRecipient = false;
        for (String r : recipients) {
            anyRecipient |= send(ch, MilterChannelTest.join(MilterChannelTest.macro('R', "i", "4Q1ab"),
                    MilterChannelTest.packet('R', MilterChannelTest.strings("<" + r + ">"))), out);
        }
        if (!anyRecipient || message == null) return out;
        send(ch, MilterChannelTest.packet('T', new byte[0]), out);
        int i = 0;
        for (; i < message.size() && !message.get(i).isEmpty(); i++) {
            String h = message.get(i);
            int colon = h.indexOf(':');
            send(ch, MilterChannelTest.packet('L', MilterChannelTest.strings(h.substring(0, colon), h.substring(colon + 1))), out);
        }
        send(ch, MilterChannelTest.packet('N', new byte[0]), out);
        StringBuilder body = new StringBuilder();
        for (i++; i < message.size(); i++) body.append(message.get(i)).append("\r\n");
        if (!body.isEmpty()) send(ch, MilterChannelTest.packet('B', body.toString().getBytes(StandardCharsets.UTF_8)), out);
        send(ch, MilterChannelTest.packet('E', new byte[0]), out);
        return out;
    }

    /** Sends packets; adds the answers to {@code out} (when not null); true unless one refused. */
    private static boolean send(EmbeddedChannel ch, byte[] packets, List<String> out) {
        MilterChannelTest.feed(ch, packets, 4096);
        boolean ok = true;
        for (Map.Entry<Character, byte[]> r : MilterChannelTest.replies(ch)) {
            String line = switch (r.getKey()) {
                case 'c' -> "continue";
                case 'a' -> "accept";
                case 'y' -> {
                    ok = false;
                    yield MilterChannelTest.text(r.getValue()).replace("\r\n", "\n");
                }
                case 'r' -> { ok = false; yield "reject"; }
                case 't' -> { ok = false; yield "tempfail"; }
                case 'd' -> { ok = false; yield "discard"; }
                default -> String.valueOf(r.getKey());
            };
            if (out != null) out.addAll(List.of(line.split("\n")));
        }
        return ok;
    }
}
