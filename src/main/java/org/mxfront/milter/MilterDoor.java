// The milter door (smtpd_milters = inet:127.0.0.1:10050): a Netty server speaking milter protocol 6
// to Postfix. Postfix keeps port 25, its TLS and its queue; each of its SMTP clients gets one milter
// connection here and every mxfront check, content included, through the same policy engine as the
// other doors. Owns its event loops, its virtual-thread executor and the connection count.
package org.mxfront.milter;

import io.netty.handler.timeout.IdleStateHandler;
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
import org.mxfront.door.NettyListener;
import org.mxfront.metrics.MxMeters;
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
    private final NettyListener listener = new NettyListener("milter");
    private volatile PolicyEngine engine;
    private volatile DaemonConfig current;

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
        List<String> present = full.checkNames().stream().filter(skip::contains).toList();
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
        int maxPacket = settings.maxPacketLength();
        long idle = settings.idleTimeout().toMillis();
        MilterConnectionHandler.Admission admission = new MilterConnectionHandler.Admission() {
            @Override
            public boolean admit() {
                if (listener.draining()) return false;
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
        InetSocketAddress at = config.milterListen();
        listener.bind(at, "milter", ch -> {
            ch.pipeline().addLast(new IdleStateHandler(0, 0, idle, TimeUnit.MILLISECONDS));
            ch.pipeline().addLast(MilterResponseEncoder.INSTANCE);
            MilterRequestDecoder.addTo(ch.pipeline(), maxPacket);
            ch.pipeline().addLast(new MilterConnectionHandler(executor, MilterDoor.this::newSession, meters, admission));
        });
        LOG.info("milter door listening on {}:{}", at.getAddress().getHostAddress(), port());
    }

    private MilterSession newSession() {
        return new MilterSession(() -> engine, current.settings().milter().contentReject());
    }

    @Override
    public int port() {
        return listener.port();
    }

    @Override
    public void update(DaemonConfig next) {
        engine = usable(next);
        current = next;
    }

    @Override
    public void drain(Duration grace) {
        listener.drain(grace, connections::get);
    }

    @Override
    public String notReady() {
        return listener.notReady();
    }

    @Override
    public void close() {
        listener.close();
        executor.shutdownNow();
    }
}
