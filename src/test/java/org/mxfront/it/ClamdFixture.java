// A private clamd with the EICAR signature, as a JUnit fixture (see Fixture). It takes seconds to
// load, so ITs share one per class.
package org.mxfront.it;

import java.nio.file.Path;

/** A {@link ClamdInstance} with the given StreamMaxLength (e.g. "2M"). */
final class ClamdFixture extends Fixture<ClamdInstance> {
    ClamdFixture(String streamMaxLength) {
        super(dir -> ClamdInstance.start(dir, streamMaxLength), () -> missingProgram("/usr/sbin/clamd", "clamav-daemon"));
    }

    int port() { return get().port; }

    Path socket() { return get().socket; }

    String log() { return get().log(); }
}
