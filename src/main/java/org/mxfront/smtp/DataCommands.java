// DATA and BDAT (RFC 3030): the message bytes after 354 or in counted chunks, read alike into an
// IncomingMessage and forwarded as DATA; the end of the message asks the engine, then the
// downstream, and only the downstream's 250 becomes the client's 250. A refused BDAT's chunk is
// still read (and thrown away), so message bytes never turn into commands.
package org.mxfront.smtp;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.mxfront.codes.Code;
import org.mxfront.codes.Reply;
import org.mxfront.policy.Decision;
import org.mxfront.policy.DecisionLog;
import org.mxfront.policy.Stage;
import org.mxfront.policy.Verdict;
import org.mxfront.relay.DownstreamException;
import org.mxfront.relay.DownstreamReply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** DATA, BDAT and the message bytes they bring. */
final class DataCommands {
    private static final Logger LOG = LoggerFactory.getLogger(SmtpConversation.class);
    private static final Logger DECISIONS = LoggerFactory.getLogger("mxfront.decision");

    private DataCommands() {}

    static void data(SmtpState s, String arg) throws IOException {
        if (!arg.isBlank()) {
            s.error(501, "5.5.4", "Syntax: DATA");
            return;
        }
        if (s.outOfSequence(SmtpVerbs.DATA)) return;
        if (s.acceptedRecipients == 0) {
            s.error(554, "5.5.1", "Error: no valid recipients");
            return;
        }
        try {
            // The downstream's answer to DATA is collected before the first data goes out; a refusal
            // there is the client's answer at the end of its message.
            s.downstream.startData();
        } catch (DownstreamException e) {
            DownstreamRefusals.failed(s, Stage.END_OF_DATA, e);
            s.endTransaction();
            return;
        }
        s.deadline = System.nanoTime() + s.smtp.dataTimeout().toNanos();
        s.policy.openMessage();
        s.message = new IncomingMessage(s, false);
        if (s.smtp.receivedHeader()) s.message.prepend(ReceivedHeader.of(s));
        s.transport.send("354 End data with <CR><LF>.<CR><LF>");
    }

    /**
     * BDAT count [LAST]. The chunk's bytes follow the command line at once, so they are read even
     * when the command is refused (then thrown away, and the refusal sent after them): a refused BDAT
     * never turns message bytes into commands. Only a count that cannot be read leaves the bytes to
     * the command loop (as in Postfix: 501 5.5.4, the session goes on). The message goes downstream
     * as DATA; each chunk but the last gets 250 once read, LAST gets the downstream's answer.
     */
    static void bdat(SmtpState s, String arg) throws IOException {
        long n = DataCommands.bdatCount(arg);
        if (n < 0) {
            s.error(501, "5.5.4", "Syntax: BDAT count [LAST]");
            return;
        }
        boolean last = arg.trim().split(" +").length == 2;
        if (s.message == null) {
            SmtpState.Answer refusal = null;
            if (s.chunkRefused) {
                // pipelined after a refused chunk: the client could not know yet; not counted again
                refusal = () -> s.ok(503, "5.5.1", "Error: the message was refused at an earlier chunk; send MAIL to start again");
            } else if (s.sender == null) {
                refusal = () -> s.error(503, "5.5.1", "Error: need MAIL command");
            } else if (s.acceptedRecipients == 0) {
                refusal = () -> s.error(554, "5.5.1", "Error: no valid recipients");
            } else {
                try {
                    s.downstream.startData();
                } catch (DownstreamException e) {
                    refusal = () -> {
                        DownstreamRefusals.failed(s, Stage.END_OF_DATA, e);
                        s.endTransaction();
                    };
                }
            }
            if (refusal != null) {
                DataCommands.discard(s, n, refusal);
                return;
            }
            s.policy.openMessage();
            s.message = new IncomingMessage(s, true);
            if (s.smtp.receivedHeader()) s.message.prepend(ReceivedHeader.of(s));
        }
        s.chunkSize = n;
        s.chunkLast = last;
        if (n == 0) {
            endOfChunk(s);
            return;
        }
        s.chunkLeft = n;
        s.deadline = System.nanoTime() + s.smtp.dataTimeout().toNanos();
    }

    /** The count of "BDAT count [LAST]", or -1 when the argument is not that. */
    static long bdatCount(String arg) {
        String[] a = arg.trim().split(" +");
        if (arg.isBlank() || a.length > 2 || !a[0].matches("\\d{1,18}") || a.length == 2 && !a[1].equalsIgnoreCase("LAST")) {
            return -1;
        }
        return Long.parseLong(a[0]);
    }

    /** Reads a refused BDAT's chunk and throws it away; the answer goes out after its last byte. */
    static void discard(SmtpState s, long n, SmtpState.Answer answer) throws IOException {
        if (n == 0) {
            answer.send();
            return;
        }
        s.discardAnswer = answer;
        s.chunkLeft = n;
        s.deadline = System.nanoTime() + s.smtp.dataTimeout().toNanos();
    }

