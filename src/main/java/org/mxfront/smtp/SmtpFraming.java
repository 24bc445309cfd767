// The framing around the conversation that is ours and not SubEtha's: SubEtha's session reads
// command lines (its CRLFTerminatedReader, byte by byte over a BufferedInputStream) and hands each to
// the verb handlers SmtpFrontDoor registers; after 354, or with a BDAT chunk, this pumps the raw bytes
// into the conversation and gives back what it did not take (pipelined commands after the final dot)
// by mark/reset, so the command loop reads them next. Socket-free: SmtpFramingTest runs it in memory.
package org.mxfront.smtp;

import java.io.BufferedInputStream;
import java.io.IOException;

/** Message bytes from the session's input into the conversation. */
final class SmtpFraming {
    private SmtpFraming() {}

    /** After 354: the raw message bytes go to the conversation until the final dot; what follows stays for the command loop. */
    static void pumpData(SmtpConversation c, BufferedInputStream in) throws IOException {
        byte[] chunk = new byte[DataReader.CHUNK];
        try {
            while (c.inData()) {
                in.mark(DataReader.CHUNK);
                int n = in.read(chunk, 0, DataReader.CHUNK);
                if (n < 0) {
                    c.clientGone();
                    return;
                }
                int used = c.data(chunk, 0, n);
                if (used < n) {
                    in.reset();
                    long skip = used;
                    while (skip > 0) skip -= in.skip(skip);
                }
            }
        } catch (IOException e) {
            c.clientGone();
            throw e;
        }
    }
}
