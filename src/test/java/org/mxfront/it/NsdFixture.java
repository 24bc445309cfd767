// NSD serving the test's zones (PTR, MX, A, NXDOMAIN), as a JUnit fixture (see Fixture).
package org.mxfront.it;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** An {@link Nsd}: zone name -> zone file text. */
final class NsdFixture extends Fixture<Nsd> {
    private final Map<String, String> zones;

    NsdFixture(Map<String, String> zones) {
        this.zones = new LinkedHashMap<>(zones);
    }

    @Override
    Nsd start(Path dir) throws Exception {
        return Nsd.start(dir, zones);
    }

    @Override
    String missing() {
        return missingProgram("/usr/sbin/nsd", "nsd");
    }

    int port() { return get().port; }
}
