// A private rspamd with Bayes on a private redis-server, as a JUnit fixture (see Fixture). rspamd
// takes seconds to start: ITs share one per class.
package org.mxfront.it;

import java.nio.file.Path;

/** A {@link RspamdInstance} whose Redis is the given fixture's. */
final class RspamdFixture extends Fixture<RspamdInstance> {
    private final RedisFixture redis;

    RspamdFixture(RedisFixture redis) {
        super(redis);
        this.redis = redis;
    }

    @Override
    RspamdInstance start(Path dir) throws Exception {
        return RspamdInstance.start(dir, redis.port());
    }

    @Override
    String missing() {
        return missingProgram("/usr/bin/rspamd", "rspamd");
    }

    String url() { return get().url(); }

    String controllerUrl() { return get().controllerUrl(); }

    int port() { return get().port; }
}
