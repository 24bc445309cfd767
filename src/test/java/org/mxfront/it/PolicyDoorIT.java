// The policy-delegation door with a real private Postfix as its client: Postfix asks mxfront with
// check_policy_service and shows mxfront's refusals to its own SMTP client, which this test is (a raw
// client bound to 127.0.0.x). Relay, DNSBL (real rbldnsd), greylisting and HELO refusals with the
// exact lines Postfix's client sees; a clean message delivered; mxfront stopped: Postfix applies its
// default action and accepts nothing; malformed requests on a raw socket close without a reply.
package org.mxfront.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PolicyDoorIT {
    @TempDir
    static Path tmp;
    static SmtpSink sink;
    static Rbldnsd rbl;
    static PostfixInstance postfix;
    static Mxfront mx;
    static int policyPort;

    /** The main.cf lines of the README's "Deploying inside Postfix", with the test's port. */
    static List<String> mainCf(int port) {
        return List.of(
                "mynetworks=127.0.0.1/32",
                "smtpd_relay_restrictions=",
                "smtpd_recipient_restrictions=check_policy_service inet:127.0.0.1:" + port
                        + ", permit_mynetworks, reject_unauth_destination",
                "smtpd_policy_service_default_action=451 4.3.5 Server configuration problem");
    }

    static String yaml(int port, int dnsPort) {
        return DoorYaml.policyOnly(port) + DoorYaml.stateAndResolver(tmp.resolve("state"), dnsPort) + """
                checks:
                  connection-limit: {}
                  helo: {}
                """ + DoorYaml.ZEN_DNSBL + """
                  relay: {}
                """ + DoorYaml.GREYLIST_2S;
    }

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(PostfixInstance.available(), "needs root and Postfix");
        sink = SmtpSink.start(tmp);
        rbl = Rbldnsd.zen(tmp); // 127.0.0.2: RFC 5782's test point, health-checked
        policyPort = Ports.free();
        mx = Mxfront.start(sink.port, yaml(policyPort, rbl.port));
        assertEquals(policyPort, mx.daemon.policyPort());
        postfix = PostfixInstance.start(tmp, sink.port, mainCf(policyPort));
    }

    @AfterAll
    static void stop() throws Exception {
        Processes.closeAll(postfix, mx, rbl, sink);
    }

    /** A client of Postfix from source, after the greeting and EHLO. */
    static SmtpClient client(String source, String helo) throws Exception {
        return postfix.client(source, helo);
    }

    /** The reply Postfix gives to RCPT TO for a client from source. */
    static List<String> rcpt(String source, String helo, String sender, String recipient) throws Exception {
        try (SmtpClient c = client(source, helo)) {
            assertEquals("250 2.1.0 Ok", c.command("MAIL FROM:<" + sender + ">").get(0));
            List<String> r = c.command("RCPT TO:<" + recipient + ">");
            System.out.println("Postfix's client, RCPT TO:<" + recipient + "> from " + source + ": " + r);
            return r;
        }
    }

    /** A whole transaction; the replies to RCPT and, when it was accepted, to DATA's end. */
    static List<String> send(String source, String sender, String recipient, String subject) throws Exception {
        try (SmtpClient c = client(source, "client.sender.example")) {
            c.command("MAIL FROM:<" + sender + ">");
            List<String> r = c.command("RCPT TO:<" + recipient + ">");
            if (!r.get(0).startsWith("250")) return r;
            assertEquals("354 End data with <CR><LF>.<CR><LF>", c.command("DATA").get(0));
            List<String> end = c.command("Subject: " + subject + "\r\n\r\nhello\r\n.");
            return List.of(r.get(0), end.get(0));
        }
    }

    @Test
    @Order(1)
    void relayDenied() throws Exception {
        assertEquals(List.of("550 5.7.1 <someone@elsewhere.example>: Recipient address rejected: "
                + "XM-RJCT06: Unauthorized relay attempt [127.0.0.5] [mx.test]"),
                rcpt("127.0.0.5", "client.sender.example", "alice@sender.example", "someone@elsewhere.example"));
    }

    @Test
    @Order(2)
    void dnsblListedClient() throws Exception {
        assertEquals(List.of("550 5.7.1 <bob@example.com>: Recipient address rejected: "
                + "XM-RJCT04: IP address 127.0.0.3 is listed in the Spamhaus SBL. [127.0.0.3] [mx.test]"),
                rcpt("127.0.0.3", "client.sender.example", "alice@sender.example", "bob@example.com"));
    }

    @Test
    @Order(3)
    void heloRefused() throws Exception {
        assertEquals(List.of("550 5.7.1 <bob@example.com>: Recipient address rejected: "
                + "XM-RJCT30: You cannot say you are me. I am me. [127.0.0.6] [mx.test]"),
                rcpt("127.0.0.6", "mx.test", "alice@sender.example", "bob@example.com"));
    }

    @Test
    @Order(4)
    void greylistedThenPassedAndDelivered() throws Exception {
        assertEquals(List.of("451 4.7.1 <bob@example.com>: Recipient address rejected: "
                + "XM-RJCT23: Greylisted, please try again in 2 seconds. [127.0.0.7] [mx.test]"),
                rcpt("127.0.0.7", "client.sender.example", "grey@sender.example", "bob@example.com"));
        List<String> passed = Greylisting.retryWhileGreylisted(
                () -> send("127.0.0.7", "grey@sender.example", "bob@example.com", "policy greylist retry"), r -> { });
        System.out.println("greylist retry through Postfix: " + passed);
        assertQueuedAndDelivered(passed, "policy greylist retry");
    }

    /** Postfix took the transaction (RCPT 250, queued at the dot) and the sink got the message. */
    static void assertQueuedAndDelivered(List<String> replies, String subject) {
        assertEquals("250 2.1.5 Ok", replies.get(0));
        assertTrue(replies.get(1).startsWith("250 2.0.0 Ok: queued as "), replies.toString());
        sink.awaitMessageContaining("Subject: " + subject);
    }

    @Test
    @Order(5)
    void aCleanMessageIsQueuedAndDelivered() throws Exception {
        // postmaster is never greylisted: the first attempt goes through
        assertQueuedAndDelivered(send("127.0.0.8", "alice@sender.example", "postmaster@example.com", "policy clean"), "policy clean");
    }

    @Test
    @Order(6)
    void malformedRequestClosesWithoutReplyWhileAnotherConnectionIsServed() throws Exception {
        try (Socket bad = new Socket("127.0.0.1", policyPort); Socket good = new Socket("127.0.0.1", policyPort)) {
            bad.setSoTimeout(5000);
            good.setSoTimeout(5000);
            bad.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x00, (byte) 0xff, '\n', '\n'});
            assertEquals(-1, bad.getInputStream().read(), "closed without a byte of reply");
            OutputStream out = good.getOutputStream();
            out.write(("request=smtpd_access_policy\nprotocol_state=RCPT\nclient_address=127.0.0.9\n"
                    + "helo_name=client.sender.example\nsender=a@sender.example\nrecipient=x@elsewhere.example\n"
                    + "instance=raw.1\n\n").getBytes(StandardCharsets.US_ASCII));
            assertEquals("action=550 5.7.1 XM-RJCT06: Unauthorized relay attempt [127.0.0.9] [mx.test]\n\n",
                    read(good.getInputStream()));
            try (Socket noRequest = new Socket("127.0.0.1", policyPort)) {
                noRequest.setSoTimeout(5000);
                noRequest.getOutputStream().write("protocol_state=RCPT\n\n".getBytes(StandardCharsets.US_ASCII));
                assertEquals(-1, noRequest.getInputStream().read());
            }
        }
    }

    /** One reply: bytes up to the empty line. */
    static String read(InputStream in) throws Exception {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) != -1) {
            sb.append((char) c);
            if (sb.length() >= 2 && sb.charAt(sb.length() - 1) == '\n' && sb.charAt(sb.length() - 2) == '\n') break;
        }
        return sb.toString();
    }

    @Test
    @Order(7)
    void metricsFollowPrometheusRulesAndReadiness() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String m = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + mx.httpPort()
                + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        Scrapes.assertHas(m,
                "mxfront_policy_requests_total{action=\"reject\",protocol_state=\"rcpt\"} 4.0",
                "mxfront_policy_requests_total{action=\"defer\",protocol_state=\"rcpt\"}",
                "mxfront_policy_faults_total{reason=\"not_text\"} 1.0",
                "mxfront_policy_faults_total{reason=\"no_request\"} 1.0",
                "mxfront_policy_request_duration_seconds_count",
                "mxfront_policy_connections_active ",
                "mxfront_policy_instances ");
        Scrapes.assertPromtoolAccepts(tmp, m);
        String ready = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + mx.httpPort()
                + "/readyz")).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertEquals("ready\n", ready);
    }

    @Test
    @Order(99)
    void withMxfrontStoppedPostfixAppliesItsDefaultActionAndAcceptsNothing() throws Exception {
        mx.close();
        mx = null;
        try (SmtpClient c = client("127.0.0.8", "client.sender.example")) {
            assertEquals("250 2.1.0 Ok", c.command("MAIL FROM:<alice@sender.example>").get(0));
            List<String> r = c.command("RCPT TO:<postmaster@example.com>");
            System.out.println("Postfix's client with mxfront down: " + r);
            assertEquals(List.of("451 4.3.5 <postmaster@example.com>: Recipient address rejected: Server configuration problem"), r);
            assertEquals("554 5.5.1 Error: no valid recipients", c.command("DATA").get(0));
        }
        assertTrue(postfix.maillog().contains("127.0.0.1:" + policyPort), "Postfix logged the failed policy service");
    }
}
