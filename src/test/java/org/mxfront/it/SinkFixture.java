// smtp-sink as a JUnit fixture: the downstream of most ITs (see Fixture for the lifecycle).
package org.mxfront.it;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** An {@link SmtpSink}, with fault options if given ({@code -f data}, {@code -q connect} ...). */
final class SinkFixture extends Fixture<SmtpSink> {
    private final String[] faultOptions;

    SinkFixture(String... faultOptions) {
        this.faultOptions = faultOptions.clone();
    }

    @Override
    SmtpSink start(Path dir) throws Exception {
        return SmtpSink.start(dir, faultOptions);
    }

    @Override
    String missing() {
        return missingProgram("/usr/sbin/smtp-sink", "postfix");
    }

    int port() { return get().port; }

    List<String> messages() { return get().messages(); }

    List<String> awaitMessages(int n) { return get().awaitMessages(n); }

    String awaitMessageContaining(String text) { return get().awaitMessageContaining(text); }

    String awaitMessageContaining(String text, Duration max) { return get().awaitMessageContaining(text, max); }
}
