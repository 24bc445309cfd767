// Debian's opendmarc as a JUnit fixture (see Fixture): it resolves through the nsd fixture it
// depends on, which serves port 53 on an address of its own (see Opendmarc).
package org.mxfront.it;

import java.nio.file.Files;
import java.nio.file.Path;

/** An {@link Opendmarc} asking the given nsd (on port 53 of {@code address}). */
final class OpendmarcFixture extends Fixture<Opendmarc> {
    private final String address;

    OpendmarcFixture(NsdFixture nsd, String address) {
        super(nsd);
        this.address = address;
    }

    @Override
    Opendmarc start(Path dir) throws Exception {
        return Opendmarc.start(dir, address);
    }

    @Override
    String missing() {
        if (!Ports.isRoot()) return "needs root: opendmarc runs in a private mount namespace with its own /etc/resolv.conf";
        for (Path p : new Path[] {Opendmarc.PROGRAM, Opendmarc.UNSHARE, Opendmarc.MILTERTEST}) {
            if (!Files.isExecutable(p)) return "needs " + p + " (Debian's opendmarc, util-linux and miltertest packages)";
        }
        return null;
    }

    Opendmarc.Answer check(String clientIp, String helo, String mailFrom, String message) throws Exception {
        return get().check(clientIp, helo, mailFrom, message);
    }
}
