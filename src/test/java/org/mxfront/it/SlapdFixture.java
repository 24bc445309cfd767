// A private slapd loaded with Zimbra-style entries, as a JUnit fixture (see Fixture); get() kills
// and restarts it.
package org.mxfront.it;

import java.nio.file.Path;

/** A {@link Slapd} with the given entries (LDIF, under dc=test). */
final class SlapdFixture extends Fixture<Slapd> {
    private final String ldif;

    SlapdFixture(String ldif) {
        this.ldif = ldif;
    }

    @Override
    Slapd start(Path dir) throws Exception {
        return Slapd.start(dir, ldif);
    }

    @Override
    String missing() {
        return Slapd.available() ? null : "needs slapd and ldapadd (Debian's slapd and ldap-utils packages)";
    }

    String url() { return get().url(); }
}
