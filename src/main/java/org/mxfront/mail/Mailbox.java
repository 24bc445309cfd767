// An envelope address as the client gave it, split and with the relay tricks it carries flagged.
package org.mxfront.mail;

import java.util.Locale;

/**
 * An envelope address. The null sender ({@code <>}) is {@link #NULL_SENDER}.
 *
 * @param localPart   the local part as sent (quotes kept)
 * @param domain      the domain, lower-cased (an address literal keeps its brackets); empty for the null sender
 * @param sourceRoute true when the path carried an RFC 5321 source route ({@code <@a,@b:user@c>})
 */
public record Mailbox(String localPart, String domain, boolean sourceRoute) {
    public static final Mailbox NULL_SENDER = new Mailbox("", "", false);

    public boolean isNullSender() { return localPart.isEmpty() && domain.isEmpty(); }

    /**
     * True for {@code <Postmaster>} without a domain, the one recipient RFC 5321 (4.1.1.3, 4.5.1) lets a
     * client give without one; it names the postmaster of the receiving host.
     */
    public boolean isBarePostmaster() { return domain.isEmpty() && "postmaster".equalsIgnoreCase(localPart); }

    /** The address without the angle brackets, as logs and replies print it. */
    public String address() { return domain.isEmpty() ? localPart : localPart + "@" + domain; }

    /** The local part without quotes and lower-cased, for comparisons such as {@code postmaster}. */
    public String plainLocalPart() {
        String lp = localPart;
        if (lp.length() >= 2 && lp.startsWith("\"") && lp.endsWith("\"")) lp = lp.substring(1, lp.length() - 1);
        return lp.toLowerCase(Locale.ROOT);
    }

    /**
     * True when the address asks a downstream MTA to route further: a source route, the percent hack
     * ({@code user%other@here}), a bang path ({@code other!user@here}) or an {@code @} hidden in a quoted
     * local part. None of these may be relayed for an outside client.
     */
    public boolean hasRelayTrick() {
        String lp = plainLocalPart();
        return sourceRoute || lp.indexOf('%') >= 0 || lp.indexOf('!') >= 0 || lp.indexOf('@') >= 0;
    }

    @Override
    public String toString() { return "<" + address() + ">"; }
}
