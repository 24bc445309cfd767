// The configuration the check config tests parse: the YAML under test after a host name (mx.test) and
// a state directory of the test's own, written out once instead of in each test.
package org.mxfront.config;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;

/** Parsing a test's YAML as a whole configuration file. */
public final class TestConfigs {
    private TestConfigs() {}

    /** {@code yaml} laid after {@code server.hostname: mx.test} and {@code state-directory}, as the file test.yml. */
    public static DaemonConfig parse(Path stateDirectory, String yaml) throws ConfigException {
        return new ConfigLoader(org.mxfront.Doors.ALL).parse("test.yml", "server:\n  hostname: mx.test\nstate-directory: " + stateDirectory + "\n" + yaml,
                new SimpleMeterRegistry());
    }
}
