// A private rspamd with Bayes on a private redis-server, as a JUnit fixture (see Fixture). rspamd
// takes seconds to start: ITs share one per class.
package org.mxfront.it;

/** A {@link RspamdInstance} whose Redis is the given fixture's. */
final class RspamdFixture extends Fixture<RspamdInstance> {
    /** With a Redis of its own (started first). */
    RspamdFixture() {
        this(new RedisFixture());
    }

    RspamdFixture(RedisFixture redis) {
        super(dir -> RspamdInstance.start(dir, redis.port()), () -> missingProgram("/usr/bin/rspamd", "rspamd"), redis);
    }

    String url() { return get().url(); }

    String controllerUrl() { return get().controllerUrl(); }

    int port() { return get().port; }
}
