// SpamAssassin's spamd protocol (what spamc speaks), one TCP connection per message:
//   SYMBOLS SPAMC/1.5 CRLF Content-length: N CRLF User: U CRLF CRLF <message>
// answered by "SPAMD/1.1 0 EX_OK", headers ("Spam: True ; 1000.0 / 5.0", Content-length) and the
// matched rule names, comma-separated, as the body. Learning is TELL with Message-class and
// Set: local (spamd must run with --allow-tell). The answer is read by WireReader (rspamd's client
// reads its HTTP answers with it too). A socket timeout bounds every read; a total deadline,
// checked between reads, bounds the whole exchange.
package org.mxfront.spam;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A client of one spamd. Thread-safe: every call has its own connection. */
public final class SpamdClient implements SpamBackend {
    /** spamd's SYMBOLS answer is a list of rule names; a larger body is not spamd's. */
    private static final int MAX_BODY = 64 * 1024;

    private final InetSocketAddress address;
    private final String user;
    private final Duration connectTimeout;
    private final Duration timeout;

    /** @param user the spamd user name sent as {@code User:} (null or empty: none) */
    public SpamdClient(InetSocketAddress address, String user, Duration connectTimeout, Duration timeout) {
        this.address = address;
        this.user = user == null || user.isBlank() ? null : user;
        this.connectTimeout = connectTimeout;
        this.timeout = timeout;
    }

    @Override
    public String name() { return "spamd"; }

    /** The answer's headers and body. */
    record Answer(int status, String statusText, Map<String, String> headers, String body) {}

    @Override
    public SpamResult check(SpamEnvelope e, InputStream message, long size) throws IOException {
        Answer a = exchange("SYMBOLS", Map.of(), message, size);
        if (a.status != 0) throw new SpamProtocolException("spamd answered " + a.status + " " + a.statusText);
        String spam = a.headers.get("spam");
        if (spam == null) throw new SpamProtocolException("spamd's answer has no Spam: header");
        // "True ; 1000.0 / 5.0"
        String[] parts = spam.split("[;/]");
        if (parts.length != 3) throw new SpamProtocolException("spamd's Spam: header is unreadable: " + spam);
        double score;
        double required;
        try {
            score = Double.parseDouble(parts[1].strip());
            required = Double.parseDouble(parts[2].strip());
        } catch (NumberFormatException x) {
            throw new SpamProtocolException("spamd's Spam: header is unreadable: " + spam);
        }
        boolean isSpam = parts[0].strip().equalsIgnoreCase("true") || parts[0].strip().equalsIgnoreCase("yes");
        List<SpamResult.Symbol> symbols = new ArrayList<>();
        for (String s : a.body.strip().split(",")) {
            if (!s.isBlank()) symbols.add(new SpamResult.Symbol(s.strip(), 0, List.of()));
        }
        return new SpamResult(isSpam ? SpamAction.ADD_HEADER : SpamAction.NO_ACTION, score, required, symbols, null,
                List.of(), List.of());
    }

    @Override
    public String learn(boolean spam, byte[] message) throws IOException {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Message-class", spam ? "spam" : "ham");
        h.put("Set", "local");
        Answer a = exchange("TELL", h, new ByteArrayInputStream(message), message.length);
        if (a.status != 0) throw new IOException("spamd answered " + a.status + " " + a.statusText
                + (a.status == 69 ? " (is spamd running with --allow-tell?)" : ""));
        String did = a.headers.getOrDefault("didset", "");
        return did.isBlank() ? "spamd: already learned (DidSet: none)" : "spamd: DidSet: " + did;
    }

    private Answer exchange(String verb, Map<String, String> extra, InputStream message, long size) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Socket s = new Socket()) {
            s.connect(address, (int) Math.max(1, connectTimeout.toMillis()));
            s.setSoTimeout((int) Math.max(1, timeout.toMillis()));
            OutputStream out = s.getOutputStream();
            StringBuilder head = new StringBuilder(128);
            head.append(verb).append(" SPAMC/1.5\r\n").append("Content-length: ").append(size).append("\r\n");
            if (user != null) head.append("User: ").append(user).append("\r\n");
            extra.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
            head.append("\r\n");
            out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
            byte[] buf = new byte[65536];
            long left = size;
            while (left > 0) {
                int n = message.read(buf, 0, (int) Math.min(buf.length, left));
                if (n < 0) throw new IOException("the message ended " + left + " bytes early");
                out.write(buf, 0, n);
                left -= n;
                if (System.nanoTime() - deadline > 0) throw new SocketTimeoutException("spamd did not take the message within " + timeout);
            }
            out.flush();
            s.shutdownOutput();
            WireReader in = new WireReader(Channels.newChannel(s.getInputStream()), "spamd", deadline);
            String status = in.line();
            if (status == null) throw new SpamProtocolException("spamd closed the connection without an answer");
            // SPAMD/1.1 0 EX_OK
            String[] st = status.split(" ", 3);
            if (st.length < 2 || !st[0].startsWith("SPAMD/")) throw new SpamProtocolException("not a spamd answer: " + WireReader.excerpt(status));
            int code;
            try {
                code = Integer.parseInt(st[1]);
            } catch (NumberFormatException x) {
                throw new SpamProtocolException("not a spamd answer: " + WireReader.excerpt(status));
            }
            Map<String, String> headers = in.fields(50);
            String body = new String(in.body(headers, MAX_BODY), StandardCharsets.UTF_8);
            return new Answer(code, st.length > 2 ? st[2] : "", headers, body);
        } catch (SocketTimeoutException t) {
            throw new SocketTimeoutException("no answer from spamd " + address.getHostString() + ":" + address.getPort()
                    + " within " + timeout);
        }
    }
}
