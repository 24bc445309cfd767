// The `callout` recipient source: the domain's own server (a configured host:port, or its MX) is
// asked RCPT TO without mail being sent. 2xx: the address exists; 5xx: it does not (XM-RJCT08, the
// seed's "call forward rejected"); 4xx, a timeout or no connection: unavailable (the seed's "could
// not complete recipient callout"), which the check turns into a tempfail or an accept.
package org.mxfront.recipients;

/** Recipient lookups by SMTP callout. Thread-safe. */
public final class CalloutSource implements RecipientSource {
    private final Callout callout;
    private final MxTargets targets;

    public CalloutSource(Callout callout, MxTargets targets) {
        this.callout = callout;
        this.targets = targets;
    }

    @Override
    public String kind() { return "callout"; }

    @Override
    public Lookup lookup(String localPart, String domain) {
        MxTargets.Target t = targets.find(domain);
        return switch (t) {
            case MxTargets.Target.Unknown u -> new Lookup.Unavailable(u.why());
            case MxTargets.Target.None n -> new Lookup.Unavailable(n.why());
            case MxTargets.Target.Found f -> switch (callout.probe(f.address(), "", localPart + "@" + domain)) {
                case Callout.Answer.Accepted a -> new Lookup.Found(f.address() + " said " + a.reply().code());
                case Callout.Answer.Refused r -> new Lookup.NotFound(f.address() + " said " + r.reply());
                case Callout.Answer.Failed x -> new Lookup.Unavailable(x.why());
            };
        };
    }
}
