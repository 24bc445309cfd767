// A private spamd as a JUnit fixture (see Fixture).
package org.mxfront.it;

import java.nio.file.Path;

/** A {@link SpamdInstance}. */
final class SpamdFixture extends Fixture<SpamdInstance> {
    @Override
    SpamdInstance start(Path dir) throws Exception {
        return SpamdInstance.start(dir);
    }

    @Override
    String missing() {
        return missingProgram("/usr/sbin/spamd", "spamd");
    }

    int port() { return get().port; }
}
