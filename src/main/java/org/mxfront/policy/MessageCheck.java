// Checks that read the message itself (attachments, viruses, ...) stream it as it arrives, so no
// message is ever held whole in memory. The engine opens one reader per message and asks it for
// its verdict at the final dot.
package org.mxfront.policy;

/**
 * A check that reads message content. Its {@link #evaluate} is still called for the other stages it
 * lists; at END_OF_DATA the engine asks the reader opened for the message instead.
 */
public interface MessageCheck extends Check {
    /**
     * Opens a reader for one message, at DATA, under the transaction's content policy.
     * Called on the session's thread.
     */
    MessageReader open(Facts facts);

    /** Reads one message. Used by one session thread; closed in every case (accepted, refused, aborted). */
    interface MessageReader extends AutoCloseable {
        /**
         * Message bytes as they arrive: un-stuffed, lines ending in CRLF, the header section included.
         * Must not block for long: the client is waiting (hand heavy work to the reader's own thread).
         */
        void write(byte[] buf, int off, int len);

        /**
         * Whether {@link #write} of {@code len} more bytes may wait (a full hand-over queue). A door with
         * an event loop passes bytes there when no reader may wait. True unless the reader knows better.
         */
        default boolean mayBlock(int len) {
            return true;
        }

        /** Whether {@link #finish} may wait (a scan still running, a scanner over the network). True unless known otherwise. */
        default boolean finishMayBlock() {
            return true;
        }

        /** The verdict on the whole message, at the final dot. May block within the check's own timeout. */
        Verdict finish(Facts facts);

        /** Releases what the reader holds (spool files, connections). */
        @Override
        void close();
    }
}
