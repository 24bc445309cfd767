// rbldnsd serving the test's DNSBL zones, as a JUnit fixture (see Fixture).
package org.mxfront.it;

import java.util.List;
import java.util.Map;

/** An {@link Rbldnsd}; the arguments are those of {@link Rbldnsd#start}. */
final class RbldnsdFixture extends Fixture<Rbldnsd> {
    RbldnsdFixture(Map<String, String> datasets, List<String> zones, String probe) {
        super(startWith(Map.copyOf(datasets), List.copyOf(zones), probe), () -> missingProgram("/usr/sbin/rbldnsd", "rbldnsd"));
    }

    private static Starter<Rbldnsd> startWith(Map<String, String> datasets, List<String> zones, String probe) {
        return dir -> Rbldnsd.start(dir, datasets, zones, probe);
    }

    int port() { return get().port; }
}
