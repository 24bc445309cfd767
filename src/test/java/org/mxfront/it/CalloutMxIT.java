// Callouts that find their target in DNS: nsd serves the domain's MX (and a null MX), the MX host's
// address is 127.0.0.1 and callout.port is a real private Postfix's (virtual_mailbox_maps). The
// recipients check's callout source and sender verification both ask that Postfix; a domain whose
// MX says it takes no mail gives a tempfail, never a 5xx. (Sender verification skips local domains:
// the senders are at senders.test, whose MX is the same Postfix.)
package org.mxfront.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class CalloutMxIT {
    @RegisterExtension
    static final SinkFixture sink = new SinkFixture();
    @RegisterExtension
    static final PostfixFixture postfix = new PostfixFixture(sink, List.of(
            "virtual_mailbox_domains=viamx.test, senders.test", "virtual_mailbox_maps=inline:{alice@viamx.test=x, alice@senders.test=x}"));
    @RegisterExtension
    static final NsdFixture nsd = new NsdFixture(Map.of("test", Nsd.zoneHead("test") + """
            viamx        IN MX  10 mx.viamx.test.
            viamx        IN MX  20 backup.viamx.test.
            mx.viamx     IN A   127.0.0.1
            backup.viamx IN A   127.0.0.9
            nullmx       IN MX  0 .
            senders      IN MX  10 mx.viamx.test.
            """));
    @RegisterExtension
    static final MxfrontFixture mx = MxfrontFixture.relayingTo(sink).with(() -> """
            dns: {resolvers: ["127.0.0.1:%1$d"]}
            checks:
              relay: {}
              sender-verify: {port: %2$d}
              recipients: {callout: {port: %2$d}}
            domains:
              viamx.test: {checks: {recipients: {enabled: true, source: callout}}}
              nullmx.test: {checks: {recipients: {enabled: true, source: callout}}}
            """.formatted(nsd.port(), postfix.port()), nsd, postfix);

    @Test
    void theLowestMxIsAsked() throws Exception {
        List<String> r = new ArrayList<>();
        try (SmtpClient c = FrontDoorIT.hello(mx, "127.0.0.51", "client.sender.example")) {
            r.addAll(c.command("MAIL FROM:<alice@senders.test>"));
            r.addAll(c.command("RCPT TO:<alice@viamx.test>"));
            r.addAll(c.command("RCPT TO:<nobody@viamx.test>"));
            r.addAll(c.command("RCPT TO:<x@nullmx.test>"));
            // postmaster (any case) and abuse are accepted without asking: the target does not list them
            r.addAll(c.command("RCPT TO:<Postmaster@viamx.test>"));
            r.addAll(c.command("RCPT TO:<abuse@viamx.test>"));
            r.addAll(c.command("RCPT TO:<postmaster@nullmx.test>"));
            r.addAll(c.command("RSET"));
            r.addAll(c.command("MAIL FROM:<nobody@senders.test>"));
        }
        assertEquals(List.of("250 2.1.0 Ok", "250 2.1.5 Ok",
                "550-5.1.1 XM-RJCT08: Recipient <nobody@viamx.test> was refused by the domain's own mail server.",
                "550 5.1.1 [127.0.0.51] [mx.test]",
                "451-4.4.1 XM-RJCT79: Could not complete recipient callout for <x@nullmx.test>, please try again later.",
                "451 4.4.1 [127.0.0.51] [mx.test]",
                "250 2.1.5 Ok", "250 2.1.5 Ok", "250 2.1.5 Ok",
                "250 2.0.0 Ok",
                "550-5.1.7 XM-RJCT80: Sender address rejected: Sender Verify Failed for <nobody@senders.test>.",
                "550 5.1.7 [127.0.0.51] [mx.test]"), r);
    }
}
