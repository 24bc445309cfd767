// A private slapd loaded with Zimbra-style entries, as a JUnit fixture (see Fixture); get() kills
// and restarts it. The LDAP ITs share one directory, src/test/resources/ldap/zimbra.ldif.
package org.mxfront.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.stream.Collectors;

/** A {@link Slapd} with the given entries (LDIF, under dc=test). */
final class SlapdFixture extends Fixture<Slapd> {
    SlapdFixture(String ldif) {
        super(dir -> Slapd.start(dir, ldif),
                () -> Slapd.available() ? null : "needs slapd and ldapadd (Debian's slapd and ldap-utils packages)");
    }

    /** The shared test directory: the entries of /ldap/zimbra.ldif (its comment lines left out). */
    static SlapdFixture zimbra() {
        try (InputStream in = SlapdFixture.class.getResourceAsStream("/ldap/zimbra.ldif")) {
            String ldif = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return new SlapdFixture(ldif.lines().filter(l -> !l.startsWith("#")).collect(Collectors.joining("\n")).strip() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String url() { return get().url(); }
}
