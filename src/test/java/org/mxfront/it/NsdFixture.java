// NSD serving the test's zones (PTR, MX, A, NXDOMAIN), as a JUnit fixture (see Fixture).
package org.mxfront.it;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** An {@link Nsd}: zone name -> zone file text. */
final class NsdFixture extends Fixture<Nsd> {
    private final Map<String, String> zones;
    private final String address;
    private final int port;

    /** On 127.0.0.1 and a free port. */
    NsdFixture(Map<String, String> zones) {
        this(zones, null, 0);
    }

    private NsdFixture(Map<String, String> zones, String address, int port) {
        this.zones = new LinkedHashMap<>(zones);
        this.address = address;
        this.port = port;
    }

    /** On this loopback address and port (53 for a resolver that asks nowhere else: needs root). */
    static NsdFixture at(String address, int port, Map<String, String> zones) {
        return new NsdFixture(zones, address, port);
    }

    @Override
    Nsd start(Path dir) throws Exception {
        return address == null ? Nsd.start(dir, zones) : Nsd.startAt(dir, zones, address, port);
    }

    @Override
    String missing() {
        if (address != null && port < 1024 && !Ports.isRoot()) return "needs root to serve DNS on " + address + ":" + port;
        return missingProgram("/usr/sbin/nsd", "nsd");
    }

    int port() { return get().port; }
}
