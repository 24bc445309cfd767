// Reads certificate chains and private keys from PEM files the way operators have them: PKCS#8
// ("PRIVATE KEY"), PKCS#1 ("RSA PRIVATE KEY") and SEC1 ("EC PRIVATE KEY") keys, through Bouncy
// Castle's PEM parser (the JDK reads only PKCS#8, Netty too); checks that the key fits the chain.
package org.mxfront.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/** PEM loading. Every failure is an IllegalArgumentException that names the file and says what is wrong. */
final class PemFiles {
    private PemFiles() {}

    /** The certificates of a chain file, leaf first. */
    static List<X509Certificate> chain(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            List<X509Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
                    .map(c -> (X509Certificate) c).toList();
            if (certs.isEmpty()) throw new IllegalArgumentException(file + ": no certificate in the file");
            return certs;
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read: " + e.getMessage());
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(file + ": not a PEM certificate chain: " + e.getMessage());
        }
    }

    /** The private key of a PEM key file. */
    static PrivateKey key(Path file) {
        Object o;
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser p = new PEMParser(r)) {
            o = p.readObject();
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read the key: " + e.getMessage());
        }
        JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
        try {
            if (o instanceof PEMKeyPair kp) return conv.getPrivateKey(kp.getPrivateKeyInfo());
            if (o instanceof PrivateKeyInfo pki) return conv.getPrivateKey(pki);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": unusable key: " + e.getMessage());
        }
        if (o instanceof PEMEncryptedKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo) {
            throw new IllegalArgumentException(file + ": the key is encrypted; mxfront needs it unencrypted "
                    + "(openssl pkey -in KEY -out KEY.plain), readable by its user only");
        }
        throw new IllegalArgumentException(file + ": no private key in the file (expected BEGIN PRIVATE KEY, "
                + "BEGIN RSA PRIVATE KEY or BEGIN EC PRIVATE KEY)");
    }

    /** Fails unless the key signs what the leaf certificate's public key verifies. */
    static void requireMatch(PrivateKey key, X509Certificate leaf, Path keyFile, Path chainFile) {
        String alg = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> throw new IllegalArgumentException(keyFile + ": unsupported key type " + key.getAlgorithm());
        };
        try {
            byte[] probe = "mxfront key check".getBytes(StandardCharsets.US_ASCII);
            Signature s = Signature.getInstance(alg);
            s.initSign(key);
            s.update(probe);
            byte[] sig = s.sign();
            Signature v = Signature.getInstance(alg);
            v.initVerify(leaf.getPublicKey());
            v.update(probe);
            if (v.verify(sig)) return;
        } catch (GeneralSecurityException e) {
            // a key of another type than the certificate's: not a match
        }
        throw new IllegalArgumentException(keyFile + ": the key does not belong to the first certificate of " + chainFile);
    }
}
