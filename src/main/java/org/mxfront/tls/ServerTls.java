// The SMTP door's TLS: an SSLContext built from the configured PEM files, and the one place that
// turns an accepted plain socket into a server-side TLS socket with the configured protocols and
// ciphers. Built by the configuration loader, so that a reload with a broken certificate keeps the
// old one and reports file, line and key like any other configuration error.
package org.mxfront.tls;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/** TLS for the SMTP door's STARTTLS. Immutable; a reload builds a new one. */
public final class ServerTls {
    private final SSLContext context;
    private final String[] protocols;
    private final String[] ciphers;
    private final TlsSettings.SecurityLevel level;
    private final List<X509Certificate> leaves;

    private ServerTls(SSLContext context, String[] protocols, String[] ciphers, TlsSettings.SecurityLevel level,
            List<X509Certificate> leaves) {
        this.context = context;
        this.protocols = protocols;
        this.ciphers = ciphers;
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
        if (s == null || s.certificates() == null || s.certificates().isEmpty()) return null;
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            char[] none = new char[0];
            List<X509Certificate> leaves = new ArrayList<>();
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
                ks.setKeyEntry("c" + i, key, none, chain.toArray(X509Certificate[]::new));
                leaves.add(chain.get(0));
            }
            // PKIX ("NewSunX509") picks, among the entries, one whose names match the client's SNI.
            KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
            kmf.init(ks, none);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, new SecureRandom());
            SSLParameters supported = ctx.getSupportedSSLParameters();
            String[] protocols = pick(s.protocols(), supported.getProtocols(), "protocol");
            String[] ciphers = s.ciphers() == null || s.ciphers().isEmpty()
                    ? ctx.getDefaultSSLParameters().getCipherSuites()
                    : pick(s.ciphers(), supported.getCipherSuites(), "cipher suite");
            return new ServerTls(ctx, protocols, ciphers,
                    s.securityLevel() == null ? TlsSettings.SecurityLevel.MAY : s.securityLevel(), List.copyOf(leaves));
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

    /**
     * A server-side TLS socket over an accepted plain one; the handshake is not started. Closing it
     * closes the plain socket.
     */
    public SSLSocket wrap(Socket plain) throws IOException {
        // The peer's literal address as the "host": no reverse lookup per handshake (SubEtha's own
        // STARTTLS asks getHostName()).
        SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket(plain,
                plain.getInetAddress().getHostAddress(), plain.getPort(), true);
        s.setUseClientMode(false);
        s.setEnabledProtocols(protocols);
        s.setEnabledCipherSuites(ciphers);
        SSLParameters p = s.getSSLParameters();
        p.setUseCipherSuitesOrder(true);
        s.setSSLParameters(p);
        return s;
    }
}
