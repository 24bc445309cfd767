// The milter door (smtpd_milters = inet:127.0.0.1:10050): a Netty server speaking milter protocol 6
// to Postfix. Postfix keeps port 25, its TLS and its queue; each of its SMTP clients gets one milter
// connection here and every mxfront check, content included, through the same policy engine as the
// other doors. Owns its event loops, its virtual-thread executor and the connection count.
package org.mxfront.milter;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.mxfront.config.DaemonConfig;
import org.mxfront.config.Settings.MilterSettings;
import org.mxfront.door.Door;
import org.mxfront.metrics.MxMeters;
import org.mxfront.policy.ConfiguredCheck;
import org.mxfront.policy.Policy;
import org.mxfront.policy.PolicyEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The milter door. */
public final class MilterDoor implements Door {
    private static final Logger LOG = LoggerFactory.getLogger(MilterDoor.class);

    /** Checks that never run at this door, and why (Postfix holds the connection, not mxfront). */
    static final Map<String, String> NEVER = never();

    private static Map<String, String> never() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("connection-limit", "Postfix holds the connection (use smtpd_client_connection_count_limit)");
        m.put("early-talker", "Postfix holds the connection (use postscreen's pregreet test)");
        return Map.copyOf(m);
    }

    private final DaemonConfig config;
    private final MilterSettings settings;
    private final MilterMeters meters;
    private final AtomicInteger connections = new AtomicInteger();
    private final ExecutorService executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("milter-", 0).factory());
    private final ChannelGroup channels = new DefaultChannelGroup("milter", GlobalEventExecutor.INSTANCE);
    private volatile PolicyEngine engine;
    private volatile DaemonConfig current;
    private volatile boolean draining;
    private EventLoopGroup boss;
    private EventLoopGroup workers;
    private Channel listener;

    public MilterDoor(DaemonConfig config, MxMeters meters) {
        this.config = config;
        this.current = config;
        this.settings = config.settings().milter();
        this.meters = new MilterMeters(meters);
        this.engine = usable(config);
        this.meters.gauge(connections::get);
    }

    /** The engine without the checks this door does not run, each named in one INFO/WARN line. */
    static PolicyEngine usable(DaemonConfig c) {
        Set<String> skip = new TreeSet<>(NEVER.keySet());
        List<String> configured = c.settings().milter().skipChecks();
        if (configured != null) skip.addAll(configured);
        PolicyEngine full = c.engine();
        Set<String> present = new TreeSet<>();
        List<Policy> all = new java.util.ArrayList<>(full.domainPolicies().values());
        all.add(full.defaultPolicy());
        for (Policy p : all) for (ConfiguredCheck cc : p.checks()) if (skip.contains(cc.name())) present.add(cc.name());
        for (String name : present) {
            LOG.warn("milter door: check {} is skipped at this door: {}", name,
                    NEVER.getOrDefault(name, "milter.skip-checks says so"));
        }
        return present.isEmpty() ? full : full.withChecks(cc -> !skip.contains(cc.name()));
    }

    @Override
    public String name() { return "milter"; }

    @Override
    public void start() throws IOException {
        boss = new NioEventLoopGroup(1, new DefaultThreadFactory("milter-accept", true));
        workers = new NioEventLoopGroup(Math.min(4, Runtime.getRuntime().availableProcessors()),
                new DefaultThreadFactory("milter-io", true));
        int maxPacket = settings.maxPacketLength();
        long idle = settings.idleTimeout().toMillis();
        MilterConnectionHandler.Admission admission = new MilterConnectionHandler.Admission() {
            @Override
            public boolean admit() {
                if (draining) return false;
                if (connections.incrementAndGet() > settings.maxConnections()) {
                    connections.decrementAndGet();
                    return false;
                }
                return true;
            }

            @Override
            public void released() {
                connections.decrementAndGet();
            }
        };
        ServerBootstrap b = new ServerBootstrap().group(boss, workers).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        channels.add(ch);
                        ch.pipeline().addLast(new IdleStateHandler(0, 0, idle, TimeUnit.MILLISECONDS));
                        ch.pipeline().addLast(MilterResponseEncoder.INSTANCE);
                        MilterRequestDecoder.addTo(ch.pipeline(), maxPacket);
                        ch.pipeline().addLast(new MilterConnectionHandler(executor, MilterDoor.this::newSession, meters, admission));
                    }
                });
        InetSocketAddress at = config.milterListen();
        try {
            listener = b.bind(at).syncUninterruptibly().channel();
        } catch (RuntimeException e) {
            close();
            throw new IOException("milter: cannot listen on " + at + ": " + e.getMessage(), e);
        }
        LOG.info("milter door listening on {}:{}", at.getAddress().getHostAddress(), port());
    }

    private MilterSession newSession() {
        return new MilterSession(() -> engine, current.settings().milter().contentReject());
    }

    @Override
    public int port() {
        return listener == null ? -1 : ((InetSocketAddress) listener.localAddress()).getPort();
    }

    @Override
    public void update(DaemonConfig next) {
        engine = usable(next);
        current = next;
    }

    @Override
    public void drain(Duration grace) {
        draining = true;
        if (listener != null) listener.close().syncUninterruptibly();
        long deadline = System.nanoTime() + grace.toNanos();
        while (connections.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public String notReady() {
        if (draining) return "milter: draining";
        return listener != null && listener.isActive() ? null : "milter: not listening";
    }

    @Override
    public void close() {
        draining = true;
        if (listener != null) listener.close().syncUninterruptibly();
        channels.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        if (workers != null) workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        if (boss != null) boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        executor.shutdownNow();
    }
}
