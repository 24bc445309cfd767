// rbldnsd serving the test's DNSBL zones, as a JUnit fixture (see Fixture).
package org.mxfront.it;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** An {@link Rbldnsd}; the arguments are those of {@link Rbldnsd#start}. */
final class RbldnsdFixture extends Fixture<Rbldnsd> {
    private final Map<String, String> datasets;
    private final List<String> zones;
    private final String probe;

    RbldnsdFixture(Map<String, String> datasets, List<String> zones, String probe) {
        this.datasets = Map.copyOf(datasets);
        this.zones = List.copyOf(zones);
        this.probe = probe;
    }

    @Override
    Rbldnsd start(Path dir) throws Exception {
        return Rbldnsd.start(dir, datasets, zones, probe);
    }

    @Override
    String missing() {
        return missingProgram("/usr/sbin/rbldnsd", "rbldnsd");
    }

    int port() { return get().port; }
}
