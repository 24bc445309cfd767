// Gives every client its verified host name at connect (dns.client-names: true), so the decision
// log says host[ip] and XFORWARD NAME tells Postfix the name, as Postfix's own smtpd would.
// Costs at most dns.timeout per connection, and nothing more when the answer is cached.
package org.mxfront.dns;

import org.mxfront.mail.ClientEnricher;
import org.mxfront.mail.ClientInfo;

/** Sets {@link ClientInfo#reverseName()} to the forward-confirmed PTR name, when there is one. */
public final class ReverseNameEnricher implements ClientEnricher {
    private final DnsResolver dns;

    public ReverseNameEnricher(DnsResolver dns) {
        this.dns = dns;
    }

    @Override
    public ClientInfo enrich(ClientInfo client) {
        if (client.reverseName() != null) return client;
        ReverseName r = dns.reverse(client.address()).join(); // completes within dns.timeout
        return r.status() == ReverseName.Status.VERIFIED ? client.withReverseName(r.name()) : client;
    }

    /** Blocks only while the PTR (and its forward confirmation) is not answered yet; cached answers are ready. */
    @Override
    public boolean mayBlock(ClientInfo client) {
        return client.reverseName() == null && !dns.reverse(client.address()).isDone();
    }
}
