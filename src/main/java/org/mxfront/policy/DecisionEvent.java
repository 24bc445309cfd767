// One decision as a structured record, for the console's live view, dashboard and trace: the same
// facts as the decision log line (policy/DecisionLog), with fields instead of text. Published to
// the in-memory DecisionFeed; never written on the mail path to anything slower.
package org.mxfront.policy;

import java.util.List;
import java.util.Locale;

/**
 * A decision.
 *
 * @param timeMillis  when (epoch milliseconds)
 * @param door        {@code smtp}, {@code policy}, {@code milter}, or empty when unknown
 * @param action      {@code accept}, {@code reject}, {@code defer}, {@code disconnect}, {@code reject_warning}
 * @param stage       the SMTP stage as Postfix names it (CONNECT, HELO, MAIL, RCPT, DATA, END-OF-MESSAGE)
 * @param clientIp    the client's address
 * @param clientName  its verified reverse name, or {@code unknown}
 * @param helo        the HELO/EHLO argument, empty before any
 * @param sender      the envelope sender, empty for {@code <>} or before MAIL
 * @param recipients  the recipient being decided (RCPT) or those of the message
 * @param code        the catalogue id ({@code XM-RJCT06}), empty for an acceptance
 * @param check       the deciding check, empty when none
 * @param reply       the reply's lines as sent (with their SMTP codes)
 * @param session     the session id (the {@code id} of our Received header)
 * @param queueId     Postfix's queue id when the door knows it, else empty
 * @param findings    earlier log-only findings of the session, {@code check: reply text}
 */
public record DecisionEvent(long timeMillis, String door, String action, String stage, String clientIp, String clientName,
        String helo, String sender, List<String> recipients, String code, String check, List<String> reply,
        String session, String queueId, List<String> findings) {

    /** accepted, refused (5xx), deferred (4xx) or warned (log-only). */
    public String outcome() {
        if (action.equals("accept")) return "accepted";
        if (action.equals("reject_warning")) return "warned";
        if (!reply.isEmpty() && reply.get(0).startsWith("4")) return "deferred";
        return "refused";
    }

    /** The lower-case domains of the recipients. */
    public List<String> recipientDomains() {
        return recipients.stream().map(DecisionEvent::domainOf).filter(d -> !d.isEmpty()).distinct().toList();
    }

    /** The sender's domain, lower case, empty when none. */
    public String senderDomain() {
        return domainOf(sender);
    }

    static String domainOf(String address) {
        int at = address.lastIndexOf('@');
        return at < 0 ? "" : address.substring(at + 1).toLowerCase(Locale.ROOT);
    }
}
