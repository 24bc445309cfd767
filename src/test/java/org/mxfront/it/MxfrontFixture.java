// mxfront in-process as a JUnit fixture (see Fixture), relaying to a sink or a Postfix fixture, with
// YAML that may name the other fixtures' ports (read once they run): the last link of the chain.
package org.mxfront.it;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;

/** A {@link Mxfront} started with {@link Mxfront#start(int, String)}. */
final class MxfrontFixture extends Fixture<Mxfront> {
    private final Fixture<?> downstream;
    private final IntSupplier downstreamPort;
    private final Supplier<String> yaml;
    private final Fixture<?>[] needs;

    private MxfrontFixture(Fixture<?> downstream, IntSupplier downstreamPort, Supplier<String> yaml, Fixture<?>... needs) {
        super(Stream.concat(Stream.of(downstream), Arrays.stream(needs)).toArray(Fixture<?>[]::new));
        this.downstream = downstream;
        this.downstreamPort = downstreamPort;
        this.yaml = yaml;
        this.needs = needs.clone();
    }

    /** mxfront with the base settings, relaying to the sink. */
    static MxfrontFixture relayingTo(SinkFixture sink) {
        return new MxfrontFixture(sink, sink::port, () -> "");
    }

    /** mxfront with the base settings, relaying to an smtp-sink of its own (for tests that never read the sink). */
    static MxfrontFixture relayingToNewSink() {
        return relayingTo(new SinkFixture());
    }

    /** mxfront with the base settings, relaying to the Postfix. */
    static MxfrontFixture relayingTo(PostfixFixture postfix) {
        return new MxfrontFixture(postfix, postfix::port, () -> "");
    }

    /** The same with YAML laid over the base, built once the fixtures it needs (an rbldnsd, a clamd ...) run. */
    MxfrontFixture with(Supplier<String> extraYaml, Fixture<?>... needs) {
        return new MxfrontFixture(downstream, downstreamPort, extraYaml, needs);
    }

    /** A second daemon like this one (same downstream, YAML and fixtures): two hosts sharing a store. */
    MxfrontFixture twin() {
        return new MxfrontFixture(downstream, downstreamPort, yaml, needs);
    }

    /** The same with fixed YAML laid over the base. */
    MxfrontFixture with(String extraYaml) {
        return with(() -> extraYaml);
    }

    @Override
    Mxfront start(Path dir) throws Exception {
        return Mxfront.start(downstreamPort.getAsInt(), yaml.get());
    }

    int port() { return get().port(); }

    /** A client from the given loopback address (the greeting is not read yet). */
    SmtpClient client(String source) throws Exception {
        return get().client(source);
    }
}
