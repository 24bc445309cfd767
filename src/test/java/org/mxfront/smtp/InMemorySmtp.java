// Drives an SmtpConversation without a socket, the way Netty's EmbeddedChannel drives a codec: the
// test writes the bytes a client would send, split into pieces of any size, and reads the replies.
// feed() cuts command lines at CRLF as SubEtha does and, after 354, gives the bytes to the DATA side as
// they are, in pieces of any size; feedFramed() uses the production framing instead (SubEtha's own
// line reader and SmtpFraming's pump). The downstream is one of the test's own (a unit test; the ITs use real ones).
package org.mxfront.smtp;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.mxfront.Doors;
import org.mxfront.config.ConfigLoader;
import org.mxfront.config.DaemonConfig;
import org.mxfront.mail.ClientInfo;
import org.mxfront.mail.TlsInfo;
import org.mxfront.metrics.MxMeters;
import org.mxfront.relay.Downstream;
import org.mxfront.relay.DownstreamException;
import org.mxfront.relay.DownstreamReply;
import org.mxfront.tls.ServerTls;
import org.subethamail.smtp.internal.io.CRLFTerminatedReader;

final class InMemorySmtp implements SmtpState.Transport {
    final SmtpConversation conversation;
    final FakeDownstream downstream = new FakeDownstream();
    /** Every reply line sent, in order; an error-delay pause shows as a line "(pause PT1S)" where it happened. */
    final List<String> replies = new ArrayList<>();
    boolean closed;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    /** A conversation for a client at {@code clientIp}, under the embedded defaults with {@code yaml} laid over them. */
    InMemorySmtp(String clientIp, String yaml) throws Exception {
        DaemonConfig config = new ConfigLoader(Doors.ALL).parse("test.yml", "server: {hostname: mx.test}\n" + yaml,
                new SimpleMeterRegistry());
        conversation = new SmtpConversation(SmtpFrontDoor.TYPE.context(config), downstream, this, (from, to) -> 1,
                new MxMeters(new SimpleMeterRegistry()), InetAddress.getByName(clientIp), 40000, 1);
        if (conversation.connect() != null) throw new IllegalStateException("refused at connect");
    }

    /** Feeds the bytes in pieces of at most {@code piece} bytes; returns the replies they produced. */
    List<String> feed(String text, int piece) throws IOException {
        int before = replies.size();
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        for (int off = 0; off < bytes.length && !closed; off += piece) feedPiece(bytes, off, Math.min(piece, bytes.length - off));
        return List.copyOf(replies.subList(before, replies.size()));
    }

    List<String> feed(String text) throws IOException {
        return feed(text, Integer.MAX_VALUE);
    }

    /**
     * Feeds the bytes through the production framing instead of this class's own line cutting:
     * SubEtha's CRLFTerminatedReader reads the command lines (as its Session does, over the same
     * BufferedInputStream) and SmtpFraming.pumpData the message bytes, handing back by mark/reset
     * what follows the final dot. Stops at the end of the input or when the conversation closes.
     */
    List<String> feedFramed(byte[] bytes) throws IOException {
        int before = replies.size();
        BufferedInputStream in = new BufferedInputStream(new ByteArrayInputStream(bytes));
        CRLFTerminatedReader reader = new CRLFTerminatedReader(in);
        while (!closed) {
            String line = reader.readLine();
            if (line == null) break;
            conversation.command(line);
            if (conversation.inData()) SmtpFraming.pumpData(conversation, in);
        }
        return List.copyOf(replies.subList(before, replies.size()));
    }

    private void feedPiece(byte[] b, int off, int len) throws IOException {
        int end = off + len;
        int i = off;
        while (i < end && !closed) {
            if (conversation.inData()) {
                i += conversation.data(b, i, end - i);
                continue;
            }
            byte c = b[i++];
            line.write(c);
            int n = line.size();
            byte[] l = line.toByteArray();
            if (n >= 2 && l[n - 2] == '\r' && l[n - 1] == '\n') {
                line.reset();
                conversation.command(new String(l, 0, n - 2, StandardCharsets.UTF_8));
            }
        }
    }

    @Override
    public void send(String reply) {
        replies.addAll(List.of(reply.split("\r\n", -1)));
    }

    @Override
    public void close() {
        closed = true;
    }

    @Override
    public boolean talkedWithin(Duration pause) {
        return false;
    }

    /** What the next STARTTLS handshake gives; null makes it fail. */
    TlsInfo handshake = new TlsInfo("TLSv1.3", "TLS_AES_256_GCM_SHA384", 256);

    @Override
    public TlsInfo startTls(ServerTls tls) throws IOException {
        if (handshake == null) throw new IOException("handshake failed");
        return handshake;
    }

    @Override
    public InetAddress realRemote() {
        return InetAddress.getLoopbackAddress();
    }

    /** Recorded, not slept: the tests see where the pauses fall without timing anything. */
    @Override
    public void pause(Duration d) {
        replies.add("(pause " + d + ")");
    }

    /**
     * A downstream that records what it is given and answers as told: 250 to everything, 354 to
     * DATA, unless a test sets other replies or a failure.
     */
    static final class FakeDownstream implements Downstream {
        DownstreamReply rcptReply = DownstreamReply.parse(250, List.of("2.1.5 Ok"));
        DownstreamReply dataReply = DownstreamReply.parse(354, List.of("End data with <CR><LF>.<CR><LF>"));
        DownstreamReply messageReply = DownstreamReply.parse(250, List.of("2.0.0 Ok: queued as ABC123"));
        boolean failRcpt;
        Set<String> extensions = Set.of("PIPELINING", "8BITMIME", "DSN", "SMTPUTF8");
        final List<String> events = new ArrayList<>();
        final ByteArrayOutputStream message = new ByteArrayOutputStream();

        @Override
        public Set<String> knownExtensions() {
            return extensions;
        }

        @Override
        public Transaction open(ClientInfo client, String helo, boolean esmtp) {
            events.add("open " + client.ip() + " " + helo + (esmtp ? " ESMTP" : " SMTP"));
            return new Transaction() {
                boolean forwarding;

                @Override
                public void mail(String sender, List<String> params) {
                    events.add("mail " + sender + " " + params);
                }

                @Override
                public DownstreamReply rcpt(String recipient, List<String> params) throws DownstreamException {
                    if (failRcpt) throw new DownstreamException("connection refused");
                    events.add("rcpt " + recipient + (params.isEmpty() ? "" : " " + params));
                    return rcptReply;
                }

                @Override
                public void startData() {
                    events.add("data");
                    forwarding = dataReply.code() == 354;
                }

                @Override
                public boolean line(byte[] buf, int len, boolean complete, boolean continued) {
                    if (!forwarding) return false;
                    message.write(buf, 0, len);
                    if (complete) message.writeBytes(new byte[] {'\r', '\n'});
                    return true;
                }

                @Override
                public void stop() {
                    forwarding = false;
                    events.add("stop");
                }

                @Override
                public DownstreamReply finish() {
                    if (dataReply.code() != 354) return dataReply;
                    events.add("finish");
                    return messageReply;
                }

                @Override
                public void completed() {
                    events.add("completed");
                }

                @Override
                public void close() {
                    events.add("close");
                }
            };
        }

        String message() {
            return message.toString(StandardCharsets.UTF_8);
        }
    }
}
