// One Lettuce connection to Redis as mxfront's stores use it (greylisting, rate limits): plain Redis,
// Sentinel (the URI names the sentinels and the master) or a Redis Cluster (any node), with the same
// options everywhere: connect and command timeout, keep-alive, commands refused at once while
// disconnected (a store fails open rather than queueing), reconnect in the background every 100 ms
// to 2 s; through Sentinel it also follows the sentinels' +switch-master at once. The greylisting
// store had this inline; it lives here so both stores connect alike.
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
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A connected Redis (plain, Sentinel or Cluster). Thread-safe: Lettuce connections are. */
public final class RedisLink implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RedisLink.class);
    private final String description;
    private final boolean cluster;
    private final ClientResources resources;
    private final AutoCloseable client;
    private final RedisClusterCommands<String, String> commands;
    /** The data connection; through Sentinel it is replaced when the sentinels announce a new master. */
    private volatile StatefulConnection<String, String> connection;
    private volatile RedisClusterCommands<String, String> current;
    /** Through Sentinel: the pub/sub connections to the sentinels (+switch-master), else empty. */
    private final List<StatefulRedisPubSubConnection<String, String>> sentinels = new ArrayList<>();
    private String switchedTo = "";
    private boolean closed;

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
                c.setOptions(options(ClusterClientOptions.builder(), socket, timeout).build());
                this.client = c::shutdown;
                StatefulRedisClusterConnection<String, String> conn = c.connect();
                use(conn, conn.sync());
            } else {
                RedisClient c = RedisClient.create(resources, u);
                c.setOptions(options(ClientOptions.builder(), socket, timeout).build());
                this.client = c::shutdown;
                StatefulRedisConnection<String, String> conn = c.connect();
                use(conn, conn.sync());
                if (!u.getSentinels().isEmpty()) followSwitches(c, u);
            }
        } catch (RuntimeException e) {
            resources.shutdown(0, 1, TimeUnit.SECONDS);
            throw new IllegalStateException(description + ": cannot connect: " + e.getMessage(), e);
        }
        // Callers keep this object: through Sentinel every call goes to the connection of the moment.
        this.commands = u.getSentinels().isEmpty() || cluster ? current : commands(this);
    }

    /** What both kinds of client are given: reconnect on their own, refuse commands while disconnected, time every command out. */
    private static <B extends ClientOptions.Builder> B options(B b, SocketOptions socket, Duration timeout) {
        b.autoReconnect(true).socketOptions(socket).disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(timeout));
        return b;
    }

    @SuppressWarnings("unchecked")
    private static RedisClusterCommands<String, String> commands(RedisLink link) {
        return (RedisClusterCommands<String, String>) Proxy.newProxyInstance(RedisClusterCommands.class.getClassLoader(),
                new Class<?>[] {RedisClusterCommands.class}, (proxy, method, args) -> {
                    try {
                        return method.invoke(link.current, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /**
     * Subscribes to every sentinel's +switch-master: Lettuce's own connection only asks the sentinels
     * again when it is disconnected, and after a graceful SENTINEL FAILOVER it could keep writing to
     * the demoted master for seconds (its master/replica mode waits 5 s before it looks). A sentinel
     * that cannot be reached now is skipped (the connection still reconnects through the others).
     */
    private void followSwitches(RedisClient c, RedisURI u) {
        String master = u.getSentinelMasterId();
        for (RedisURI s : u.getSentinels()) {
            RedisURI.Builder b = RedisURI.builder().withHost(s.getHost()).withPort(s.getPort()).withTimeout(u.getTimeout());
            if (s.getPassword() != null && s.getPassword().length > 0) b.withPassword(s.getPassword());
            try {
                StatefulRedisPubSubConnection<String, String> ps = c.connectPubSub(StringCodec.UTF8, b.build());
                ps.addListener(new RedisPubSubAdapter<>() {
                    @Override
                    public void message(String channel, String message) {
                        // "<master-name> <old-ip> <old-port> <new-ip> <new-port>"
                        String[] f = message.split(" ");
                        if (f.length == 5 && f[0].equals(master)) {
                            String to = f[3] + ":" + f[4];
                            Thread.ofVirtual().name("mxfront-redis-switch").start(() -> switchMaster(c, u, to));
                        }
                    }
                });
                ps.sync().subscribe("+switch-master");
                sentinels.add(ps);
            } catch (RuntimeException e) {
                LOG.warn("{}: cannot subscribe to sentinel {}:{} for master switches: {}", description, s.getHost(), s.getPort(),
                        e.getMessage());
            }
        }
    }

    /** Makes {@code conn} (with its commands) the data connection of the moment. */
    private void use(StatefulConnection<String, String> conn, RedisClusterCommands<String, String> commands) {
        connection = conn;
        current = commands;
    }

    /** A sentinel announced a new master: connect to it (through the sentinels) and retire the old connection. */
    private synchronized void switchMaster(RedisClient c, RedisURI u, String to) {
        if (closed || to.equals(switchedTo)) return; // every sentinel announces the same switch
        switchedTo = to;
        StatefulConnection<String, String> old = connection;
        try {
            StatefulRedisConnection<String, String> conn = c.connect(u);
            use(conn, conn.sync());
            LOG.info("{}: the sentinels switched the master to {}; writes go there now", description, to);
        } catch (RuntimeException e) {
            // the old connection stays; it reconnects through the sentinels by itself when dropped
            switchedTo = "";
            LOG.warn("{}: the sentinels switched the master to {}, but connecting failed: {}", description, to, e.getMessage());
            return;
        }
        old.closeAsync();
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
        synchronized (this) {
            closed = true;
        }
        try {
            for (StatefulRedisPubSubConnection<String, String> ps : sentinels) ps.close();
            connection.close();
            client.close();
        } catch (Exception e) {
            // closing anyway
        } finally {
            resources.shutdown(0, 1, TimeUnit.SECONDS);
        }
    }
}
