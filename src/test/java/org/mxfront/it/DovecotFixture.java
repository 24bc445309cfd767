// A private Dovecot (quota-status and SASL auth services) as a JUnit fixture (see Fixture).
package org.mxfront.it;

import java.nio.file.Path;
import java.util.Map;

/** A {@link Dovecot} with the given users (login to quota rule, "" for the default). */
final class DovecotFixture extends Fixture<Dovecot> {
    private final Map<String, String> users;

    DovecotFixture(Map<String, String> users) {
        this.users = users;
    }

    @Override
    Dovecot start(Path dir) throws Exception {
        return Dovecot.start(dir, users);
    }

    @Override
    String missing() {
        return Dovecot.available() ? null : "needs root and Dovecot (Debian's dovecot-core package)";
    }

    int quotaPort() { return get().quotaPort; }

    int authPort() { return get().authPort; }
}
