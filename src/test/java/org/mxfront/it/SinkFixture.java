// smtp-sink as a JUnit fixture: the downstream of most ITs (see Fixture for the lifecycle).
package org.mxfront.it;

import java.time.Duration;
import java.util.List;

/** An {@link SmtpSink}, with fault options if given ({@code -f data}, {@code -q connect} ...). */
final class SinkFixture extends Fixture<SmtpSink> {
    SinkFixture(String... faultOptions) {
        super(startWith(faultOptions.clone()), () -> missingProgram("/usr/sbin/smtp-sink", "postfix"));
    }

    private static Starter<SmtpSink> startWith(String[] faultOptions) {
        return dir -> SmtpSink.start(dir, faultOptions);
    }

    int port() { return get().port; }

    List<String> messages() { return get().messages(); }

    List<String> awaitMessages(int n) { return get().awaitMessages(n); }

    String awaitMessageContaining(String text) { return get().awaitMessageContaining(text); }

    String awaitMessageContaining(String text, Duration max) { return get().awaitMessageContaining(text, max); }
}
