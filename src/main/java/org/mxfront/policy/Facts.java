// Everything a check may look at, for one stage of one conversation. Transport-free on purpose:
// the SMTP front door, and later the policy-delegation and milter servers, all fill this record.
package org.mxfront.policy;

import java.util.List;

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
 */
public record Facts(ClientInfo client, String helo, Mailbox sender, long declaredSize, Mailbox recipient,
        List<Mailbox> recipients, HeaderSection headers, long messageBytes) {

    public static Facts connect(ClientInfo client) {
        return new Facts(client, null, null, 0, null, List.of(), null, 0);
    }

    public Facts withHelo(String h) {
        return new Facts(client, h, sender, declaredSize, recipient, recipients, headers, messageBytes);
    }

    public Facts withSender(Mailbox s, long size) {
        return new Facts(client, helo, s, size, null, List.of(), null, 0);
    }

    public Facts withRecipient(Mailbox r) {
        return new Facts(client, helo, sender, declaredSize, r, recipients, headers, messageBytes);
    }

    public Facts withRecipients(List<Mailbox> rs) {
        return new Facts(client, helo, sender, declaredSize, null, List.copyOf(rs), headers, messageBytes);
    }

    public Facts withHeaders(HeaderSection h) {
        return new Facts(client, helo, sender, declaredSize, null, recipients, h, messageBytes);
    }

    public Facts withMessageBytes(long n) {
        return new Facts(client, helo, sender, declaredSize, null, recipients, headers, n);
    }

    public Facts withClient(ClientInfo c) {
        return new Facts(c, helo, sender, declaredSize, recipient, recipients, headers, messageBytes);
    }
}
