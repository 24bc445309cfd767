// The decision feed: bounded ring, subscribers that never block the publisher (a full queue drops
// and counts), and the structured record the DecisionLog publishes for a refusal.
package org.mxfront.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.mxfront.codes.Code;
import org.mxfront.codes.ReplyCatalogue;
import org.mxfront.mail.ClientInfo;
import org.mxfront.mail.Mailbox;

class DecisionFeedTest {
    static DecisionEvent event(int i) {
        return new DecisionEvent(i, "smtp", "accept", "END-OF-MESSAGE", "192.0.2.1", "unknown", "h", "s@a.example",
                List.of("r@b.example"), "", "", List.of(), "S" + i, "", List.of());
    }

    @Test
    void theRingKeepsTheNewestAndCountsEverything() {
        DecisionFeed feed = new DecisionFeed(3);
        for (int i = 0; i < 5; i++) feed.publish(event(i));
        assertEquals(List.of("S2", "S3", "S4"), feed.recent(e -> true).stream().map(DecisionEvent::session).toList());
        assertEquals(5, feed.published());
    }

    @Test
    void aFullSubscriberDropsAndCountsWithoutBlockingThePublisher() throws Exception {
        DecisionFeed feed = new DecisionFeed(100);
        try (DecisionFeed.Subscription slow = feed.subscribe(2, e -> true);
                DecisionFeed.Subscription picky = feed.subscribe(10, e -> e.session().equals("S4"))) {
            for (int i = 0; i < 5; i++) feed.publish(event(i)); // returns at once although nobody reads
            assertEquals(3, slow.dropped());
            assertEquals(3, feed.dropped());
            List<DecisionEvent> got = new ArrayList<>();
            slow.drainTo(got, 10);
            assertEquals(List.of("S0", "S1"), got.stream().map(DecisionEvent::session).toList());
            assertEquals("S4", picky.poll(1, TimeUnit.SECONDS).session());
            assertNull(picky.poll(10, TimeUnit.MILLISECONDS));
        }
        assertEquals(0, feed.subscribers());
    }

    @Test
    void aRefusalIsPublishedWithItsCodeCheckAndReply() throws Exception {
        DecisionFeed feed = new DecisionFeed(10);
        DecisionLog log = new DecisionLog(feed);
        ClientInfo client = new ClientInfo(InetAddress.getByName("192.0.2.7"), 4000, null, false, 1);
        Facts f = Facts.connect(client).withHelo("<script>x</script>").withSender(new Mailbox("a", "sender.example", false), 0)
                .withRecipient(new Mailbox("bob", "elsewhere.example", false));
        f.state().put(DecisionLog.DOOR, "smtp");
        var reply = ReplyCatalogue.defaults().render(Code.RELAY_DENIED, java.util.Map.of(), "192.0.2.7", "mx.test");
        log.write("reject", "RCPT", f, reply, "relay");
        DecisionEvent e = feed.recent(x -> true).get(0);
        assertEquals("smtp", e.door());
        assertEquals("refused", e.outcome());
        assertEquals("XM-RJCT06", e.code());
        assertEquals("relay", e.check());
        assertEquals(List.of("550 5.7.1 XM-RJCT06: Unauthorized relay attempt", "550 5.7.1 [192.0.2.7] [mx.test]"), e.reply());
        assertEquals("<script>x</script>", e.helo());
        assertEquals("a@sender.example", e.sender());
        assertEquals(List.of("bob@elsewhere.example"), e.recipients());
        assertEquals(f.state().id(), e.session());
    }
}
