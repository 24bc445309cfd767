// A Redis Sentinel setup (master, replica, sentinel: RedisSentinelServers) as a JUnit fixture (see Fixture).
package org.mxfront.it;

import java.nio.file.Path;

/** A {@link RedisSentinelServers}. */
final class RedisSentinelFixture extends Fixture<RedisSentinelServers> {
    @Override
    RedisSentinelServers start(Path dir) throws Exception {
        return RedisSentinelServers.start(dir);
    }

    @Override
    String missing() {
        return missingProgram("/usr/bin/redis-server", "redis-server");
    }

    String uri() { return get().uri(); }
}
