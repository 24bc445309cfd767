// A Redis Sentinel setup (master, replica, sentinel: RedisSentinelServers) as a JUnit fixture (see Fixture).
package org.mxfront.it;

/** A {@link RedisSentinelServers}. */
final class RedisSentinelFixture extends Fixture<RedisSentinelServers> {
    RedisSentinelFixture() {
        super(RedisSentinelServers::start, () -> missingProgram("/usr/bin/redis-server", "redis-server"));
    }

    String uri() { return get().uri(); }
}
