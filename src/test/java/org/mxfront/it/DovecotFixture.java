// A private Dovecot (quota-status and SASL auth services) as a JUnit fixture (see Fixture).
package org.mxfront.it;

import java.util.Map;

/** A {@link Dovecot} with the given users (login to quota rule, "" for the default). */
final class DovecotFixture extends Fixture<Dovecot> {
    DovecotFixture(Map<String, String> users) {
        super(dir -> Dovecot.start(dir, users), () -> Dovecot.available() ? null : "needs root and Dovecot (Debian's dovecot-core package)");
    }

    int quotaPort() { return get().quotaPort; }

    int authPort() { return get().authPort; }
}
