// The downstream leg as a door sees it: open a transaction for a client, relay its envelope, stream
// its message as un-stuffed lines, get the downstream's verdict. No Netty type crosses this line, so
// the SMTP conversation can be driven in a unit test against a downstream of the test's own.
package org.mxfront.relay;

import java.util.List;
import java.util.Set;
import org.mxfront.mail.ClientInfo;

/** Where accepted mail goes. {@link DownstreamRelay} is the real one (a pooled Netty SMTP client). */
public interface Downstream {

    /**
     * The extensions of the downstream as last seen, or null when it has not been reached yet.
     * The SMTP door advertises 8BITMIME, DSN and SMTPUTF8 only when the downstream has them.
     */
    Set<String> knownExtensions();

    /** Starts a transaction for a client; nothing is sent until the first recipient. */
    Transaction open(ClientInfo client, String helo, boolean esmtp);

    /** The downstream side of one transaction. Used by one session thread. */
    interface Transaction {
        /** Remembers the sender and the MAIL parameters to pass on; MAIL is sent with the first recipient. */
        void mail(String sender, List<String> params);

        /**
         * Relays one recipient with its RCPT parameters as the client wrote them (NOTIFY=, ORCPT=,
         * already validated): its reply, or the downstream's refusal of MAIL.
         */
        DownstreamReply rcpt(String recipient, List<String> params) throws DownstreamException;

        /** Sends DATA; its reply is collected before the first data goes out (see {@link #finish}). */
        void startData() throws DownstreamException;

        /**
         * Forwards one line of the message (un-stuffed from DATA, or as it came in a BDAT chunk), or a piece of a long one (the transaction does
         * the dot-stuffing and line ends). Returns false once forwarding has stopped: the downstream
         * refused DATA or failed, which {@link #finish} then reports.
         */
        boolean line(byte[] buf, int len, boolean complete, boolean continued);

        /** Stops forwarding this message (it is refused): the downstream connection is dropped, nothing is delivered. */
        void stop();

        /**
         * Ends the message: the downstream's reply to it, or its refusal of DATA.
         *
         * @throws DownstreamException the downstream failed (down, stalled past its timeout, gone)
         */
        DownstreamReply finish() throws DownstreamException;

        /** After a 250 for the message: the connection is clean and goes back to the pool. */
        void completed();

        /** Ends the transaction: reset and pooled, or dropped when it was in DATA. */
        void close();
    }
}
