// One mail transaction relayed to the downstream: XFORWARD/XCLIENT, MAIL, RCPT..., DATA, data, dot.
// A message that came by BDAT goes on as DATA too: its lines are stuffed here like any other.
// Opened lazily at the first recipient that passes the policy, so abusive sessions that never get
// a recipient accepted cost the downstream nothing. The message arrives as un-stuffed lines; this
// class stuffs them, batches them into 16 KiB writes and keeps the downstream's DATA reply.
package org.mxfront.relay;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.smtp.DefaultSmtpRequest;
import java.net.Inet6Address;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.mxfront.address.Xtext;
import org.mxfront.mail.ClientInfo;
import org.mxfront.net.Networks;
import org.mxfront.relay.DownstreamSettings.ForwardClient;

/**
 * The downstream side of one transaction. Used by one session thread.
 */
public final class DownstreamTransaction implements Downstream.Transaction {
    private static final int FORWARD_CHUNK = 16 * 1024;

    private final DownstreamRelay relay;
    private final ClientInfo client;
    private final String helo;
    private final boolean esmtp;
    private DownstreamConnection conn;
    private String mailCommandArg;
    private List<String> mailParams = List.of();
    private DownstreamReply mailReply;
    private boolean inData;
    private DownstreamConnection.Sent pendingData;
    private DownstreamReply dataReply;
    /** Data not written yet. */
    private ByteBuf out;
    private boolean forwarding;
    /** A failure while forwarding, reported by finish(). */
    private DownstreamException failure;

    DownstreamTransaction(DownstreamRelay relay, ClientInfo client, String helo, boolean esmtp) {
        this.relay = relay;
        this.client = client;
        this.helo = helo;
        this.esmtp = esmtp;
    }

    @Override
    public void mail(String sender, List<String> params) {
        this.mailCommandArg = "FROM:<" + sender + ">";
        this.mailParams = List.copyOf(params);
    }

    /** Opens the connection and sends MAIL first if needed. */
    @Override
    public DownstreamReply rcpt(String recipient, List<String> params) throws DownstreamException {
        if (conn == null) {
            conn = relay.acquire();
            return first(rcptArgs(recipient, params));
        }
        if (!mailReply.positive()) return mailReply;
        return conn.command("RCPT", relay.commandTimeout(), rcptArgs(recipient, params));
    }

    private static CharSequence[] rcptArgs(String recipient, List<String> params) {
        CharSequence[] args = new CharSequence[1 + params.size()];
        args[0] = "TO:<" + recipient + ">";
        for (int i = 0; i < params.size(); i++) args[i + 1] = params.get(i);
        return args;
    }

    /**
     * The first recipient: client identity, MAIL and RCPT. With PIPELINING (Postfix has it) they go in
     * one write and cost one round trip instead of three or more.
     */
    private DownstreamReply first(CharSequence[] rcpt) throws DownstreamException {
        List<DefaultSmtpRequest> batch = new ArrayList<>(3);
        boolean identity = false;
        ForwardClient mode = relay.settings().forwardClient();
        if (mode == ForwardClient.XFORWARD && conn.extensions().contains("XFORWARD")) {
            List<String> attrs = clientAttributes(conn.extensionParams("XFORWARD"), true);
            if (!attrs.isEmpty()) {
                batch.add(new DefaultSmtpRequest("XFORWARD", attrs.toArray(CharSequence[]::new)));
                identity = true;
            }
        } else if (mode == ForwardClient.XCLIENT && conn.extensions().contains("XCLIENT")) {
            // XCLIENT resets the downstream session and needs a new EHLO: not pipelined.
            List<String> attrs = clientAttributes(conn.extensionParams("XCLIENT"), false);
            DownstreamReply r = conn.command("XCLIENT", relay.commandTimeout(), attrs.toArray(CharSequence[]::new));
            if (r.code() != 220) throw new DownstreamException("downstream refused XCLIENT: " + r);
            r = conn.ehlo(helo == null ? "unknown" : helo, relay.commandTimeout());
            if (!r.positive()) throw new DownstreamException("downstream refused EHLO after XCLIENT: " + r);
        }
        List<CharSequence> mail = new ArrayList<>();
        mail.add(mailCommandArg);
        mail.addAll(mailParams);
        batch.add(new DefaultSmtpRequest("MAIL", mail.toArray(CharSequence[]::new)));
        batch.add(new DefaultSmtpRequest("RCPT", rcpt));
        List<DownstreamReply> replies;
        if (conn.extensions().contains("PIPELINING")) {
            replies = conn.pipeline(batch, relay.commandTimeout());
        } else {
            replies = new ArrayList<>(batch.size());
            for (DefaultSmtpRequest r : batch) {
                replies.add(conn.command(r.command().name().toString(), relay.commandTimeout(),
                        r.parameters().toArray(CharSequence[]::new)));
            }
        }
        if (identity && !replies.get(0).positive()) {
            throw new DownstreamException("downstream refused XFORWARD: " + replies.get(0));
        }
        int n = replies.size();
        mailReply = replies.get(n - 2);
        return mailReply.positive() ? replies.get(n - 1) : mailReply;
    }

