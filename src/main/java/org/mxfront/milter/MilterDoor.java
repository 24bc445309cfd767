// The milter door (smtpd_milters = inet:127.0.0.1:10050): a Netty server speaking milter protocol 6
// to Postfix. Postfix keeps port 25, its TLS and its queue; each of its SMTP clients gets one milter
// connection here and every mxfront check, content included, through the same policy engine as the
// other doors. Owns its event loops, its virtual-thread executor and the connection count.
package org.mxfront.milter;

import io.netty.handler.timeout.IdleStateHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.mxfront.door.NettyDoor;
import org.mxfront.door.DoorContext;
import org.mxfront.door.DoorType;
import org.mxfront.door.DoorEngine;
import org.mxfront.metrics.MxMeters;
import org.mxfront.policy.Fact;
import org.mxfront.policy.PolicyEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The milter door. */
public final class MilterDoor extends NettyDoor<MilterDoorSettings> {
    private static final Logger LOG = LoggerFactory.getLogger(MilterDoor.class);

    /** This door's kind, for the registry (org.mxfront.Doors). */
    public static final DoorType<MilterDoorSettings.Sections, MilterDoorSettings> TYPE = new DoorType<>("milter",
            MilterDoorSettings.Sections.class, MilterDoorSettings::validate, MilterDoor::new);

    /** Postfix holds the connection; the message and the right to edit headers reach this door. */
    static DoorEngine checks() {
        return new DoorEngine("milter", Set.of(Fact.MESSAGE, Fact.HEADER_EDIT),
                Map.of(Fact.CONNECTION, "Postfix holds the connection (use smtpd_client_connection_count_limit, postscreen)"));
    }

    private final DoorEngine checks = checks();
    private final InetSocketAddress listen;
    private final MilterSettings settings;
    private final MilterMeters meters;
    private final AtomicInteger connections = new AtomicInteger();
    private volatile PolicyEngine engine;
    private volatile MilterSettings current;

    public MilterDoor(DoorContext<MilterDoorSettings> ctx, MxMeters meters) {
        super("milter");
        this.listen = ctx.settings().listen();
        this.settings = ctx.settings().section();
        this.current = settings;
        this.meters = new MilterMeters(meters);
        this.engine = usable(checks, ctx);
        this.meters.gauge(connections::get);
    }

    /** The engine without the checks this door cannot run, nor those milter.skip-checks names, each in one WARN. */
    static PolicyEngine usable(DoorEngine checks, DoorContext<MilterDoorSettings> c) {
        PolicyEngine full = checks.usable(c.engine());
        List<String> configured = c.settings().section().skipChecks();
        if (configured == null || configured.isEmpty()) return full;
        Set<String> skip = Set.copyOf(configured);
        List<String> present = full.checkNames().stream().filter(skip::contains).toList();
        for (String name : present) LOG.warn("milter door: check {} is skipped at this door: milter.skip-checks says so", name);
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
        InetSocketAddress at = listen;
        listener.bind(at, "milter", ch -> {
            ch.pipeline().addLast(new IdleStateHandler(0, 0, idle, TimeUnit.MILLISECONDS));
            ch.pipeline().addLast(MilterResponseEncoder.INSTANCE);
            MilterRequestDecoder.addTo(ch.pipeline(), maxPacket);
            ch.pipeline().addLast(new MilterConnectionHandler(executor, MilterDoor.this::newSession, meters, admission));
        });
        LOG.info("milter door listening on {}:{}", at.getAddress().getHostAddress(), port());
    }

    private MilterSession newSession() {
        return new MilterSession(() -> engine, current.contentReject());
    }

    @Override
    public void update(DoorContext<MilterDoorSettings> next) {
        if (!next.settings().listen().equals(listen)) LOG.warn("reload: milter.listen changes only on restart");
        engine = usable(checks, next);
        current = next.settings().section();
    }

    @Override
    protected int inFlight() {
        return connections.get();
    }
}
