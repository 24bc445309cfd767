// Recipient validation against real servers: a table file edited while mxfront runs (the change is
// picked up without a reload), a real private Postfix as the downstream whose "User unknown in local
// recipient table" / "... in virtual mailbox table" come out as XM-RJCT01 / 02, the same Postfix
// (virtual_mailbox_maps) as the callout target of a "Spamcatcher" domain (XM-RJCT08), a callout
// target that never greets (451 XM-RJCT79), and the dictionary-attack guard counting both kinds of
// unknown recipient until the client gets 421 XM-RJCT77, with postmaster@ still reachable.
package org.mxfront.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RecipientsIT {
    private static final Path DIR;
    private static final Path TABLE;
    /** Accepts connections (the kernel's backlog) and never greets: a stalled callout target. */
    private static final ServerSocket STALLED;

    static {
        try {
            DIR = Files.createTempDirectory("mxfront-recipients-");
            TABLE = DIR.resolve("recipients.txt");
            Files.writeString(TABLE, "# test table\nbob@tab.test\nBob.Smith@tab.test\npostmaster@tab.test\n"
                    + "bob@vtab.test\n@catchall.test\n");
            STALLED = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @RegisterExtension
    static final SinkFixture sink = new SinkFixture();
    @RegisterExtension
    static final PostfixFixture postfix = new PostfixFixture(sink, List.of(
            "mydestination=local.test", "alias_maps=", "alias_database=",
            "local_recipient_maps=inline:{bob=ok, bob@local.test=ok}",
            "virtual_mailbox_domains=virt.test, spam.test",
            "virtual_mailbox_maps=inline:{alice@virt.test=x, alice@spam.test=x}",
            "relay_domains=example.com, tab.test, vtab.test, catchall.test, stall.test"));
    @RegisterExtension
    static final MxfrontFixture mx = MxfrontFixture.relayingTo(postfix).with(() -> """
            checks:
              relay: {}
              dictionary-guard: {enabled: true, threshold: 3, window: 1m, block-for: 1m}
              recipients: {}
            domains:
              example.com: {}
              local.test: {}
              virt.test: {}
              tab.test:
                checks: {recipients: {enabled: true, source: table, table: {file: "%1$s", check-interval: 100ms}}}
              catchall.test:
                checks: {recipients: {enabled: true, source: table, table: {file: "%1$s"}}}
              vtab.test:
                checks: {recipients: {enabled: true, source: table, virtual: true, table: {file: "%1$s"}}}
              spam.test:
                checks:
                  recipients: {enabled: true, source: callout, callout: {targets: {spam.test: "127.0.0.1:%2$d"}}}
              stall.test:
                checks:
                  recipients:
                    enabled: true
                    source: callout
                    callout: {targets: {stall.test: "127.0.0.1:%3$d"}, connect-timeout: 1s, command-timeout: 1s}
            """.formatted(TABLE, postfix.port(), STALLED.getLocalPort()), postfix);

    @AfterAll
    static void closeStalled() throws IOException {
        STALLED.close();
    }

    private static List<String> rcpt(String client, String... recipients) throws Exception {
        try (SmtpClient c = FrontDoorIT.hello(mx, client, "client.sender.example")) {
            assertEquals(List.of("250 2.1.0 Ok"), c.command("MAIL FROM:<a@sender.example>"));
            List<String> all = new java.util.ArrayList<>();
            for (String r : recipients) all.addAll(c.command("RCPT TO:<" + r + ">"));
            return all;
        }
    }

    @Test
    void tableKnowsItsAddressesCaseInsensitivelyWithExtensionsAndCatchAlls() throws Exception {
        assertEquals(List.of("250 2.1.5 Ok", "250 2.1.5 Ok", "250 2.1.5 Ok", "250 2.1.5 Ok"),
                rcpt("127.0.0.21", "BOB@tab.test", "bob+lists@tab.test", "bob.smith@TAB.test", "anyone@catchall.test"));
        assertEquals(List.of("550-5.1.1 XM-RJCT01: Account <nobody@tab.test> does not exist.",
                "550 5.1.1 [127.0.0.21] [mx.test]"), rcpt("127.0.0.21", "nobody@tab.test"));
        assertEquals(List.of("550-5.1.1 XM-RJCT02: Virtual mail recipient <nobody@vtab.test> does not exist.",
                "550 5.1.1 [127.0.0.21] [mx.test]"), rcpt("127.0.0.21", "nobody@vtab.test"));
    }

    @Test
    void postmasterAndAbuseOfEveryLocalDomainAreAcceptedWithoutALookup() throws Exception {
        // Not in the table: RFC 5321 4.5.1 (postmaster, any case) and exempt-local-parts' default (abuse).
        assertEquals(List.of("250 2.1.5 Ok", "250 2.1.5 Ok", "250 2.1.5 Ok", "250 2.1.5 Ok"),
                rcpt("127.0.3.27", "Postmaster@vtab.test", "POSTMASTER@tab.test", "abuse@vtab.test", "abuse@catchall.test"));
        assertEquals(List.of("550-5.1.1 XM-RJCT02: Virtual mail recipient <postmaster2@vtab.test> does not exist.",
                "550 5.1.1 [127.0.3.27] [mx.test]"), rcpt("127.0.3.27", "postmaster2@vtab.test"));
    }

    @Test
    void theTableIsReadAgainWhenItChanges() throws Exception {
        assertEquals("550-5.1.1 XM-RJCT01: Account <carol@tab.test> does not exist.", rcpt("127.0.0.22", "carol@tab.test").get(0));
        Files.writeString(TABLE, Files.readString(TABLE) + "carol@tab.test   OK\n");
        Object[] last = {null};
        // each attempt comes from its own address: the dictionary-attack guard (threshold 3 per
        // client) must not block the poll before the table is read again
        int[] attempt = {0};
        try {
            Ports.await(() -> {
                try {
                    String client = "127.0.1." + (1 + attempt[0]++ % 250);
                    List<String> r = rcpt(client, "carol@tab.test");
                    last[0] = r;
                    return r.equals(List.of("250 2.1.5 Ok"));
                } catch (Exception e) {
                    last[0] = e;
                    return false;
                }
            }, Duration.ofSeconds(30), "carol accepted after the table changed");
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; last answer: " + last[0], e);
        }
    }

    @Test
    void postfixUnknownUsersAreTranslatedToTheSeedsCodes() throws Exception {
        assertEquals(List.of("550-5.1.1 XM-RJCT01: Account <nobody@local.test> does not exist.",
                "550 5.1.1 [127.0.0.23] [mx.test]"), rcpt("127.0.0.23", "nobody@local.test"));
        assertEquals(List.of("550-5.1.1 XM-RJCT02: Virtual mail recipient <nobody@virt.test> does not exist.",
                "550 5.1.1 [127.0.0.24] [mx.test]"), rcpt("127.0.0.24", "nobody@virt.test"));
        assertEquals(List.of("250 2.1.5 Ok", "250 2.1.5 Ok"), rcpt("127.0.0.24", "bob@local.test", "alice@virt.test"));
    }

    @Test
    void calloutAsksTheDomainsOwnServer() throws Exception {
        assertEquals(List.of("250 2.1.5 Ok"), rcpt("127.0.0.25", "alice@spam.test"));
        assertEquals(List.of("550-5.1.1 XM-RJCT08: Recipient <nobody@spam.test> was refused by the domain's own mail server.",
                "550 5.1.1 [127.0.0.25] [mx.test]"), rcpt("127.0.0.25", "nobody@spam.test"));
        // Postfix saw the probe: MAIL FROM:<> and the RCPT, from mxfront's callout client
        Ports.await(() -> postfix.maillog().contains("<nobody@spam.test>: Recipient address rejected: User unknown in virtual mailbox table"),
                Duration.ofSeconds(10), "Postfix logs the callout's RCPT");
    }

    @Test
    void aStalledCalloutTargetIsATempfail() throws Exception {
        assertEquals(List.of("451-4.4.1 XM-RJCT79: Could not complete recipient callout for <x@stall.test>, please try again later.",
                "451 4.4.1 [127.0.0.26] [mx.test]"), rcpt("127.0.0.26", "x@stall.test"));
    }

    @Test
    void aConfigurationReloadReadsTheTableAgain() throws Exception {
        Path table = DIR.resolve("reload.txt");
        Files.writeString(table, "bob@tab.test\n");
        String yaml = """
                checks: {relay: {}, recipients: {}}
                domains:
                  tab.test: {checks: {recipients: {enabled: true, source: table, table: {file: "%s", check-interval: 1h}}}}
                """.formatted(table);
        try (Mxfront m = Mxfront.startFromFile(DIR.resolve("reload.yml"), postfix.port(), yaml)) {
            assertEquals("550-5.1.1 XM-RJCT01: Account <dave@tab.test> does not exist.", rcptAt(m, "dave@tab.test").get(0));
            Files.writeString(table, "bob@tab.test\ndave@tab.test\n");
            assertEquals("550-5.1.1 XM-RJCT01: Account <dave@tab.test> does not exist.", rcptAt(m, "dave@tab.test").get(0),
                    "not looked at again within check-interval");
            assertTrue(m.daemon.reload().getKey(), "reload (SIGHUP) succeeds");
            assertEquals(List.of("250 2.1.5 Ok"), rcptAt(m, "dave@tab.test"));
        }
    }

    private static List<String> rcptAt(Mxfront m, String recipient) throws Exception {
        try (SmtpClient c = FrontDoorIT.hello(m, "127.0.0.29", "client.sender.example")) {
            c.command("MAIL FROM:<a@sender.example>");
            return c.command("RCPT TO:<" + recipient + ">");
        }
    }

    @Test
    void senderVerificationAsksTheSendersServer() throws Exception {
        String yaml = """
                checks:
                  relay: {}
                  sender-verify:
                    targets: {spam.test: "127.0.0.1:%d", stall.test: "127.0.0.1:%d"}
                    connect-timeout: 1s
                    command-timeout: 1s
                    on-failure: %s
                """;
        try (Mxfront m = Mxfront.start(postfix.port(), yaml.formatted(postfix.port(), STALLED.getLocalPort(), "accept"));
                SmtpClient c = FrontDoorIT.hello(m, "127.0.0.30", "client.sender.example")) {
            assertEquals(List.of("550-5.1.7 XM-RJCT80: Sender address rejected: Sender Verify Failed for <nobody@spam.test>.",
                    "550 5.1.7 [127.0.0.30] [mx.test]"), c.command("MAIL FROM:<nobody@spam.test>"));
            assertEquals(List.of("250 2.1.0 Ok"), c.command("MAIL FROM:<alice@spam.test>"));
            c.command("RSET");
            assertEquals(List.of("250 2.1.0 Ok"), c.command("MAIL FROM:<someone@stall.test>"), "no answer: accepted");
        }
        try (Mxfront m = Mxfront.start(postfix.port(), yaml.formatted(postfix.port(), STALLED.getLocalPort(), "tempfail"));
                SmtpClient c = FrontDoorIT.hello(m, "127.0.0.30", "client.sender.example")) {
            assertEquals(List.of("450-4.1.7 XM-RJCT81: Sender address rejected: could not verify <someone@stall.test> now, please try again later.",
                    "450 4.1.7 [127.0.0.30] [mx.test]"), c.command("MAIL FROM:<someone@stall.test>"));
        }
    }

    @Test
    void theGuardClosesOnAClientThatCollectsUnknownRecipients() throws Exception {
        try (SmtpClient c = FrontDoorIT.hello(mx, "127.0.0.27", "client.sender.example")) {
            c.command("MAIL FROM:<harvest@sender.example>");
            assertEquals("550-5.1.1 XM-RJCT01: Account <a1@tab.test> does not exist.", c.command("RCPT TO:<a1@tab.test>").get(0));
            // the downstream's refusals count too
            assertEquals("550-5.1.1 XM-RJCT01: Account <a2@local.test> does not exist.", c.command("RCPT TO:<a2@local.test>").get(0));
            assertEquals("550-5.1.1 XM-RJCT02: Virtual mail recipient <a3@virt.test> does not exist.",
                    c.command("RCPT TO:<a3@virt.test>").get(0));
            assertEquals(List.of("421-4.7.0 XM-RJCT77: Too many unknown recipients from 127.0.0.27, try again later.",
                    "421 4.7.0 [127.0.0.27] [mx.test]"), c.command("RCPT TO:<bob@tab.test>"));
            assertEquals(List.of(), c.linesUntilClosed());
        }
        // still blocked on a new connection, but postmaster@ gets through
        try (SmtpClient c = FrontDoorIT.hello(mx, "127.0.0.27", "client.sender.example")) {
            c.command("MAIL FROM:<harvest@sender.example>");
            assertEquals(List.of("250 2.1.5 Ok"), c.command("RCPT TO:<postmaster@tab.test>"));
            assertEquals("421-4.7.0 XM-RJCT77: Too many unknown recipients from 127.0.0.27, try again later.",
                    c.command("RCPT TO:<bob@tab.test>").get(0));
        }
        // another client is not affected
        assertEquals(List.of("250 2.1.5 Ok"), rcpt("127.0.0.28", "bob@tab.test"));
        assertTrue(mx.get().registry.scrape().contains("mxfront_recipients_guard_total{event=\"blocked\"} 1.0"),
                "guard metric");
    }
}
