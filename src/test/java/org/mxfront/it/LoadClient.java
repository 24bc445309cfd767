// The client side of the load-driven tests (kill -9, soak): one short SMTP session per call, from a
// chosen loopback address, each message marked with a unique Message-ID so the sink can be checked.
package org.mxfront.it;

import java.io.IOException;
import java.util.List;

final class LoadClient {
    private LoadClient() {}

    /**
     * Sends one message in its own session; returns the reply to the final dot (or to the first
     * command that failed). IOException when the server is gone or hangs up.
     */
    static String sendOne(int port, String source, String messageId, String recipient) throws IOException {
        try (SmtpClient c = new SmtpClient(source, port)) {
            c.timeout(java.time.Duration.ofSeconds(15));
            String r = first(c.reply());
            if (!r.startsWith("220")) return r;
            if (!(r = first(c.command("EHLO load.sender.example"))).startsWith("250")) return r;
            if (!(r = first(c.command("MAIL FROM:<load@sender.example>"))).startsWith("250")) return r;
            if (!(r = first(c.command("RCPT TO:<" + recipient + ">"))).startsWith("250")) return r;
            if (!(r = first(c.command("DATA"))).startsWith("354")) return r;
            r = first(c.command("Message-ID: <" + messageId + ">\r\nSubject: load " + messageId + "\r\n\r\n"
                    + "a line of load\r\n".repeat(20) + "."));
            c.command("QUIT");
            return r;
        }
    }

    private static String first(List<String> reply) throws IOException {
        if (reply.isEmpty()) throw new IOException("connection closed without a reply");
        // The last line of a multi-line reply carries the final code
        return reply.get(reply.size() - 1);
    }
}
