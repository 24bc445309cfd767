// Chromium as a JUnit fixture (see Fixture): skipped where Debian's chromium or chromium-driver is missing.
package org.mxfront.it;

import java.nio.file.Path;

/** A {@link Chromium}. */
final class ChromiumFixture extends Fixture<Chromium> {
    @Override
    Chromium start(Path dir) throws Exception {
        return new Chromium(dir);
    }

    @Override
    String missing() {
        String b = missingProgram(Chromium.BROWSER, "chromium");
        return b != null ? b : missingProgram(Chromium.DRIVER, "chromium-driver");
    }
}
