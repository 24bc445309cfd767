// Loading certificates the ways operators have them, and the errors when they are wrong.
package org.mxfront.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerTlsTest {
    static TlsSettings settings(TestCertificates.Pair... pairs) {
        return new TlsSettings(java.util.Arrays.stream(pairs)
                .map(p -> new TlsSettings.Certificate(p.chain().toString(), p.key().toString())).toList(),
                List.of("TLSv1.2", "TLSv1.3"), List.of(), TlsSettings.SecurityLevel.MAY);
    }

    @Test
    void pkcs8Pkcs1AndEcKeysAllLoad() {
        for (TestCertificates.Pair p : List.of(TestCertificates.RSA, TestCertificates.RSA_PKCS1, TestCertificates.EC)) {
            ServerTls t = ServerTls.load(settings(p), Path.of(""));
            assertEquals("CN=mx.test", t.leaves().get(0).getSubjectX500Principal().getName());
        }
    }

    @Test
    void noCertificateMeansNoTls() {
        assertNull(ServerTls.load(new TlsSettings(List.of(), List.of("TLSv1.3"), List.of(), null), Path.of("")));
    }

    @Test
    void aKeyOfAnotherCertificateIsRefusedNamingTheFiles() {
        var bad = new TestCertificates.Pair(TestCertificates.RSA.chain(), TestCertificates.ALT.key());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ServerTls.load(settings(bad), Path.of("")));
        assertEquals(TestCertificates.ALT.key() + ": the key does not belong to the first certificate of "
                + TestCertificates.RSA.chain(), e.getMessage());
    }

    @Test
    void aFileThatIsNotPemIsRefused(@TempDir Path dir) throws Exception {
        Path junk = Files.writeString(dir.resolve("junk.pem"), "hello\n");
        var bad = new TestCertificates.Pair(TestCertificates.RSA.chain(), junk);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ServerTls.load(settings(bad), Path.of("")));
        assertTrue(e.getMessage().startsWith(junk + ": no private key in the file"), e.getMessage());
        var missing = new TestCertificates.Pair(dir.resolve("nope.crt"), TestCertificates.RSA.key());
        e = assertThrows(IllegalArgumentException.class, () -> ServerTls.load(settings(missing), Path.of("")));
        assertTrue(e.getMessage().startsWith(dir.resolve("nope.crt") + ": cannot read"), e.getMessage());
    }

    @Test
    void anUnknownProtocolIsRefused() {
        var s = new TlsSettings(settings(TestCertificates.RSA).certificates(), List.of("TLSv1.4"), List.of(), null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ServerTls.load(s, Path.of("")));
        assertEquals("unknown or unsupported protocol 'TLSv1.4'", e.getMessage());
    }
}
