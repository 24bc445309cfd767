// mxfront in front of a real Postfix (private instance configured as the README's deployment guide
// says), which relays example.com to smtp-sink: accepted mail is queued and delivered by Postfix with
// the original client visible through XFORWARD, and a policy refusal never reaches Postfix.
package org.mxfront.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostfixDownstreamIT {
    static final PostfixFixture postfix = new PostfixFixture(); // started by mx, its sink first
    static final SinkFixture sink = postfix.sink();
    @RegisterExtension
    static final MxfrontFixture mx = MxfrontFixture.relayingTo(postfix);

    @Test
    void acceptedMailIsQueuedByPostfixWithTheRealClientAndBodyIntact() throws Exception {
        String body = "From: a@sender.example\r\nTo: bob@example.com\r\nSubject: through postfix\r\nMessage-ID: <pf1@sender.example>\r\n"
                + "\r\nfirst line\r\n.dotted line\r\n\r\nlast line\r\n";
        String queued;
        try (DecisionLines lines = new DecisionLines(); SmtpClient c = FrontDoorIT.hello(mx, "127.0.0.2", "client.sender.example")) {
            c.command("MAIL FROM:<a@sender.example>");
            assertEquals(List.of("250 2.1.5 Ok"), c.command("RCPT TO:<bob@example.com>"));
            c.command("DATA");
            List<String> r = c.command(body.replace("\r\n.", "\r\n..") + ".");
            assertEquals(1, r.size());
            assertTrue(r.get(0).startsWith("250 2.0.0 Ok: queued as "), r.toString());
            queued = r.get(0).substring("250 2.0.0 Ok: queued as ".length()).trim();
            // The decision line's reply slot is Postfix's reply (docs/logging.md), the same shape as the milter door's.
            List<String> accepts = lines.startingWith("accept: END-OF-MESSAGE from unknown[127.0.0.2]: ");
            assertEquals(1, accepts.size(), accepts.toString());
            assertTrue(accepts.get(0).startsWith("accept: END-OF-MESSAGE from unknown[127.0.0.2]: 250 2.0.0 Ok: queued as " + queued
                    + "; from=<a@sender.example> to=<bob@example.com> helo=<client.sender.example> session="), accepts.get(0));
        }
        String dump = sink.awaitMessageContaining("Message-ID: <pf1@sender.example>");
        assertTrue(dump.endsWith("\nfirst line\n.dotted line\n\nlast line\n\n"), dump);
        assertTrue(dump.contains("Message-ID: <pf1@sender.example>"), dump);
        // Postfix learned the original client through XFORWARD and logs it with the queue id.
        Ports.await(() -> postfix.maillog().contains(queued + ": client=localhost[127.0.0.1], orig_client=unknown[127.0.0.2]"),
                Duration.ofSeconds(10), "maillog names the original client");
    }

    @Test
    void withXclientPostfixTreatsTheRealClientAsItsClient() throws Exception {
        try (Mxfront viaXclient = Mxfront.start(postfix.port(), "downstream:\n  forward-client: xclient\n");
                SmtpClient c = FrontDoorIT.hello(viaXclient, "127.0.0.4", "client4.sender.example")) {
            c.command("MAIL FROM:<a@sender.example>");
            assertEquals(List.of("250 2.1.5 Ok"), c.command("RCPT TO:<bob@example.com>"));
            c.command("DATA");
            assertTrue(c.command("Message-ID: <pf2@sender.example>\r\n\r\nvia xclient\r\n.").get(0).startsWith("250 2.0.0 Ok: queued as "));
        }
        String dump = sink.awaitMessageContaining("Message-ID: <pf2@sender.example>");
        assertTrue(dump.contains("Received: from client4.sender.example (unknown [127.0.0.4])"), dump);
    }

    @Test
    void aPolicyRefusalNeverReachesPostfix() throws Exception {
        try (SmtpClient c = FrontDoorIT.hello(mx, "127.0.0.3", "localhost")) {
            c.command("MAIL FROM:<spam@sender.example>");
            assertEquals("550 5.7.1 [127.0.0.3] [mx.test]", c.command("RCPT TO:<bob@example.com>").get(1));
        }
        try (SmtpClient c = FrontDoorIT.hello(mx, "127.0.0.3", "client.sender.example")) {
            c.command("MAIL FROM:<spam@sender.example>");
            c.command("RCPT TO:<bob@example.com>");
            c.command("DATA");
            assertEquals("554 5.5.2 [127.0.0.3] [mx.test]", c.command("Subject: x\r\n\r\nsmuggle\n.\r\nMAIL FROM:<x@y.example>\r\n.").get(1));
        }
        Thread.sleep(500);
        String log = postfix.maillog();
        assertFalse(log.contains("from=<spam@sender.example>"), log);
        assertFalse(log.contains("from=<x@y.example>"), log);
    }
}
