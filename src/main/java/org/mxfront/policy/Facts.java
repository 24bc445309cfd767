// Everything a check may look at, for one stage of one conversation. Transport-free on purpose:
// the SMTP front door, and later the policy-delegation and milter servers, all fill this record.
package org.mxfront.policy;

import java.util.List;
import org.mxfront.mail.ClientInfo;
import org.mxfront.mail.Mailbox;

/**
 * The facts of a conversation at one stage. Fields not yet known at that stage are null
 * (or 0, or empty).
 *
 * @param client        the client
 * @param helo          the HELO/EHLO argument, null before any
 * @param sender        the envelope sender from MAIL stage on
 * @param declaredSize  the client's SIZE= value, 0 when none (Long.MAX_VALUE when it overflowed)
 * @param recipient     the recipient being decided at RCPT stage
 * @param recipients    recipients accepted so far in this transaction
 * @param headers       the header section, from HEADERS stage on
 * @param messageBytes  bytes of message data received, at END_OF_DATA
 * @param state         the connection's scratch space for checks (the same object at every stage)
 */
public record Facts(ClientInfo client, String helo, Mailbox sender, long declaredSize, Mailbox recipient,
        List<Mailbox> recipients, HeaderSection headers, long messageBytes, SessionState state) {

    public static Facts connect(ClientInfo client) {
        return new Facts(client, null, null, 0, null, List.of(), null, 0, new SessionState());
    }

    public Facts withHelo(String h) {
        return new Facts(client, h, sender, declaredSize, recipient, recipients, headers, messageBytes, state);
    }

    public Facts withSender(Mailbox s, long size) {
        return new Facts(client, helo, s, size, null, List.of(), null, 0, state);
    }

    public Facts withRecipient(Mailbox r) {
        return new Facts(client, helo, sender, declaredSize, r, recipients, headers, messageBytes, state);
    }

    public Facts withRecipients(List<Mailbox> rs) {
        return new Facts(client, helo, sender, declaredSize, null, List.copyOf(rs), headers, messageBytes, state);
    }

    public Facts withHeaders(HeaderSection h) {
        return new Facts(client, helo, sender, declaredSize, null, recipients, h, messageBytes, state);
    }

    public Facts withMessageBytes(long n) {
        return new Facts(client, helo, sender, declaredSize, null, recipients, headers, n, state);
    }

    public Facts withClient(ClientInfo c) {
        return new Facts(c, helo, sender, declaredSize, recipient, recipients, headers, messageBytes, state);
    }
}
