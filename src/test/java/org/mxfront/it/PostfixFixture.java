// A private Postfix relaying to a sink, as a JUnit fixture (see Fixture); skipped unless root and
// Postfix are there, as every Postfix IT was.
package org.mxfront.it;

import java.nio.file.Path;
import java.time.Duration;

/** A {@link PostfixInstance} relaying example.com to the given sink. */
final class PostfixFixture extends Fixture<PostfixInstance> {
    private final SinkFixture sink;
    private final PostfixInstance.BareNewline bareNewline;
    private final java.util.List<String> mainCf;

    /** Relaying to an smtp-sink of its own ({@link #sink()}), started before it. */
    PostfixFixture() {
        this(new SinkFixture());
    }

    PostfixFixture(SinkFixture sink) {
        this(sink, PostfixInstance.BareNewline.DEPLOYMENT_GUIDE);
    }

    PostfixFixture(SinkFixture sink, PostfixInstance.BareNewline bareNewline) {
        this(sink, bareNewline, java.util.List.of());
    }

    /** With extra main.cf settings ({@code name=value}, applied last), e.g. virtual_mailbox_maps. */
    PostfixFixture(SinkFixture sink, java.util.List<String> mainCf) {
        this(sink, PostfixInstance.BareNewline.DEPLOYMENT_GUIDE, mainCf);
    }

    private PostfixFixture(SinkFixture sink, PostfixInstance.BareNewline bareNewline, java.util.List<String> mainCf) {
        super(sink);
        this.sink = sink;
        this.bareNewline = bareNewline;
        this.mainCf = java.util.List.copyOf(mainCf);
    }

    @Override
    PostfixInstance start(Path dir) throws Exception {
        return PostfixInstance.start(dir, sink.port(), bareNewline, mainCf);
    }

    @Override
    String missing() {
        return PostfixInstance.available() ? null : "needs root and Debian's postfix package (.ci/test installs it)";
    }

    /** The smtp-sink Postfix relays example.com to. */
    SinkFixture sink() { return sink; }

    int port() { return get().port; }

    String maillog() { return get().maillog(); }

    void awaitQueueEmpty(Duration max) { get().awaitQueueEmpty(max); }
}
