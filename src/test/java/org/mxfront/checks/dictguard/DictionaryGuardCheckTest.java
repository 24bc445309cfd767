// Covers DictionaryGuardCheck: unknown-recipient refusals counted per client key (/32 or /24),
// the block at the threshold and its end, exemptions (relay networks, postmaster@/abuse@, other
// refusals, dry runs), and a failing store that blocks no one.
package org.mxfront.checks.dictguard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mxfront.checks.CheckFixtures.client;
import static org.mxfront.checks.CheckFixtures.context;
import static org.mxfront.checks.CheckFixtures.mailbox;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.mxfront.codes.Code;
import org.mxfront.policy.Facts;
import org.mxfront.policy.Stage;
import org.mxfront.policy.Verdict;
import org.mxfront.recipients.DictionaryGuard;
import org.mxfront.recipients.GuardStore;
import org.mxfront.recipients.MemoryGuardStore;

class DictionaryGuardCheckTest {
    private final AtomicLong now = new AtomicLong();

    private DictionaryGuardCheck check(int ipv4Prefix) {
        DictionaryGuardConfig c = new DictionaryGuardConfig(3, Duration.ofMinutes(1), Duration.ofMinutes(5), ipv4Prefix,
                null, null, null);
        return new DictionaryGuardCheck(c, context(), new DictionaryGuard(new MemoryGuardStore(1000, now::get), Clock.systemUTC()));
    }

    private static Facts from(String ip, String rcpt) {
        return Facts.connect(client(ip, false, 1)).withRecipient(mailbox(rcpt));
    }

    private static final Verdict UNKNOWN = Verdict.reject(Code.INVALID_USERNAME, Map.of("recipient", "x"));
    private static final Verdict BLOCKED = new Verdict.Disconnect(Code.DICTIONARY_ATTACK, Map.of());

    @Test
    void theThirdUnknownRecipientBlocksTheClientForAWhile() {
        DictionaryGuardCheck g = check(32);
        for (int i = 0; i < 2; i++) g.refusalApplied(Stage.RCPT, from("192.0.2.7", "x@example.com"), UNKNOWN);
        assertEquals(Verdict.CONTINUE, g.evaluate(Stage.RCPT, from("192.0.2.7", "bob@example.com")));
        g.refusalApplied(Stage.RCPT, from("192.0.2.7", "x@example.com"), UNKNOWN);
        assertEquals(BLOCKED, g.evaluate(Stage.RCPT, from("192.0.2.7", "bob@example.com")));
        assertEquals(Verdict.CONTINUE, g.evaluate(Stage.RCPT, from("192.0.2.7", "postmaster@example.com")));
        assertEquals(Verdict.CONTINUE, g.evaluate(Stage.RCPT, from("192.0.2.7", "Abuse@example.com")));
        assertEquals(Verdict.CONTINUE, g.evaluate(Stage.RCPT, from("192.0.2.8", "bob@example.com")), "/32: a neighbour is not");
        now.addAndGet(Duration.ofMinutes(5).plusSeconds(1).toNanos());
        assertEquals(Verdict.CONTINUE, g.evaluate(Stage.RCPT, from("192.0.2.7", "bob@example.com")), "the block decays");
    }

    @Test
    void countsDecayAfterTheWindow() {
        DictionaryGuardCheck g = check(32);
        for (int i = 0; i < 2; i++) g.refusalApplied(Stage.RCPT, from("192.0.2.7", "x@example.com"), UNKNOWN);
        now.addAndGet(Duration.ofMinutes(1).plusSeconds(1).toNanos());
        g.refusalApplied(Stage.RCPT, from("192.0.2.7", "x@example.com"), UNKNOWN);
        assertEquals(Verdict.CONTINUE, g.evaluate(Stage.RCPT, from("192.0.2.7", "bob@example.com")));
    }

    @Test
    void aNetworkKeyCountsNeighboursTogether() {
        DictionaryGuardCheck g = check(24);
        for (String ip : new String[] {"192.0.2.1", "192.0.2.2", "192.0.2.3"}) {
            g.refusalApplied(Stage.RCPT, from(ip, "x@example.com"), UNKNOWN);
        }
        assertEquals(BLOCKED, g.evaluate(Stage.RCPT, from("192.0.2.200", "bob@example.com")));
        assertEquals("192.0.2.0/24", g.key(client("192.0.2.200", false, 1)));
        assertEquals("2001:db8:1:2:0:0:0:0/64", check(24).key(client("2001:db8:1:2:3:4:5:6", false, 1)));
    }

    @Test
    void otherRefusalsRelayNetworksAndDryRunsAreNotCounted() {
        DictionaryGuardCheck g = check(32);
        Verdict relay = Verdict.reject(Code.RELAY_DENIED, Map.of());
        for (int i = 0; i < 5; i++) g.refusalApplied(Stage.RCPT, from("192.0.2.7", "x@example.com"), relay);
        Facts relayClient = Facts.connect(client("127.0.0.1", true, 1)).withRecipient(mailbox("x@example.com"));
        for (int i = 0; i < 5; i++) g.refusalApplied(Stage.RCPT, relayClient, UNKNOWN);
        Facts dry = from("192.0.2.9", "x@example.com");
        dry.state().markDryRun();
        for (int i = 0; i < 5; i++) g.refusalApplied(Stage.RCPT, dry, UNKNOWN);
        assertEquals(Verdict.CONTINUE, g.evaluate(Stage.RCPT, from("192.0.2.7", "bob@example.com")));
        assertEquals(Verdict.CONTINUE, g.evaluate(Stage.RCPT, relayClient));
        assertEquals(Verdict.CONTINUE, g.evaluate(Stage.RCPT, from("192.0.2.9", "bob@example.com")));
    }

    @Test
    void aFailingStoreBlocksNoOne() {
        GuardStore broken = new GuardStore() {
            @Override
            public boolean blocked(String key) { throw new IllegalStateException("down"); }

            @Override
            public long addUnknown(String key, Duration window) { throw new IllegalStateException("down"); }

            @Override
            public void block(String key, Duration duration) { throw new IllegalStateException("down"); }

            @Override
            public String describe() { return "broken"; }
        };
        DictionaryGuardCheck g = new DictionaryGuardCheck(new DictionaryGuardConfig(1, null, null, null, null, null, null),
                context(), new DictionaryGuard(broken, Clock.systemUTC()));
        g.refusalApplied(Stage.RCPT, from("192.0.2.7", "x@example.com"), UNKNOWN);
        assertEquals(Verdict.CONTINUE, g.evaluate(Stage.RCPT, from("192.0.2.7", "bob@example.com")));
    }
}
