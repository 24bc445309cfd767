// A private spamd as a JUnit fixture (see Fixture).
package org.mxfront.it;

/** A {@link SpamdInstance}. */
final class SpamdFixture extends Fixture<SpamdInstance> {
    SpamdFixture() {
        super(SpamdInstance::start, () -> missingProgram("/usr/sbin/spamd", "spamd"));
    }

    int port() { return get().port; }
}
