// A real sending MTA whose policy is "TLS or nothing" (a Postfix with smtp_tls_security_level =
// encrypt, as MTA-STS enforce and DANE domains behave): through mxfront with a certificate it
// delivers into the downstream Postfix, and the delivered message's Received header names the
// client's address, its HELO and the TLS session; without a certificate it defers and says why.
package org.mxfront.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mxfront.tls.TestCertificates;

class TlsPostfixIT {
    @TempDir
    static Path tmp;
    @RegisterExtension
    static final SinkFixture sink = new SinkFixture();
    @RegisterExtension
    static final PostfixFixture downstream = new PostfixFixture(sink);

    /** The sending Postfix's daemons (user postfix) must traverse the test's directory to reach theirs. */
    @BeforeAll
    static void traversable() throws Exception {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    static final String MESSAGE = "From: alice@sender.example.net\nTo: bob@example.com\nSubject: %s\nMessage-ID: <%s@sender.example.net>\n\nhello\n";

    @Test
    void aSenderThatRequiresTlsDeliversThroughMxfrontWithATraceOfItsSession() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("with-tls"));
        String yaml = "smtp:\n  tls:\n    certificates: [{chain: " + TestCertificates.RSA.chain() + ", key: "
                + TestCertificates.RSA.key() + "}]\n";
        try (Mxfront mx = Mxfront.start(downstream.port(), yaml);
                SendingPostfix sender = SendingPostfix.start(dir, mx.port(), "encrypt")) {
            sender.send("alice@sender.example.net", "bob@example.com", MESSAGE.formatted("tls required", "enc1"));
            String dump = sink.awaitMessageContaining("Message-ID: <enc1@sender.example.net>", Duration.ofSeconds(60));
            assertTrue(dump.matches("(?s).*\nReceived: from sender\\.example\\.net \\(unknown \\[127\\.0\\.0\\.2]\\)\n"
                    + "\t\\(using TLSv1\\.3 with cipher TLS_[A-Z0-9_]+ \\(\\d+/\\d+ bits\\)\\)\n"
                    + "\tby mx\\.test \\(mxfront\\) with ESMTPS id [0-9A-Z]{12}\n"
                    + "\tfor <bob@example\\.com>; .*"), dump);
            assertTrue(sender.maillog().contains("Trusted TLS connection established to 127.0.0.1")
                    || sender.maillog().contains("Untrusted TLS connection established to 127.0.0.1")
                    || sender.maillog().contains("Anonymous TLS connection established to 127.0.0.1"), sender.maillog());
        }
    }

    @Test
    void withoutACertificateSuchASenderDefersAndSaysWhy() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("no-tls"));
        try (Mxfront mx = Mxfront.start(downstream.port(), "");
                SendingPostfix sender = SendingPostfix.start(dir, mx.port(), "encrypt")) {
            sender.send("alice@sender.example.net", "bob@example.com", MESSAGE.formatted("no tls", "clear1"));
            Ports.await(() -> sender.maillog().contains("TLS is required, but was not offered by host 127.0.0.1"),
                    Duration.ofSeconds(30), "the sender's deferral");
            assertTrue(sink.messages().stream().noneMatch(m -> m.contains("clear1@sender.example.net")));
        }
    }
}
