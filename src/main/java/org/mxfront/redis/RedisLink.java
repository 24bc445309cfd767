// One Lettuce connection to Redis as mxfront's stores use it (greylisting, rate limits): plain Redis,
// Sentinel (the URI names the sentinels and the master) or a Redis Cluster (any node), with the same
// options everywhere: connect and command timeout, keep-alive, commands refused at once while
// disconnected (a store fails open rather than queueing), reconnect in the background every 100 ms
// to 2 s. The greylisting store had this inline; it lives here so both stores connect alike.
package org.mxfront.redis;

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

/** A connected Redis (plain, Sentinel or Cluster). Thread-safe: Lettuce connections are. */
public final class RedisLink implements AutoCloseable {
    private final String description;
    private final boolean cluster;
    private final ClientResources resources;
    private final AutoCloseable client;
    private final StatefulConnection<String, String> connection;
    private final RedisClusterCommands<String, String> commands;

    /**
     * Connects.
     *
     * @param uri     {@code redis://[:password@]host:port/db}, {@code rediss://...},
     *                {@code redis-sentinel://host:26379,host2:26379/db#master}, or with {@code cluster} a node of a Redis Cluster
     * @param cluster whether the URI names a Redis Cluster node
     * @param timeout the timeout of connecting and of every command
     * @throws RuntimeException (Lettuce's) when Redis cannot be reached now; the message names the server without password
     */
    public RedisLink(String uri, boolean cluster, Duration timeout) {
        this.cluster = cluster;
        RedisURI u = RedisURI.create(uri);
        u.setTimeout(timeout);
        this.description = "redis " + safe(u) + (cluster ? " (cluster)" : "");
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
            throw new IllegalStateException(description + ": cannot connect: " + e.getMessage(), e);
        }
    }

    /** The synchronous commands (on a cluster: routed by key slot; SCAN and DBSIZE cover every master). */
    public RedisClusterCommands<String, String> commands() { return commands; }

    /** True when connected to a Redis Cluster. */
    public boolean cluster() { return cluster; }

    /** {@code redis HOST:PORT/DB} (or the sentinels and master), never the password: for logs. */
    public String describe() { return description; }

    /** The URI as logs may show it. */
    public static String safe(RedisURI u) {
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
