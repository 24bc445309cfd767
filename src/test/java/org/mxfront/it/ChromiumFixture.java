// Chromium as a JUnit fixture (see Fixture): skipped where Debian's chromium or chromium-driver is missing.
package org.mxfront.it;

/** A {@link Chromium}. */
final class ChromiumFixture extends Fixture<Chromium> {
    ChromiumFixture() {
        super(Chromium::new, () -> {
            String b = missingProgram(Chromium.BROWSER, "chromium");
            return b != null ? b : missingProgram(Chromium.DRIVER, "chromium-driver");
        });
    }
}
