// redis-server without persistence, as a JUnit fixture (see Fixture); get() kills and restarts it.
package org.mxfront.it;

/** A {@link RedisServer}. */
final class RedisFixture extends Fixture<RedisServer> {
    RedisFixture() {
        super(RedisServer::start, () -> missingProgram("/usr/bin/redis-server", "redis-server"));
    }

    int port() { return get().port; }

    String uri() { return get().uri(); }
}
