// One message on its way in (DATA or BDAT): its lines through the DataReader, the header section
// collected for the checks, the bytes counted against the size limit and streamed to the engine's
// content checks, and onward to the downstream as they come, or held when a check adds headers at
// the end (HeldMessage). Refused mid-way, nothing more goes out.
package org.mxfront.smtp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.mxfront.codes.Code;
import org.mxfront.policy.AddedHeader;
import org.mxfront.policy.Decision;
import org.mxfront.policy.HeaderCollector;
import org.mxfront.policy.HeaderRemoval;
import org.mxfront.policy.ReplacedHeader;
import org.mxfront.policy.Stage;
import org.mxfront.policy.Verdict;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One message in DATA or BDAT: reads it, collects headers, counts bytes, hands it to the checks and the downstream. */
final class IncomingMessage implements DataReader.LineSink {
    private static final Logger LOG = LoggerFactory.getLogger(SmtpConversation.class);
    private static final int HEADER_COLLECT_LIMIT = 256 * 1024;
    private static final byte[] CRLF = {'\r', '\n'};
    private static final Pattern CRLF_SPLIT = Pattern.compile("\r\n", Pattern.LITERAL);

    private final SmtpState s;
    final boolean chunked;
    final DataReader reader;
    final HeaderCollector headers = new HeaderCollector(HEADER_COLLECT_LIMIT);
    final long limit;
    final boolean readers;
    long bytes;
    Decision headerDecision;
    boolean forwarding = true;

    /** Drops the incoming header fields a check asked to remove (forged Authentication-Results). */
    final HeaderStripper stripper;

    IncomingMessage(SmtpState s, boolean chunked) {
        this.s = s;
        this.chunked = chunked;
        this.limit = s.policy.maxMessageBytes();
        this.readers = s.policy.readsMessage();
        this.reader = new DataReader(s.smtp.bareNewline() == SmtpSettings.BareNewline.NORMALIZE, chunked);
        s.releaseHeld();
        if (AddedHeader.takeExpectedAtEnd(s.policy.facts().state())) s.held = new HeldMessage();
        this.stripper = new HeaderStripper(HeaderRemoval.of(s.policy.facts().state()), this::send);
    }

    /** Onward: to the downstream as it comes, or into the held copy. */
    private void send(byte[] buf, int len, boolean complete, boolean continued) {
        if (!forwarding) return;
        if (s.held != null) s.held.line(buf, len, complete);
        else forwarding = s.downstream.line(buf, len, complete, continued);
    }

    /**
     * The message passed the checks: the headers they added go first, then the held message (or
     * the rest of a streamed one). False when the held copy is lost (spool I/O error).
     */
    boolean release() {
        stripper.finish();
        List<AddedHeader> added = AddedHeader.take(s.policy.facts().state());
        if (s.held == null) {
            if (!added.isEmpty()) LOG.debug("{} header(s) added at end of message not passed on: the message was not held", added.size());
            return true;
        }
        if (s.held.failure() != null) {
            LOG.error("holding a message for {} failed: {}", s.policy.facts().client().logName(), s.held.failure().getMessage());
            return false;
        }
        for (AddedHeader h : added) {
            for (String l : CRLF_SPLIT.split(h.name() + ": " + h.value())) {
                byte[] b = l.getBytes(StandardCharsets.UTF_8);
                if (forwarding) forwarding = s.downstream.line(b, b.length, true, false);
            }
        }
        try {
            // fields a check rewrites in place (the spam check's subject) are replaced as they pass
            s.held.replay(new HeaderReplacer(ReplacedHeader.take(s.policy.facts().state()),
                    (buf, len, complete, continued) -> forwarding = forwarding && s.downstream.line(buf, len, complete, continued)));
        } catch (IOException e) {
            LOG.error("replaying a held message for {} failed: {}", s.policy.facts().client().logName(), e.getMessage());
            return false;
        }
        return true;
    }

    /** A refusal known before the end of the message (bare CR/LF, the headers, the size), or null. */
    Decision refusal() {
        if (reader.sawBareNewline() && s.smtp.bareNewline() == SmtpSettings.BareNewline.REJECT) {
            return s.policy.refuse(Stage.END_OF_DATA, Verdict.reject(Code.BARE_NEWLINE, Map.of()), "bare-newline");
        }
        if (headerDecision != null && !headerDecision.proceed()) return headerDecision;
        if (bytes > limit) {
            return s.policy.refuse(Stage.END_OF_DATA, Verdict.reject(Code.MESSAGE_TOO_LARGE,
                    Map.of("limit", Long.toString(limit))), "message-size");
        }
        return null;
    }

    /**
     * Lines of our own put before the client's message (the Received header): the checks and the
     * downstream see them as part of the message (they count toward the hop limit); the size
     * limit counts only the client's bytes.
     */
    void prepend(String header) {
        for (String l : CRLF_SPLIT.split(header)) {
            byte[] b = l.getBytes(StandardCharsets.UTF_8);
            if (!headers.done() && headers.line(b, b.length, true, false)) headerDecision = s.policy.headers(headers.section());
            if (readers) {
                s.policy.messageBytes(b, 0, b.length);
                s.policy.messageBytes(CRLF, 0, 2);
            }
            send(b, b.length, true, false);
        }
    }

    @Override
    public void line(byte[] buf, int len, boolean complete, boolean continued) {
        bytes += len + (complete ? 2 : 0);
        if (!headers.done() && headers.line(buf, len, complete, continued)) {
            headerDecision = s.policy.headers(headers.section());
        }
        if (readers && bytes <= limit) {
            s.policy.messageBytes(buf, 0, len);
            if (complete) s.policy.messageBytes(CRLF, 0, 2);
        }
        if (!forwarding) return;
        if (bytes > limit || reader.sawBareNewline() && s.smtp.bareNewline() == SmtpSettings.BareNewline.REJECT
                || headerDecision != null && !headerDecision.proceed()) {
            // refused whatever the downstream says: nothing more goes out, nothing is delivered
            forwarding = false;
            s.downstream.stop();
            return;
        }
        stripper.line(buf, len, complete, continued);
    }
}
