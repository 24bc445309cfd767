// STARTTLS on the SMTP door against third-party and real clients: openssl s_client with TLS 1.3 and
// 1.2 (1.1 refused), certificates chosen by SNI and replaced by a reload (a broken one keeps the old),
// plaintext injected after STARTTLS never answered, a client that stalls in the handshake cut off,
// TLS-required senders refused in clear with XM-RJCT39, and the Received header of a relayed message.
package org.mxfront.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mxfront.tls.TestCertificates;

class TlsIT {
    @TempDir
    static Path tmp;
    static SmtpSink sink;
    static Mxfront mx;
    static Path file;

    static final String TLS = """
            smtp:
              command-timeout: 2s
              tls:
                certificates:
                  - {chain: cert.pem, key: key.pem}
                  - {chain: alt.pem, key: alt.key}
            checks:
              helo: {}
              tls-required: {sender-domains: [bank.example]}
              relay: {}
            """;

    @BeforeAll
    static void start() throws Exception {
        sink = SmtpSink.start(tmp);
        copy(TestCertificates.RSA, "cert.pem", "key.pem");
        copy(TestCertificates.ALT, "alt.pem", "alt.key");
        file = tmp.resolve("mxfront.yml");
        mx = Mxfront.startFromFile(file, sink.port, TLS);
    }

