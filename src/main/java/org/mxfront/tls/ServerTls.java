// The SMTP door's TLS: a Netty SslContext built from the configured PEM files (BoringSSL through
// netty-tcnative where its native library loads, else the JDK's TLS), and the one place that turns
// an accepted plain socket into a server-side TLS socket with the configured protocols and ciphers.
// Built by the configuration loader, so that a reload with a broken certificate keeps the old one
// and reports file, line and key like any other configuration error.
package org.mxfront.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslCachingX509KeyManagerFactory;
import io.netty.handler.ssl.OpenSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/** TLS for the SMTP door's STARTTLS. Immutable; a reload builds a new one. */
public final class ServerTls {
    private final SslContext context;
    private final TlsSettings.SecurityLevel level;
    private final List<X509Certificate> leaves;

    private ServerTls(SslContext context, TlsSettings.SecurityLevel level, List<X509Certificate> leaves) {
        this.context = context;
        this.level = level;
        this.leaves = leaves;
    }

    /**
     * Loads the certificates and checks the settings.
     *
     * @param base the directory relative file names are resolved against
     * @return null when no certificate is configured (no STARTTLS)
     * @throws IllegalArgumentException naming the file or setting that is wrong
     */
    public static ServerTls load(TlsSettings s, Path base) {
        return load(s, base, OpenSsl.isAvailable());
    }

    /** As above; {@code boringSsl} false forces the JDK's TLS (tests run both). */
    static ServerTls load(TlsSettings s, Path base, boolean boringSsl) {
        if (s == null || s.certificates() == null || s.certificates().isEmpty()) return null;
        try {
            List<X509Certificate> leaves = new ArrayList<>();
            List<SniKeyManager.Entry> entries = new ArrayList<>();
            for (int i = 0; i < s.certificates().size(); i++) {
                TlsSettings.Certificate c = s.certificates().get(i);
                if (c == null || c.chain() == null || c.key() == null) {
                    throw new IllegalArgumentException("certificate " + i + " needs both chain and key");
                }
                Path chainFile = base.resolve(c.chain());
                Path keyFile = base.resolve(c.key());
                List<X509Certificate> chain = PemFiles.chain(chainFile);
                PrivateKey key = PemFiles.key(keyFile);
                PemFiles.requireMatch(key, chain.get(0), keyFile, chainFile);
                entries.add(SniKeyManager.entry("c" + i, chain, key));
                leaves.add(chain.get(0));
            }
            SSLParameters supported = SSLContext.getDefault().getSupportedSSLParameters();
            String[] protocols = pick(s.protocols(), supported.getProtocols(), "protocol");
            String[] ciphers = s.ciphers() == null || s.ciphers().isEmpty() ? null
                    : pick(s.ciphers(), supported.getCipherSuites(), "cipher suite");
            // One certificate: handed over as it is. Several: our SNI table. (The JDK's PKIX key manager
            // costs more CPU per handshake than the handshake itself.) With BoringSSL the chosen key
            // material is converted for the native side once and cached, not at every handshake.
            SslContextBuilder b;
            if (entries.size() == 1) {
                b = SslContextBuilder.forServer(entries.get(0).key(), entries.get(0).chain());
            } else {
                SniKeyManager km = new SniKeyManager(entries);
                b = boringSsl ? SslContextBuilder.forServer(new OpenSslCachingX509KeyManagerFactory(new KeyManagerFactoryOf(km)))
                        : SslContextBuilder.forServer(km);
            }
            b = b
                    .sslProvider(boringSsl ? SslProvider.OPENSSL : SslProvider.JDK)
                    .protocols(protocols)
                    .clientAuth(ClientAuth.NONE);
            if (ciphers != null) b.ciphers(List.of(ciphers));
            return new ServerTls(b.build(), s.securityLevel() == null ? TlsSettings.SecurityLevel.MAY : s.securityLevel(),
                    List.copyOf(leaves));
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("cannot set up TLS: " + e.getMessage());
        }
    }

    private static String[] pick(List<String> wanted, String[] supported, String what) {
        if (wanted == null || wanted.isEmpty()) throw new IllegalArgumentException("at least one " + what + " is needed");
        List<String> known = Arrays.asList(supported);
        for (String w : wanted) {
            if (!known.contains(w)) throw new IllegalArgumentException("unknown or unsupported " + what + " '" + w + "'");
        }
        return wanted.toArray(String[]::new);
    }

    /** may or encrypt. */
    public TlsSettings.SecurityLevel level() { return level; }

    /** The leaf certificates served, first the default one. */
    public List<X509Certificate> leaves() { return leaves; }

    /** A Netty handler for one accepted channel (the console's HTTPS); the handshake starts at once. */
    public SslHandler newHandler(ByteBufAllocator alloc) {
        return context.newHandler(alloc);
    }

    /** Which TLS library serves the handshakes: "BoringSSL" or "JDK". */
    public String provider() {
        return context instanceof OpenSslContext ? "BoringSSL" : "JDK";
    }

    /**
     * A server-side TLS socket over an accepted plain one; the handshake is not started
     * ({@link EngineSocket#handshake}). Closing it closes the plain socket. No reverse lookup of the
     * peer (SubEtha's own STARTTLS asks getHostName() for every handshake).
     */
    public EngineSocket wrap(Socket plain) throws IOException {
        return new EngineSocket(plain, context.newEngine(ByteBufAllocator.DEFAULT));
    }
}
