// A KeyManagerFactory that hands out one given KeyManager, for the APIs that take only a factory
// (Netty's OpenSslCachingX509KeyManagerFactory, which caches BoringSSL's copy of the key material).
package org.mxfront.tls;

import java.security.KeyStore;
import java.security.Provider;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.KeyManagerFactorySpi;
import javax.net.ssl.ManagerFactoryParameters;

/** A factory of exactly one key manager. */
final class KeyManagerFactoryOf extends KeyManagerFactory {
    private static final Provider PROVIDER = new Provider("mxfront", "1", "mxfront's own key managers") {
        private static final long serialVersionUID = 1L;
    };

    KeyManagerFactoryOf(KeyManager km) {
        super(new KeyManagerFactorySpi() {
            @Override
            protected void engineInit(KeyStore ks, char[] password) { }

            @Override
            protected void engineInit(ManagerFactoryParameters spec) { }

            @Override
            protected KeyManager[] engineGetKeyManagers() {
                return new KeyManager[] {km};
            }
        }, PROVIDER, "mxfront");
    }
}
