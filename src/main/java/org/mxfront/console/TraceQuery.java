// A message trace search: the fields a sender's complaint gives (sender, recipient, client address
// or network, HELO, session id, Postfix queue id, XM-RJCT code, time range) as one predicate over
// decisions. The console runs it over the in-memory feed (recent mail); the journal (issue 25 §2)
// runs the same fields as SQL.
package org.mxfront.console;

import java.net.InetAddress;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import org.mxfront.net.Networks;
import org.mxfront.policy.DecisionEvent;

/**
 * The search fields; empty strings match everything.
 *
 * @param from / to  a time range (ISO local date-time, UTC: 2026-12-07T02:30)
 */
public record TraceQuery(String sender, String recipient, String client, String helo, String session, String queueId,
        String code, String check, String outcome, String domain, String from, String to) {

    /** From query parameters. */
    public static TraceQuery of(Map<String, List<String>> p) {
        return new TraceQuery(v(p, "sender"), v(p, "recipient"), v(p, "client"), v(p, "helo"), v(p, "session"),
                v(p, "queue"), v(p, "code"), v(p, "check"), v(p, "outcome"), v(p, "domain"), v(p, "from"), v(p, "to"));
    }

    private static String v(Map<String, List<String>> p, String k) {
        List<String> l = p.get(k);
        return l == null || l.isEmpty() ? "" : l.get(0).strip();
    }

    /** True when no field is given. */
    public boolean empty() {
        return (sender + recipient + client + helo + session + queueId + code + check + outcome + domain + from + to).isEmpty();
    }

    /** The predicate; IllegalArgumentException for a malformed network or time. */
    public Predicate<DecisionEvent> predicate() {
        Predicate<DecisionEvent> p = e -> true;
        if (!sender.isEmpty()) p = p.and(e -> e.sender().equalsIgnoreCase(sender) || (sender.startsWith("@")
                && e.sender().toLowerCase(Locale.ROOT).endsWith(sender.toLowerCase(Locale.ROOT))));
        if (!recipient.isEmpty()) p = p.and(e -> e.recipients().stream().anyMatch(r -> r.equalsIgnoreCase(recipient)));
        if (!client.isEmpty()) {
            Networks n;
            try {
                n = Networks.parse(List.of(client));
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException("client: not an address or network: " + client);
            }
            p = p.and(e -> {
                try {
                    return n.contains(com.google.common.net.InetAddresses.forString(e.clientIp()));
                } catch (IllegalArgumentException ex) {
                    return false;
                }
            });
        }
        if (!helo.isEmpty()) p = p.and(e -> e.helo().equalsIgnoreCase(helo));
        if (!session.isEmpty()) p = p.and(e -> e.session().equalsIgnoreCase(session));
        if (!queueId.isEmpty()) p = p.and(e -> e.queueId().equalsIgnoreCase(queueId));
        if (!code.isEmpty()) p = p.and(e -> e.code().equalsIgnoreCase(code));
        if (!check.isEmpty()) p = p.and(e -> e.check().equalsIgnoreCase(check));
        if (!outcome.isEmpty()) p = p.and(e -> e.outcome().equals(outcome));
        if (!domain.isEmpty()) {
            String d = domain.toLowerCase(Locale.ROOT);
            p = p.and(e -> e.recipientDomains().contains(d));
        }
        if (!from.isEmpty()) {
            long t = millis(from, "from");
            p = p.and(e -> e.timeMillis() >= t);
        }
        if (!to.isEmpty()) {
            long t = millis(to, "to");
            p = p.and(e -> e.timeMillis() <= t);
        }
        return p;
    }

    private static long millis(String s, String field) {
        try {
            return LocalDateTime.parse(s).toInstant(ZoneOffset.UTC).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(field + ": expected a time such as 2026-12-07T02:30 (UTC)");
        }
    }
}
