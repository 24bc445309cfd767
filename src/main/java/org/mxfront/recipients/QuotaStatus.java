// A client of Dovecot's quota-status policy service (`quota-status -p postfix`): the way Dovecot
// itself tells Postfix that a mailbox is full. It speaks Postfix's policy protocol: one request
// (recipient, size) per connection, one `action=` line back. What quota_status_overquota answers
// (a 4xx/5xx text, REJECT, DEFER...) means "full"; DUNNO/OK (success, nouser) means "takes it"; a
// connection that fails, times out or answers garbage is "no answer", never "full".
package org.mxfront.recipients;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/** Asks the service one question per connection. Thread-safe (no shared state). */
public final class QuotaStatus {
    /** The service's answer. */
    public sealed interface Answer {
        /** The message fits (or the user is unknown to Dovecot: the recipients check decides that). */
        record Fits(String action) implements Answer {}

        /** The mailbox is full for a message of this size; {@code action} is what the service said. */
        record Full(String action) implements Answer {}

        /** No answer now. */
        record Unavailable(String why) implements Answer {}
    }

    private static final int MAX_REPLY = 4096;

    private final InetSocketAddress service;
    private final int timeoutMillis;

    /**
     * @param service the quota-status inet_listener's address
     * @param timeout to connect, and for the whole answer
     */
    public QuotaStatus(InetSocketAddress service, Duration timeout) {
        this.service = service;
        this.timeoutMillis = (int) Math.max(1, timeout.toMillis());
    }

    /**
     * Whether a message of {@code size} bytes fits the mailbox of {@code recipient}.
     *
     * @param size the SIZE= the client declared (0: unknown, Dovecot then checks the mailbox is not full already)
     */
    public Answer ask(String recipient, long size) {
        if (recipient.indexOf('\n') >= 0 || recipient.indexOf('\r') >= 0) return new Answer.Unavailable("address with a line break");
        String request = "request=smtpd_access_policy\nprotocol_state=RCPT\nprotocol_name=ESMTP\nrecipient=" + recipient
                + "\nsize=" + Math.max(0, size) + "\n\n";
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        try (Socket s = new Socket()) {
            s.connect(service, timeoutMillis);
            s.setSoTimeout(timeoutMillis);
            s.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            s.getOutputStream().flush();
            String reply = readReply(s.getInputStream(), deadline);
            for (String line : reply.split("\n")) {
                if (line.startsWith("action=")) return classify(line.substring(7).strip());
            }
            return new Answer.Unavailable("no action in the reply of " + text());
        } catch (IOException e) {
            return new Answer.Unavailable(text() + ": " + e.getMessage());
        }
    }

    /** The action words of Postfix's access(5) that quota-status can be told to answer. */
    static Answer classify(String action) {
        String word = action.split("\\s+", 2)[0].toUpperCase(Locale.ROOT);
        if (word.matches("[45]\\d\\d")) return new Answer.Full(action);
        return switch (word) {
            case "DUNNO", "OK", "PERMIT", "" -> new Answer.Fits(action);
            case "REJECT", "DEFER", "DEFER_IF_PERMIT", "DEFER_IF_REJECT" -> new Answer.Full(action);
            default -> new Answer.Unavailable("unexpected action '" + action + "'");
        };
    }

    private String readReply(InputStream in, long deadline) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(64);
        int prev = -1;
        while (b.size() < MAX_REPLY) {
            if (System.nanoTime() > deadline) throw new IOException("timed out");
            int c = in.read();
            if (c < 0) break;
            if (c == '\n' && prev == '\n') break;
            b.write(c);
            prev = c;
        }
        return b.toString(StandardCharsets.UTF_8);
    }

    private String text() {
        return "quota-status " + service.getHostString() + ":" + service.getPort();
    }

    @Override
    public String toString() {
        return text();
    }
}
