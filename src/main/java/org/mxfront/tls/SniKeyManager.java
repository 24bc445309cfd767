// Picks the served certificate by the client's SNI name from a table made once at load: the JDK's
// PKIX key manager re-examines every certificate on every handshake, which cost more CPU than the
// handshake's cryptography (about 2.7 ms against 0.5 ms with BoringSSL, measured in bench/tls.sh).
package org.mxfront.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.X509ExtendedKeyManager;

/** Server-side key manager over a fixed list of chains; the first is served when no name matches. */
final class SniKeyManager extends X509ExtendedKeyManager {
    /** One chain, its key, the key's algorithm and the host names its leaf covers (lower case, "*.x" wildcards). */
    record Entry(String alias, X509Certificate[] chain, PrivateKey key, String keyType, List<String> names) {}

    private final List<Entry> entries;

    SniKeyManager(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    static Entry entry(String alias, List<X509Certificate> chain, PrivateKey key) {
        List<String> names = new ArrayList<>();
        try {
            if (chain.get(0).getSubjectAlternativeNames() != null) {
                for (List<?> san : chain.get(0).getSubjectAlternativeNames()) {
                    if (Integer.valueOf(2).equals(san.get(0))) names.add(String.valueOf(san.get(1)).toLowerCase(Locale.ROOT));
                }
            }
        } catch (CertificateParsingException e) {
            // no usable names: served only as the default
        }
        if (names.isEmpty()) {
            String dn = chain.get(0).getSubjectX500Principal().getName();
            for (String part : dn.split(",")) {
                if (part.trim().startsWith("CN=")) names.add(part.trim().substring(3).toLowerCase(Locale.ROOT));
            }
        }
        String type = key.getAlgorithm().equals("EC") ? "EC" : key.getAlgorithm();
        return new Entry(alias, chain.toArray(X509Certificate[]::new), key, type, List.copyOf(names));
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return choose(keyType, engine == null ? null : engine.getHandshakeSession());
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return choose(keyType, null);
    }

    private String choose(String keyType, SSLSession handshake) {
        String sni = null;
        if (handshake instanceof ExtendedSSLSession e) {
            for (SNIServerName n : e.getRequestedServerNames()) {
                if (n instanceof SNIHostName h) sni = h.getAsciiName().toLowerCase(Locale.ROOT);
            }
        }
        Entry fallback = null;
        for (Entry en : entries) {
            if (keyType != null && !matchesType(keyType, en.keyType())) continue;
            if (sni != null && covers(en.names(), sni)) return en.alias();
            if (fallback == null) fallback = en;
        }
        return fallback == null ? null : fallback.alias();
    }

    /** keyType is "RSA", "EC", "EC_EC", "RSASSA-PSS"... as the TLS layer asks. */
    private static boolean matchesType(String asked, String have) {
        return asked.startsWith(have) || asked.equals("RSASSA-PSS") && have.equals("RSA");
    }

    static boolean covers(List<String> names, String host) {
        for (String n : names) {
            if (n.equals(host)) return true;
            if (n.startsWith("*.") && host.endsWith(n.substring(1)) && host.indexOf('.') == host.length() - n.length() + 1) {
                return true;
            }
        }
        return false;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        for (Entry e : entries) if (e.alias().equals(alias)) return e.chain().clone();
        return null;
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        for (Entry e : entries) if (e.alias().equals(alias)) return e.key();
        return null;
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return entries.stream().filter(e -> keyType == null || matchesType(keyType, e.keyType())).map(Entry::alias)
                .toArray(String[]::new);
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return null;
    }
}