    /** The chunk's bytes are all read: 250 for it, the message's answer after LAST, or the message's refusal. */
    private static void endOfChunk(SmtpState s) throws IOException {
        IncomingMessage m = s.message;
        if (!s.chunkLast) {
            Decision early = m.refusal();
            if (early == null) {
                s.ok(250, "2.0.0", "Ok: " + s.chunkSize + " bytes");
                return;
            }
            s.downstream.stop();
            s.meters.transaction(early.reply().code(), m.bytes);
            s.chunkRefused = true;
            s.decision(early);
            s.endTransaction();
            return;
        }
        m.reader.finish(m);
        s.message = null;
        finishData(s, m);
    }

    /**
     * Message bytes after 354, as they arrive. Returns how many were taken: all of them, or, when
     * they complete the message (CRLF.CRLF), those up to and including the terminator; the rest are
     * commands again (pipelined after the dot).
     */
    static int bytes(SmtpState s, byte[] buf, int off, int len) throws IOException {
        if (s.chunkLeft >= 0) return chunk(s, buf, off, len);
        IncomingMessage m = s.message;
        if (m == null) throw new IllegalStateException("not in DATA");
        int end = m.reader.feed(buf, off, len, m);
        if (end < 0) return len;
        s.message = null;
        finishData(s, m);
        s.armCommandDeadline();
        return end - off;
    }

    /** BDAT chunk bytes: takes at most what is left of the chunk; the rest is commands again. */
    private static int chunk(SmtpState s, byte[] buf, int off, int len) throws IOException {
        int take = (int) Math.min(len, s.chunkLeft);
        if (s.discardAnswer == null) s.message.reader.feed(buf, off, take, s.message);
        s.chunkLeft -= take;
        if (s.chunkLeft > 0) return take;
        s.chunkLeft = -1;
        SmtpState.Answer a = s.discardAnswer;
        s.discardAnswer = null;
        if (a != null) a.send();
        else endOfChunk(s);
        if (!s.closed) s.armCommandDeadline();
        return take;
    }

    /**
     * The client hung up (or shut down its sending side) in DATA or in a BDAT chunk: nothing is
     * relayed and nobody is left to answer.
     */
    static void clientGone(SmtpState s) {
        if (s.message == null && s.chunkLeft < 0) return;
        s.chunkLeft = -1;
        s.discardAnswer = null;
        LOG.info("client {} closed the connection during {}", s.policy.facts().client().logName(),
                s.message != null && s.message.chunked ? "BDAT" : "DATA");
        if (s.message != null) s.downstream.stop();
        s.message = null;
        s.endTransaction();
        s.close();
    }

    private static void finishData(SmtpState s, IncomingMessage m) throws IOException {
        Decision d;
        if (m.reader.sawBareNewline() && s.smtp.bareNewline() == SmtpSettings.BareNewline.REJECT) {
            d = s.policy.refuse(Stage.END_OF_DATA, Verdict.reject(Code.BARE_NEWLINE, Map.of()), "bare-newline");
        } else {
            d = m.headerDecision != null ? m.headerDecision : s.policy.headers(m.headers.section());
            if (d.proceed()) d = s.policy.endOfData(m.bytes);
        }
        if (!d.proceed()) {
            s.downstream.stop();
            s.meters.transaction(d.reply().code(), m.bytes);
            if (m.chunked) s.chunkRefused = true;
            s.decision(d);
            s.endTransaction();
            return;
        }
        if (!m.release()) {
            s.downstream.stop();
            s.decision(s.policy.refuse(Stage.END_OF_DATA, Verdict.defer(Code.INTERNAL, Map.of()), "held-message"));
            s.endTransaction();
            return;
        }
        DownstreamReply dr;
        try {
            dr = s.downstream.finish();
        } catch (DownstreamException e) {
            DownstreamRefusals.failed(s, Stage.END_OF_DATA, e);
            s.endTransaction();
            return;
        }
        if (dr.code() == 354) throw new IllegalStateException("finish() returned 354");
        s.meters.transaction(dr.code() == 250 ? 250 : dr.code() == 421 ? 451 : dr.code(), m.bytes);
        if (dr.code() == 250) {
            s.errors = 0; // forgiven, as Postfix does after each delivered message
            s.downstream.completed();
            accepted(s, m.bytes, dr);
            s.send(new Reply(250, dr.enhanced() != null ? dr.enhanced() : "2.0.0", dr.lines()));
        } else {
            if (m.chunked) s.chunkRefused = true;
            s.decision(DownstreamRefusals.render(s, Stage.END_OF_DATA, dr, null));
        }
        s.endTransaction();
    }

    /** A message was accepted downstream: one decision log line. */
    private static void accepted(SmtpState s, long bytes, DownstreamReply dr) {
        // the line, and the same decision to the feed (the console's live view, dashboard and journal)
        Reply r = new Reply(dr.code(), dr.enhanced(), List.of(dr.text()));
        s.policy.engine().decisionLog().accepted("END-OF-MESSAGE", s.policy.facts(), r,
                " size=" + bytes + " nrcpt=" + s.policy.recipients().size());
    }
}
