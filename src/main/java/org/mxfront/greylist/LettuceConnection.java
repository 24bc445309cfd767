// One Lettuce connection to Redis (plain, Sentinel or Cluster) as mxfront sets it up: its own small
// event loops, reconnecting every 100 ms to 2 s, commands refused at once while disconnected (so a
// caller fails open instead of queueing), one timeout for connecting and for every command. The
// greylisting store and the recipients check's dictionary-attack guard share this setup.
package org.mxfront.greylist;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** A connected Redis client and its synchronous commands. Thread-safe. */
public final class LettuceConnection implements AutoCloseable {
    private final String description;
    private final ClientResources resources;
    private final AutoCloseable client;
    private final StatefulConnection<String, String> connection;
    private final RedisClusterCommands<String, String> commands;

    /**
     * Connects.
     *
     * @param uri     {@code redis://[:password@]host:port/db}, {@code redis-sentinel://host:26379,host2:26379/db#master},
     *                or with {@code cluster} a seed node of a Redis Cluster
     * @param cluster whether the URI names a Redis Cluster node
     * @param timeout the timeout of every command and of connecting
     * @throws RuntimeException (Lettuce's) when Redis cannot be reached now
     */
    public LettuceConnection(String uri, boolean cluster, Duration timeout) {
        RedisURI u = RedisURI.create(uri);
        u.setTimeout(timeout);
        this.description = describe(uri, cluster);
        this.resources = DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2)
                .reconnectDelay(Delay.exponential(Duration.ofMillis(100), Duration.ofSeconds(2), 2, TimeUnit.MILLISECONDS))
                .build();
        SocketOptions socket = SocketOptions.builder().connectTimeout(timeout).keepAlive(true).build();
        try {
            if (cluster) {
                RedisClusterClient c = RedisClusterClient.create(resources, u);
                c.setOptions(ClusterClientOptions.builder().autoReconnect(true).socketOptions(socket)
                        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                        .timeoutOptions(TimeoutOptions.enabled(timeout)).build());
                this.client = c::shutdown;
                StatefulRedisClusterConnection<String, String> conn = c.connect();
                this.connection = conn;
                this.commands = conn.sync();
            } else {
                RedisClient c = RedisClient.create(resources, u);
                c.setOptions(ClientOptions.builder().autoReconnect(true).socketOptions(socket)
                        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                        .timeoutOptions(TimeoutOptions.enabled(timeout)).build());
                this.client = c::shutdown;
                StatefulRedisConnection<String, String> conn = c.connect();
                this.connection = conn;
                this.commands = conn.sync();
            }
        } catch (RuntimeException e) {
            resources.shutdown(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    /** The synchronous commands (the cluster interface, which plain connections implement too). */
    public RedisClusterCommands<String, String> commands() { return commands; }

    /** {@code redis redis://host:port/db}, without the password. */
    public String description() { return description; }

    /** {@code redis redis://host:port/db} (and {@code (cluster)}) for a URI, without its password. */
    public static String describe(String uri, boolean cluster) {
        return "redis " + safe(RedisURI.create(uri)) + (cluster ? " (cluster)" : "");
    }

    private static String safe(RedisURI u) {
        if (!u.getSentinels().isEmpty()) {
            StringBuilder b = new StringBuilder("redis-sentinel://");
            for (int i = 0; i < u.getSentinels().size(); i++) {
                RedisURI s = u.getSentinels().get(i);
                b.append(i == 0 ? "" : ",").append(s.getHost()).append(':').append(s.getPort());
            }
            return b.append('/').append(u.getDatabase()).append('#').append(u.getSentinelMasterId()).toString();
        }
        return (u.isSsl() ? "rediss://" : "redis://") + u.getHost() + ":" + u.getPort() + "/" + u.getDatabase();
    }

    @Override
    public void close() {
        try {
            connection.close();
            client.close();
        } catch (Exception e) {
            // closing anyway
        } finally {
            resources.shutdown(0, 1, TimeUnit.SECONDS);
        }
    }
}
