// The SMTP door's side of the dialogue files (src/test/resources/dialogues): a client's lines
// through the in-memory SMTP door with the production framing (InMemorySmtp.feedFramed), the reply
// lines and the downstream's events back.
package org.mxfront.smtp;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** Runs a dialogue through the SMTP door. */
public final class SmtpDialogue {
    private SmtpDialogue() {}

    /** What came back: every reply line, the downstream's events in order, whether the door closed. */
    public record Result(List<String> replies, List<String> events, boolean closed) {}

    /**
     * @param clientIp the client's address
     * @param yaml     configuration laid over the embedded defaults (server.hostname is mx.test)
     * @param client   the client's bytes
     */
    public static Result run(String clientIp, String yaml, String client) throws Exception {
        InMemorySmtp smtp = new InMemorySmtp(clientIp, yaml);
        List<String> replies = smtp.feedFramed(client.getBytes(StandardCharsets.UTF_8));
        return new Result(replies, List.copyOf(smtp.downstream.events), smtp.closed);
    }
}
