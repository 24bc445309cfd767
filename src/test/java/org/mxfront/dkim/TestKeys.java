// Keys generated in the test (RSA of any size, Ed25519) and their DKIM key records, for the unit
// and integration tests and the benchmark. Nothing here is a fixed key.
package org.mxfront.dkim;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Arrays;
import java.util.Base64;

/** Key generation. */
public final class TestKeys {
    private TestKeys() {}

    /**
     * A key pair as the tests use it.
     *
     * @param name      a file-name-safe name
     * @param algorithm the a= it signs with
     * @param pair      the JCA key pair
     */
    public record Key(String name, String algorithm, KeyPair pair) {
        /** The DKIM key record (TXT) publishing the public key. */
        public String record() {
            return algorithm.startsWith("ed25519") ? "v=DKIM1; k=ed25519; p=" + b64(rawEd25519Public())
                    : "v=DKIM1; k=rsa; p=" + b64(pair.getPublic().getEncoded());
        }

        /** The private key as dkimpy reads it: PKCS#8 PEM for RSA, the base64 seed for Ed25519. */
        public String privateForDkimpy() {
            byte[] der = pair.getPrivate().getEncoded();
            if (algorithm.startsWith("ed25519")) return b64(Arrays.copyOfRange(der, der.length - 32, der.length)) + "\n";
            return "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                    + "\n-----END PRIVATE KEY-----\n";
        }

        /** The same key under another a= (rsa-sha1 with an RSA key). */
        public Key as(String alg) {
            return new Key(name + "-" + alg, alg, pair);
        }

        private byte[] rawEd25519Public() {
            byte[] der = pair.getPublic().getEncoded();
            return Arrays.copyOfRange(der, der.length - 32, der.length);
        }
    }

    public static Key rsa(int bits) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(bits);
            return new Key("rsa" + bits, "rsa-sha256", g.generateKeyPair());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Key ed25519() {
        try {
            return new Key("ed25519", "ed25519-sha256", KeyPairGenerator.getInstance("Ed25519").generateKeyPair());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }
}
