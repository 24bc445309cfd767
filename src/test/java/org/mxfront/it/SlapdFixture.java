// A private slapd loaded with Zimbra-style entries, as a JUnit fixture (see Fixture); get() kills
// and restarts it.
package org.mxfront.it;

/** A {@link Slapd} with the given entries (LDIF, under dc=test). */
final class SlapdFixture extends Fixture<Slapd> {
    SlapdFixture(String ldif) {
        super(dir -> Slapd.start(dir, ldif),
                () -> Slapd.available() ? null : "needs slapd and ldapadd (Debian's slapd and ldap-utils packages)");
    }

    String url() { return get().url(); }
}