    static void copy(TestCertificates.Pair p, String chain, String key) throws Exception {
        Files.copy(p.chain(), tmp.resolve(chain), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(p.key(), tmp.resolve(key), StandardCopyOption.REPLACE_EXISTING);
    }

    @AfterAll
    static void stop() throws Exception {
        Processes.closeAll(mx, sink);
    }

    /** openssl s_client -starttls smtp with the given protocol flag; its -brief output and exit code. */
    static String sClient(String... flags) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + mx.port(),
                "-starttls", "smtp", "-name", "client.example.net", "-brief"));
        cmd.addAll(List.of(flags));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(
                Files.writeString(tmp.resolve("quit.txt"), "QUIT\n").toFile())).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return "exit=" + p.waitFor() + "\n" + out;
    }

    static SmtpClient tlsClient(String sni) throws Exception {
        SmtpClient c = FrontDoorIT.hello(mx, "127.0.0.2", "client.example.net");
        assertEquals(List.of("220 2.0.0 Ready to start TLS"), c.command("STARTTLS"));
        c.startTls(sni);
        return c;
    }

    static String subject(SSLSession s) throws Exception {
        return ((X509Certificate) s.getPeerCertificates()[0]).getSubjectX500Principal().getName();
    }

    @Test
    void opensslNegotiatesTls13And12AndCannotGet11() throws Exception {
        String v13 = sClient("-tls1_3");
        assertTrue(v13.contains("Protocol version: TLSv1.3"), v13);
        String v12 = sClient("-tls1_2");
        assertTrue(v12.contains("Protocol version: TLSv1.2"), v12);
        // SECLEVEL=0 so that openssl itself would speak TLS 1.1: the refusal is mxfront's.
        String v11 = sClient("-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0");
        assertFalse(v11.contains("Protocol version"), v11);
        assertTrue(v11.contains("alert") || v11.contains("no protocols available") || !v11.startsWith("exit=0"), v11);
        String m = mx.registry.scrape();
        assertTrue(m.contains("mxfront_tls_handshakes_total{cipher=\"TLS_AES_256_GCM_SHA384\",outcome=\"success\",protocol=\"TLSv1.3\"}"), m);
        assertTrue(m.contains("mxfront_tls_handshakes_total{cipher=\"none\",outcome=\"failure\",protocol=\"none\"}"), m);
    }

    @Test
    void theCertificateIsChosenBySni() throws Exception {
        try (SmtpClient c = FrontDoorIT.hello(mx, "127.0.0.2", "client.example.net")) {
            c.command("STARTTLS");
            assertEquals("CN=alt.test", subject(c.startTls("alt.test")));
        }
        try (SmtpClient c = FrontDoorIT.hello(mx, "127.0.0.2", "client.example.net")) {
            c.command("STARTTLS");
            assertEquals("CN=mx.test", subject(c.startTls("unknown.test")), "no match: the first certificate");
        }
    }

    @Test
    void plaintextPipelinedAfterStartTlsIsNeverAnswered() throws Exception {
        try (SmtpClient c = FrontDoorIT.hello(mx, "127.0.0.2", "client.example.net")) {
            c.sendRaw("STARTTLS\r\nNOOP injected\r\n");
            assertEquals(List.of("220 2.0.0 Ready to start TLS"), c.reply());
            c.startTls("mx.test");
            List<String> ehlo = c.command("EHLO client.example.net");
            assertEquals("250-mx.test", ehlo.get(0), "the first reply under TLS answers EHLO, not the injected NOOP");
            assertFalse(ehlo.contains("250-STARTTLS"), "STARTTLS is not offered again: " + ehlo);
        }
    }

    @Test
    void aClientThatStallsInTheHandshakeIsCutOff() throws Exception {
        try (SmtpClient c = FrontDoorIT.hello(mx, "127.0.0.2", "client.example.net")) {
            assertEquals(List.of("220 2.0.0 Ready to start TLS"), c.command("STARTTLS"));
            // no ClientHello: the command deadline (2 s here) passes, the sweeper closes the socket
            List<String> said = c.linesUntilClosed();
            assertTrue(c.closedByServer(), "connection closed by mxfront after " + said);
        }
    }

    @Test
    void aTlsRequiredSenderIsRefusedInClearAndAcceptedOverTlsWithATraceHeader() throws Exception {
        try (SmtpClient c = FrontDoorIT.hello(mx, "127.0.0.2", "client.example.net")) {
            assertEquals(List.of("530-5.7.0 XM-RJCT39: Your sender domain is required to send via an encrypted SMTP session.",
                    "530 5.7.0 [127.0.0.2] [mx.test]"), c.command("MAIL FROM:<alice@bank.example>"));
        }
        try (SmtpClient c = tlsClient("mx.test")) {
            c.command("EHLO client.example.net");
            assertEquals(List.of("250 2.1.0 Ok"), c.command("MAIL FROM:<alice@bank.example>"));
            assertEquals(List.of("250 2.1.5 Ok"), c.command("RCPT TO:<bob@example.com>"));
            c.command("DATA");
            List<String> r = c.command("Subject: over tls\r\nMessage-ID: <tls1@bank.example>\r\n\r\nhello\r\n.");
            assertTrue(r.get(0).startsWith("250 2.0.0 Ok"), r.toString());
        }
        String dump = sink.awaitMessageContaining("Message-ID: <tls1@bank.example>");
        assertTrue(dump.matches("(?s).*\nReceived: from client\\.example\\.net \\(unknown \\[127\\.0\\.0\\.2]\\)\n"
                + "\t\\(using TLSv1\\.3 with cipher TLS_AES_256_GCM_SHA384 \\(256/256 bits\\)\\)\n"
                + "\tby mx\\.test \\(mxfront\\) with ESMTPS id [0-9A-Z]{12}\n"
                + "\tfor <bob@example\\.com>; [A-Z][a-z]{2}, \\d{1,2} [A-Z][a-z]{2} \\d{4} \\d\\d:\\d\\d:\\d\\d \\+0000 \\(UTC\\)\n"
                + "Subject: over tls\n.*"), dump);
    }

    @Test
    void aReloadServesNewCertificatesAndABrokenOneKeepsTheOld() throws Exception {
        String before;
        try (SmtpClient c = tlsClient("mx.test")) {
            before = ((X509Certificate) c.startTlsSession().getPeerCertificates()[0]).getPublicKey().getAlgorithm();
        }
        assertEquals("RSA", before);
        copy(TestCertificates.EC, "cert.pem", "key.pem");
        assertTrue(mx.daemon.reload().getKey(), "reload with an EC certificate");
        try (SmtpClient c = tlsClient("mx.test")) {
            assertEquals("EC", ((X509Certificate) c.startTlsSession().getPeerCertificates()[0]).getPublicKey().getAlgorithm());
        }
        // a key that is not the certificate's: refused, the EC one stays
        Files.copy(TestCertificates.RSA.key(), tmp.resolve("key.pem"), StandardCopyOption.REPLACE_EXISTING);
        var result = mx.daemon.reload();
        assertFalse(result.getKey());
        assertTrue(result.getValue().contains(file + ":") && result.getValue().contains("smtp.tls.certificates: ")
                && result.getValue().contains("key.pem: the key does not belong to the first certificate of "), result.getValue());
        try (SmtpClient c = tlsClient("mx.test")) {
            assertEquals("EC", ((X509Certificate) c.startTlsSession().getPeerCertificates()[0]).getPublicKey().getAlgorithm());
        }
        copy(TestCertificates.RSA, "cert.pem", "key.pem");
        assertTrue(mx.daemon.reload().getKey());
        assertNotEquals("EC", before);
    }
}
