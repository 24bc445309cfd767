// The recipients check's ldap source against a real OpenLDAP slapd on loopback, loaded with
// Zimbra-style entries: addresses and aliases found case-insensitively, a locked account and an
// unknown address refused with XM-RJCT20, a domain catch-all, a filter-breaking local part escaped,
// and the directory killed or frozen: 451 4.4.3 XM-RJCT78 (never a 5xx) until it is back. Account
// states from zimbraAccountStatus, read in the same search (issue 24): active and locked take mail,
// closed and pending get 554 5.7.1 XM-RJCT87 "USER IS SUSPENDED", maintenance 450 4.2.1 XM-RJCT93;
// a sender in zim.test the directory does not know gets 550 5.1.0 XM-RJCT92 at MAIL (unlisted-sender: all),
// looked up in zim.test's own source (the top-level source stays downstream).
package org.mxfront.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class LdapRecipientsIT {
    static final SlapdFixture slapd = SlapdFixture.zimbra(); // started by mx (ldap/zimbra.ldif)
    @RegisterExtension
    static final MxfrontFixture mx = MxfrontFixture.relayingToNewSink().with(() -> """
            checks:
              relay: {}
              recipients:
                unlisted-sender: all
                ldap: {url: "%s", base-dn: "dc=test", response-timeout: 1s, health-check-interval: 1s}
                cache: {positive-ttl: 10m, negative-ttl: 0s}
            domains:
              zim.test: {checks: {recipients: {enabled: true, source: ldap}}}
              catch.test: {checks: {recipients: {enabled: true, source: ldap}}}
            """.formatted(slapd.url()), slapd);

    private static List<String> rcpt(String client, String... recipients) throws Exception {
        try (SmtpClient c = FrontDoorIT.hello(mx, client, "client.sender.example")) {
            c.command("MAIL FROM:<a@sender.example>");
            List<String> all = new ArrayList<>();
            for (String r : recipients) all.addAll(c.command("RCPT TO:<" + r + ">"));
            return all;
        }
    }

    @Test
    void zimbraAddressesAliasesAndCatchAllsAreFound() throws Exception {
        assertEquals(List.of("250 2.1.5 Ok", "250 2.1.5 Ok", "250 2.1.5 Ok"),
                rcpt("127.0.0.31", "Alice@zim.test", "AL@ZIM.TEST", "whoever@catch.test"));
    }

    @Test
    void unknownAndLockedAccountsGetXmRjct20() throws Exception {
        assertEquals(List.of("550-5.1.1 XM-RJCT20: Recipient <nobody@zim.test> does not exist.",
                "550 5.1.1 [127.0.0.32] [mx.test]"), rcpt("127.0.0.32", "nobody@zim.test"));
        assertEquals("550-5.1.1 XM-RJCT20: Recipient <dave@zim.test> does not exist.", rcpt("127.0.0.32", "dave@zim.test").get(0));
        // "*" would match every entry if it reached the filter unescaped
        assertEquals("550-5.1.1 XM-RJCT20: Recipient <*@zim.test> does not exist.", rcpt("127.0.0.32", "*@zim.test").get(0));
    }

    @Test
    void zimbraAccountStatusRefusesSuspendedAndMaintenanceAccounts() throws Exception {
        assertEquals(List.of("250 2.1.5 Ok", "250 2.1.5 Ok"), rcpt("127.0.0.34", "active@zim.test", "locked@zim.test"));
        assertEquals(List.of("554-5.7.1 XM-RJCT87: Recipient <closed@zim.test>: USER IS SUSPENDED.", "554 5.7.1 [127.0.0.34] [mx.test]"),
                rcpt("127.0.0.34", "closed@zim.test"));
        assertEquals(List.of("554-5.7.1 XM-RJCT87: Recipient <pending@zim.test>: USER IS SUSPENDED.", "554 5.7.1 [127.0.0.34] [mx.test]"),
                rcpt("127.0.0.34", "pending@zim.test"));
        assertEquals(List.of("450-4.2.1 XM-RJCT93: Mailbox of <maintenance@zim.test> is temporarily disabled (maintenance), please try"
                + " again later.", "450 4.2.1 [127.0.0.34] [mx.test]"), rcpt("127.0.0.34", "maintenance@zim.test"));
    }

    @Test
    void anUnlistedSenderInOurDomainIsRefusedAtMail() throws Exception {
        try (SmtpClient c = FrontDoorIT.hello(mx, "127.0.0.35", "client.sender.example")) {
            assertEquals(List.of("550-5.1.0 XM-RJCT92: Sender address rejected: domain zim.test is hosted here, but the address"
                    + " <ghost@zim.test> you sent from does not exist.", "550 5.1.0 [127.0.0.35] [mx.test]"),
                    c.command("MAIL FROM:<ghost@zim.test>"));
            assertEquals(List.of("250 2.1.0 Ok"), c.command("MAIL FROM:<alice@zim.test>"));
        }
    }

    @Test
    void aDirectoryDownOrFrozenIsATempfailAndRecovers() throws Exception {
        assertEquals(List.of("250 2.1.5 Ok"), rcpt("127.0.0.33", "alice@zim.test")); // now cached
        slapd.get().signal("STOP");
        try (SmtpClient c = FrontDoorIT.hello(mx, "127.0.0.33", "client.sender.example")) {
            c.command("MAIL FROM:<a@sender.example>");
            // One deadline per lookup (response-timeout: 1s): the first RCPT times out on a pooled
            // connection, the second on a new one; neither waits for retries or health checks.
            for (String r : List.of("frozen@zim.test", "frozen2@zim.test")) {
                long t0 = System.nanoTime();
                List<String> reply = c.command("RCPT TO:<" + r + ">");
                long ms = (System.nanoTime() - t0) / 1_000_000;
                System.out.println("[ldap frozen] RCPT TO:<" + r + "> answered in " + ms + " ms: " + reply);
                assertEquals(List.of("451-4.4.3 XM-RJCT78: Recipient <" + r + "> cannot be verified now, please try again later.",
                        "451 4.4.3 [127.0.0.33] [mx.test]"), reply);
                assertTrue(ms < 2500, "answered within response-timeout (1 s) and a margin, not after retries: " + ms + " ms");
            }
        } finally {
            slapd.get().signal("CONT");
        }
        slapd.get().kill();
        assertEquals(List.of("451-4.4.3 XM-RJCT78: Recipient <nobody2@zim.test> cannot be verified now, please try again later.",
                "451 4.4.3 [127.0.0.33] [mx.test]"), rcpt("127.0.0.33", "nobody2@zim.test"));
        // an address found before is answered from the cache while the directory is down
        assertEquals(List.of("250 2.1.5 Ok"), rcpt("127.0.0.33", "alice@zim.test"));
        slapd.get().startAgain();
        Ports.await(() -> {
            try {
                return rcpt("127.0.0.33", "nobody2@zim.test").get(0).startsWith("550-5.1.1 XM-RJCT20:");
            } catch (Exception e) {
                return false;
            }
        }, Duration.ofSeconds(20), "lookups work again once slapd is back");
        String metrics = mx.get().registry.scrape();
        assertTrue(metrics.contains("mxfront_recipients_lookups_total{result=\"error\",source=\"ldap\"}"), metrics);
    }
}
