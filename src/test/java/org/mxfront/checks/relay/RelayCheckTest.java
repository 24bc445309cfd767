// Covers RelayCheck: local domains, relay clients, and the relay tricks (% hack, bang path, quoted @, source route).
package org.mxfront.checks.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mxfront.checks.CheckFixtures.context;
import static org.mxfront.checks.CheckFixtures.outsider;
import static org.mxfront.checks.CheckFixtures.relayClient;

import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mxfront.codes.Code;
import org.mxfront.mail.Mailbox;
import org.mxfront.policy.Facts;
import org.mxfront.policy.Stage;
import org.mxfront.policy.Verdict;

class RelayCheckTest {

    record Case(String name, Mailbox recipient, boolean relayClient, boolean allowTricks, boolean denied) {
        @Override
        public String toString() { return name; }
    }

    static Mailbox box(String local, String domain) {
        return new Mailbox(local, domain, false);
    }

    static Stream<Case> cases() {
        Mailbox local = box("user", "example.com");
        Mailbox remote = box("user", "other.example");
        Mailbox percent = box("user%other.example", "example.com");
        Mailbox bang = box("other.example!user", "example.com");
        Mailbox quotedAt = box("\"user@other.example\"", "example.com");
        Mailbox route = new Mailbox("user", "example.com", true);
        Mailbox routeOut = new Mailbox("user", "other.example", true);
        return Stream.of(
                new Case("outsider to local domain", local, false, false, false),
                new Case("outsider to other domain", remote, false, false, true),
                new Case("outsider to subdomain of local", box("user", "sub.example.com"), false, false, true),
                new Case("outsider to address literal", box("user", "[192.0.2.1]"), false, false, true),
                new Case("relay client to local domain", local, true, false, false),
                new Case("relay client to other domain", remote, true, false, false),
                new Case("percent hack to local domain", percent, false, false, true),
                new Case("bang path to local domain", bang, false, false, true),
                new Case("quoted @ to local domain", quotedAt, false, false, true),
                new Case("source route to local domain", route, false, false, true),
                new Case("relay client percent hack", percent, true, false, true),
                new Case("relay client source route", routeOut, true, false, true),
                new Case("relay client percent hack, tricks allowed", percent, true, true, false),
                new Case("relay client source route out, tricks allowed", routeOut, true, true, false),
                new Case("outsider percent hack, tricks allowed", percent, false, true, true),
                new Case("outsider bang path, tricks allowed", bang, false, true, true),
                new Case("outsider to <Postmaster> without a domain (RFC 5321 4.5.1)", box("Postmaster", ""), false, false, false),
                new Case("outsider to <postmaster@other.example>", box("postmaster", "other.example"), false, false, true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void decides(Case c) {
        RelayCheck check = new RelayCheck(new RelayConfig(c.allowTricks()), context());
        Facts f = (c.relayClient() ? relayClient() : outsider()).withRecipient(c.recipient());
        Verdict expected = c.denied()
                ? new Verdict.Reject(Code.RELAY_DENIED, Map.of("recipient", c.recipient().address()))
                : Verdict.CONTINUE;
        assertEquals(expected, check.evaluate(Stage.RCPT, f));
    }

    @Test
    void defaultsAndStages() {
        assertEquals(false, new RelayConfig(null).allowRelayTricksFromRelayNetworks());
        assertEquals(Set.of(Stage.RCPT), new RelayCheck(new RelayConfig(null), context()).stages());
    }
}
