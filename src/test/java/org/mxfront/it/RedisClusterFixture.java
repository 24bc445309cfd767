// A three-master Redis Cluster (RedisClusterServers) as a JUnit fixture (see Fixture).
package org.mxfront.it;

/** A {@link RedisClusterServers}. */
final class RedisClusterFixture extends Fixture<RedisClusterServers> {
    RedisClusterFixture() {
        super(RedisClusterServers::start, () -> missingProgram("/usr/bin/redis-server", "redis-server"));
    }

    /** The seed URI: its first node. */
    String uri() { return "redis://127.0.0.1:" + get().ports.get(0); }

    long keys(int node) throws Exception { return get().keys(node); }
}
