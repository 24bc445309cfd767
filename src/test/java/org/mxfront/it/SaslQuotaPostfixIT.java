// Issue 24 through a REAL Postfix doing SMTP AUTH (Dovecot SASL, users in a passwd-file of a private
// Dovecot, swaks --auth PLAIN) with mxfront at the policy door (two daemons sharing a real Redis, each
// behind its own Postfix listener) and at the milter door (a third listener, a third daemon):
// - hourly sending quotas keyed on the SASL login: the N+1th message of the hour gets 550 5.4.6
//   XM-RJCT91 whichever daemon counts it, another user is not affected, and the domain's quota
//   (sasl-domain) gives 550 5.4.5 XM-RJCT90; a client that did not authenticate is not counted;
// - an authenticated sender that does not exist in our domain: 550 5.1.0 XM-RJCT92;
// - a suspended recipient (table status column): 554 5.7.1 XM-RJCT87; a full mailbox (Dovecot's
//   quota-status, SIZE=1000): 452 4.2.2 XM-RJCT88.
// Exact lines as Postfix's client sees them at both doors.
package org.mxfront.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SaslQuotaPostfixIT {
    @TempDir
    static Path tmp;
    static SmtpSink sink;
    static RedisServer redis;
    static Dovecot dovecot;
    static Mxfront policyA;
    static Mxfront policyC;
    static Mxfront milterB;
    static PostfixInstance postfix;
    /** Postfix listeners: policy door of daemon A (the main one), milter door of B, policy door of C. */
    static int portA;
    static int portB;
    static int portC;

    static final List<String> USERS = List.of("bob@example.com", "ann@example.com", "carl@example.com", "dave@example.com",
            "erin@example.com");

    static String yaml(String door, String store) throws Exception {
        Path table = tmp.resolve("recipients.txt");
        if (!Files.exists(table)) {
            Files.writeString(table, String.join("\n", USERS) + "\nrcpt@example.com\nfull@example.com\nsusan@example.com suspended\n");
        }
        return """
                smtp: {enabled: false}
                %s
                state-directory: %s
                checks:
                  recipients:
                    source: table
                    table: {file: "%s"}
                  mailbox-quota: {service: "127.0.0.1:%d"}
                  rate-limit:
                    rules:
                      sending-quota: {key: [sasl-user], rate: 3/1h, stage: rcpt, reply: hourly-sending-quota-exceeded}
                      domain-sending-quota: {key: [sasl-domain], rate: 4/1h, stage: rcpt, reply: hourly-domain-sending-quota-exceeded}
                    store: %s
                domains:
                  example.com: {}
                """.formatted(door, tmp.resolve("state"), table, dovecot.quotaPort, store);
    }

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(PostfixInstance.available() && Dovecot.available() && Files.isExecutable(Path.of("/usr/bin/swaks"))
                && Files.isExecutable(Path.of("/usr/bin/redis-server")), "needs root, postfix, dovecot-core, swaks, redis-server");
        sink = SmtpSink.start(tmp);
        redis = RedisServer.start(Files.createDirectories(tmp.resolve("redis")));
        Map<String, String> users = new java.util.LinkedHashMap<>();
        for (String u : USERS) users.put(u, "");
        users.put("full@example.com", "*:storage=4k");
        dovecot = Dovecot.start(Files.createDirectories(tmp.resolve("dovecot")), users);
        dovecot.save("full@example.com", 3500);
        String redisStore = "{type: redis, redis-uri: \"" + redis.uri() + "\", key-prefix: \"mxfront:sasl-it:\"}";
        int pa = Ports.free();
        int pc = Ports.free();
        policyA = Mxfront.start(sink.port, yaml("policy-server: {enabled: true, listen: \"127.0.0.1:" + pa + "\"}", redisStore));
        policyC = Mxfront.start(sink.port, yaml("policy-server: {enabled: true, listen: \"127.0.0.1:" + pc + "\"}", redisStore));
        milterB = Mxfront.start(sink.port, yaml("milter: {enabled: true, listen: \"127.0.0.1:0\"}", "{type: embedded}"));
        portB = Ports.free();
        portC = Ports.free();
        String sasl = "-o smtpd_sasl_auth_enable=yes -o smtpd_relay_restrictions=";
        postfix = PostfixInstance.start(tmp, sink.port, List.of(
                "mynetworks=127.0.0.1/32",
                "smtpd_sasl_auth_enable=yes", "smtpd_sasl_type=dovecot", "smtpd_sasl_path=inet:127.0.0.1:" + dovecot.authPort,
                "smtpd_relay_restrictions=",
                "smtpd_recipient_restrictions=check_policy_service inet:127.0.0.1:" + pa
                        + ", permit_sasl_authenticated, permit_mynetworks, reject_unauth_destination",
                "smtpd_policy_service_default_action=451 4.3.5 Server configuration problem",
                "milter_default_action=tempfail", "milter_protocol=6"), List.of(
                "127.0.0.1:" + portB + " inet n - n - - smtpd " + sasl
                        + " -o smtpd_recipient_restrictions=permit_sasl_authenticated,permit_mynetworks,reject_unauth_destination"
                        + " -o smtpd_milters=inet:127.0.0.1:" + milterB.daemon.milterPort(),
                "127.0.0.1:" + portC + " inet n - n - - smtpd " + sasl
                        + " -o smtpd_recipient_restrictions=check_policy_service,inet:127.0.0.1:" + pc
                        + ",permit_sasl_authenticated,permit_mynetworks,reject_unauth_destination"));
        portA = postfix.port;
        Ports.awaitListening(portB, java.time.Duration.ofSeconds(20));
        Ports.awaitListening(portC, java.time.Duration.ofSeconds(20));
    }

    @AfterAll
    static void stop() throws Exception {
        Processes.closeAll(postfix, policyA, policyC, milterB, dovecot, redis, sink);
    }

    /**
     * One message through Postfix's listener with swaks, authenticated as {@code user} (null: no AUTH).
     * Returns Postfix's replies to the first command that was refused, or to DATA's end when none was
     * (then the message must reach the sink).
     */
    static List<String> swaks(int port, String client, String user, String from, String to, String subject) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/swaks", "--server", "127.0.0.1:" + port, "--local-interface", client,
                "--helo", "client.sender.example", "--from", from, "--to", to, "--header", "Subject: " + subject));
        if (user != null) cmd.addAll(List.of("--auth", "PLAIN", "--auth-user", user, "--auth-password", Dovecot.PASSWORD));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        List<String> refused = new ArrayList<>();
        String last = null;
        for (String line : out.split("\n")) {
            if (line.startsWith("<** ")) refused.add(line.substring(4).strip());
            else if (line.startsWith("<-  ")) last = line.substring(4).strip();
        }
        System.out.println("swaks :" + port + " " + (user == null ? "(no auth)" : user) + " " + from + " -> " + to + ": "
                + (refused.isEmpty() ? last : refused));
        if (!refused.isEmpty()) return refused;
        assertTrue(user == null || out.contains("<-  235 2.7.0 Authentication successful"), out);
        assertTrue(last != null && last.startsWith("221"), out);
        assertTrue(out.contains("<-  250 2.0.0 Ok: queued as "), out);
        sink.awaitMessageContaining("Subject: " + subject);
        return List.of("250 2.0.0 Ok: queued");
    }

    static final List<String> QUEUED = List.of("250 2.0.0 Ok: queued");

    @Test
    @Order(1)
    void theFourthMessageOfTheHourIsRefusedWhicheverDaemonCountsAndAnotherUserIsNotAffected() throws Exception {
        assertEquals(QUEUED, swaks(portA, "127.0.0.51", "bob@example.com", "bob@example.com", "rcpt@example.com", "bob 1"));
        assertEquals(QUEUED, swaks(portC, "127.0.0.51", "bob@example.com", "bob@example.com", "rcpt@example.com", "bob 2"));
        assertEquals(QUEUED, swaks(portA, "127.0.0.51", "bob@example.com", "bob@example.com", "rcpt@example.com", "bob 3"));
        assertEquals(List.of("550 5.4.6 <rcpt@example.com>: Recipient address rejected: XM-RJCT91: Hourly sending quota exceeded,"
                + " try again later. [127.0.0.51] [mx.test]"),
                swaks(portC, "127.0.0.51", "bob@example.com", "bob@example.com", "rcpt@example.com", "bob 4"));
        assertEquals(List.of("550 5.4.6 <rcpt@example.com>: Recipient address rejected: XM-RJCT91: Hourly sending quota exceeded,"
                + " try again later. [127.0.0.51] [mx.test]"),
                swaks(portA, "127.0.0.51", "bob@example.com", "bob@example.com", "rcpt@example.com", "bob 5"));
        assertEquals(QUEUED, swaks(portA, "127.0.0.52", "ann@example.com", "ann@example.com", "rcpt@example.com", "ann 1"));
    }

    @Test
    @Order(2)
    void theDomainsQuotaCountsEveryUserOfIt() throws Exception {
        // bob's 3 and ann's 1 used example.com's 4 of the hour
        assertEquals(List.of("550 5.4.5 <rcpt@example.com>: Recipient address rejected: XM-RJCT90: Hourly domain sending quota"
                + " exceeded, try again later. [127.0.0.53] [mx.test]"),
                swaks(portC, "127.0.0.53", "carl@example.com", "carl@example.com", "rcpt@example.com", "carl 1"));
        // a client that did not authenticate is not counted by a sasl key (the sender address is not the login)
        assertEquals(QUEUED, swaks(portA, "127.0.0.53", null, "bob@example.com", "rcpt@example.com", "no auth 1"));
    }

    @Test
    @Order(3)
    void anAuthenticatedSenderThatDoesNotExistInOurDomainIsRefused() throws Exception {
        assertEquals(List.of("550 5.1.0 <rcpt@example.com>: Recipient address rejected: XM-RJCT92: Sender address rejected: domain"
                + " example.com is hosted here, but the address <ghost@example.com> you sent from does not exist. [127.0.0.54] [mx.test]"),
                swaks(portA, "127.0.0.54", "erin@example.com", "ghost@example.com", "rcpt@example.com", "ghost 1"));
    }

    /** Postfix's replies to MAIL (with SIZE=) and RCPT from a raw client without AUTH. */
    static List<String> rcpt(int port, String client, long size, String recipient) throws Exception {
        try (SmtpClient c = new SmtpClient(client, port)) {
            assertTrue(c.reply().get(0).startsWith("220 "));
            c.command("EHLO client.sender.example");
            assertEquals("250 2.1.0 Ok", c.command("MAIL FROM:<a@sender.example> SIZE=" + size).get(0));
            List<String> r = c.command("RCPT TO:<" + recipient + ">");
            System.out.println("Postfix :" + port + " RCPT TO:<" + recipient + "> SIZE=" + size + ": " + r);
            return r;
        }
    }

    @Test
    @Order(4)
    void suspendedAndFullMailboxesAtThePolicyDoor() throws Exception {
        assertEquals(List.of("554 5.7.1 <susan@example.com>: Recipient address rejected: XM-RJCT87: Recipient <susan@example.com>:"
                + " USER IS SUSPENDED. [127.0.0.55] [mx.test]"), rcpt(portA, "127.0.0.55", 1000, "susan@example.com"));
        assertEquals(List.of("452 4.2.2 <full@example.com>: Recipient address rejected: XM-RJCT88: Mailbox of <full@example.com>"
                + " has exceeded its storage allocation (quota exceeded), please try again later. [127.0.0.55] [mx.test]"),
                rcpt(portA, "127.0.0.55", 1000, "full@example.com"));
        assertEquals(List.of("250 2.1.5 Ok"), rcpt(portA, "127.0.0.55", 100, "full@example.com"));
    }

    @Test
    @Order(5)
    void theMilterDoorGivesTheSameRepliesWithItsOwnCount() throws Exception {
        for (int i = 1; i <= 3; i++) {
            assertEquals(QUEUED, swaks(portB, "127.0.0.56", "dave@example.com", "dave@example.com", "rcpt@example.com", "dave " + i));
        }
        assertEquals(List.of("550-5.4.6 XM-RJCT91: Hourly sending quota exceeded, try again later.", "550 5.4.6 [127.0.0.56] [mx.test]"),
                swaks(portB, "127.0.0.56", "dave@example.com", "dave@example.com", "rcpt@example.com", "dave 4"));
        assertEquals(List.of("550-5.1.0 XM-RJCT92: Sender address rejected: domain example.com is hosted here, but the address"
                + " <ghost@example.com> you sent from does not exist.", "550 5.1.0 [127.0.0.56] [mx.test]"),
                swaks(portB, "127.0.0.56", "erin@example.com", "ghost@example.com", "rcpt@example.com", "ghost 2"));
        assertEquals(List.of("554-5.7.1 XM-RJCT87: Recipient <susan@example.com>: USER IS SUSPENDED.", "554 5.7.1 [127.0.0.57] [mx.test]"),
                rcpt(portB, "127.0.0.57", 1000, "susan@example.com"));
        assertEquals(List.of("452-4.2.2 XM-RJCT88: Mailbox of <full@example.com> has exceeded its storage allocation (quota exceeded),"
                + " please try again later.", "452 4.2.2 [127.0.0.57] [mx.test]"), rcpt(portB, "127.0.0.57", 1000, "full@example.com"));
    }
}
