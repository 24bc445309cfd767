// Test certificates made with the real openssl (not Netty's SelfSignedCertificate), once per build,
// under target/test-certs: an RSA key in PKCS#8 and its PKCS#1 copy, an EC key, a second name for
// SNI tests, and a key that belongs to no certificate.
package org.mxfront.tls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** PEM files for tests. */
public final class TestCertificates {
    /** A chain file and its key file. */
    public record Pair(Path chain, Path key) {}

    public static final Path DIR = Path.of("target", "test-certs").toAbsolutePath();
    /** mx.test, RSA 2048, key in PKCS#8 ("BEGIN PRIVATE KEY"). */
    public static final Pair RSA = make("mx", "rsa:2048", "mx.test");
    /** The same certificate with its key in PKCS#1 ("BEGIN RSA PRIVATE KEY"). */
    public static final Pair RSA_PKCS1 = pkcs1(RSA);
    /** mx.test, EC P-256, key in SEC1 form ("BEGIN EC PRIVATE KEY"). */
    public static final Pair EC = ec();
    /** alt.test, for SNI. */
    public static final Pair ALT = make("alt", "rsa:2048", "alt.test");

    private TestCertificates() {}

    private static synchronized Pair make(String name, String newkey, String cn) {
        Pair p = new Pair(DIR.resolve(name + ".crt"), DIR.resolve(name + ".key"));
        if (Files.exists(p.chain()) && Files.exists(p.key())) return p;
        run("openssl", "req", "-x509", "-newkey", newkey, "-nodes", "-days", "3650", "-keyout", p.key().toString(),
                "-out", p.chain().toString(), "-subj", "/CN=" + cn, "-addext", "subjectAltName=DNS:" + cn);
        return p;
    }

    private static synchronized Pair pkcs1(Pair rsa) {
        Path k = DIR.resolve("mx-pkcs1.key");
        if (!Files.exists(k)) run("openssl", "rsa", "-in", rsa.key().toString(), "-traditional", "-out", k.toString());
        return new Pair(rsa.chain(), k);
    }

    private static synchronized Pair ec() {
        Pair p = new Pair(DIR.resolve("ec.crt"), DIR.resolve("ec.key"));
        if (Files.exists(p.chain())) return p;
        run("openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", p.key().toString());
        run("openssl", "req", "-x509", "-key", p.key().toString(), "-days", "3650", "-out", p.chain().toString(),
                "-subj", "/CN=mx.test", "-addext", "subjectAltName=DNS:mx.test");
        return p;
    }

    private static void run(String... cmd) {
        try {
            Files.createDirectories(DIR);
            Process p = new ProcessBuilder(List.of(cmd)).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0) throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
