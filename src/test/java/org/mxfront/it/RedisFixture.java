// redis-server without persistence, as a JUnit fixture (see Fixture); get() kills and restarts it.
package org.mxfront.it;

import java.nio.file.Path;

/** A {@link RedisServer}. */
final class RedisFixture extends Fixture<RedisServer> {
    @Override
    RedisServer start(Path dir) throws Exception {
        return RedisServer.start(dir);
    }

    @Override
    String missing() {
        return missingProgram("/usr/bin/redis-server", "redis-server");
    }

    int port() { return get().port; }

    String uri() { return get().uri(); }
}