    /** The client's attributes that the downstream names in its EHLO line (Postfix: NAME ADDR PROTO HELO SOURCE PORT). */
    private List<String> clientAttributes(Set<String> offered, boolean withSource) {
        String addr = Networks.text(client.address());
        if (client.address() instanceof Inet6Address) addr = "IPV6:" + addr;
        List<String> attrs = new ArrayList<>();
        addIfOffered(attrs, offered, "NAME", Xtext.encode(cap(client.reverseName() == null ? "[UNAVAILABLE]" : client.reverseName())));
        addIfOffered(attrs, offered, "ADDR", Xtext.encode(addr));
        addIfOffered(attrs, offered, "PORT", Integer.toString(client.port()));
        addIfOffered(attrs, offered, "PROTO", esmtp ? "ESMTP" : "SMTP");
        addIfOffered(attrs, offered, "HELO", Xtext.encode(cap(helo == null ? "[UNAVAILABLE]" : helo)));
        if (withSource) addIfOffered(attrs, offered, "SOURCE", "REMOTE");
        return attrs;
    }

    /** Host names are at most 255 octets; a longer HELO is cut so the command line stays short. */
    private static String cap(String s) {
        return s.length() > 255 ? s.substring(0, 255) : s;
    }

    private static void addIfOffered(List<String> attrs, Set<String> offered, String name, String value) {
        if (offered.contains(name)) attrs.add(name + "=" + value);
    }

    /**
     * Sends DATA without waiting for the reply: the client is told 354 at once and its message
     * starts to flow while the downstream answers, one round trip (and one thread hand-over) less
     * per message. The answer is collected before the first data is written.
     */
    @Override
    public void startData() throws DownstreamException {
        if (conn == null) throw new DownstreamException("no recipient was relayed");
        inData = true; // until the reply says otherwise, the downstream may be reading data
        forwarding = true;
        pendingData = conn.send("DATA", relay.commandTimeout());
    }

    /** The downstream's reply to DATA (waits for it the first time); false and forwarding stops unless it is 354. */
    private boolean dataAccepted() {
        if (dataReply != null) return dataReply.code() == 354;
        try {
            dataReply = pendingData.reply();
            inData = dataReply.code() == 354;
        } catch (DownstreamException e) {
            failure = e;
        }
        if (dataReply != null && dataReply.code() == 354) return true;
        stop();
        return false;
    }

    @Override
    public boolean line(byte[] buf, int len, boolean complete, boolean continued) {
        if (!forwarding) return false;
        if (out == null) out = conn.alloc().buffer(FORWARD_CHUNK + 1024);
        if (!continued && len > 0 && buf[0] == '.') out.writeByte('.');
        out.writeBytes(buf, 0, len);
        if (complete) out.writeByte('\r').writeByte('\n');
        if (out.readableBytes() < FORWARD_CHUNK) return true;
        if (!dataAccepted()) return false;
        ByteBuf chunk = out;
        out = null;
        try {
            conn.write(chunk, relay.dataTimeout());
            return true;
        } catch (DownstreamException e) {
            failure = e;
            stop();
            return false;
        }
    }

    @Override
    public void stop() {
        forwarding = false;
        if (out != null) {
            out.release();
            out = null;
        }
        abort();
    }

    @Override
    public DownstreamReply finish() throws DownstreamException {
        if (forwarding) dataAccepted();
        if (failure != null) throw failure;
        if (dataReply == null) throw new DownstreamException("the message was not forwarded");
        if (dataReply.code() != 354) return dataReply;
        ByteBuf last = out != null ? out : conn.alloc().buffer(0);
        out = null;
        forwarding = false;
        DownstreamReply r = conn.finish(last, relay.dataTimeout());
        inData = false;
        return r;
    }

    /**
     * Ends the transaction. During DATA (a refused message) the connection is dropped, which makes
     * the downstream discard the partial message; otherwise it is reset and pooled.
     */
    @Override
    public void close() {
        if (out != null) {
            out.release();
            out = null;
        }
        if (conn == null) return;
        DownstreamConnection c = conn;
        conn = null;
        if (inData || !c.usable()) {
            c.abort();
            return;
        }
        if (mailReply != null) {
            try {
                DownstreamReply r = c.command("RSET", relay.commandTimeout());
                if (!r.positive()) {
                    c.abort();
                    return;
                }
            } catch (DownstreamException e) {
                return;
            }
        }
        relay.release(c);
    }

    @Override
    public void completed() {
        if (conn == null) return;
        DownstreamConnection c = conn;
        conn = null;
        relay.release(c);
    }

    /** Drops the connection (abort during DATA). */
    private void abort() {
        if (conn != null) conn.abort();
        conn = null;
        inData = false;
    }
}
