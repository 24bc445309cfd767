// The Postfix policy-delegation door (SMTPD_POLICY_README): a Netty server on policy-server.listen
// that Postfix's check_policy_service connects to. Each smtpd process keeps one connection and sends
// request after request on it; each is decoded, mapped to the engine and answered with one action=
// line. Owns its event loops, its virtual-thread executor and its per-message state.
package org.mxfront.policyserver;

import io.netty.handler.timeout.IdleStateHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.mxfront.door.NettyDoor;
import org.mxfront.door.DoorContext;
import org.mxfront.door.DoorType;
import org.mxfront.door.DoorEngine;
import org.mxfront.metrics.MxMeters;
import org.mxfront.policy.Decision;
import org.mxfront.policy.Fact;
import org.mxfront.policy.PolicyEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The policy-delegation door. */
public final class PolicyServerDoor extends NettyDoor<PolicyDoorSettings> {
    private static final Logger LOG = LoggerFactory.getLogger(PolicyServerDoor.class);

    /** This door's kind, for the registry (org.mxfront.Doors). */
    public static final DoorType<PolicyDoorSettings.Sections, PolicyDoorSettings> TYPE = new DoorType<>("policy",
            PolicyDoorSettings.Sections.class, PolicyDoorSettings::validate, PolicyServerDoor::new);

    private final InetSocketAddress listen;
    private final PolicyServerSettings settings;
    private final PolicyMeters meters;
    private final Traffic traffic;
    private final InstanceTable instances;
    private final PolicyMapper mapper;
    private volatile PolicyEngine engine;
    /** Postfix sends attributes: neither the connection nor the message reaches this door. */
    private final DoorEngine checks = new DoorEngine("policy", Set.of(), Map.of(
            Fact.CONNECTION, "Postfix holds the connection (use smtpd_client_connection_count_limit, postscreen)",
            Fact.MESSAGE, "no message content reaches a policy service",
            Fact.HEADER_EDIT, "a policy service cannot add headers (use the milter door)"));

    public PolicyServerDoor(DoorContext<PolicyDoorSettings> ctx, MxMeters meters) {
        super("policy");
        this.listen = ctx.settings().listen();
        this.settings = ctx.settings().section();
        this.meters = new PolicyMeters(meters);
        this.traffic = new Traffic(settings.maxConnections());
        this.instances = new InstanceTable(settings.maxInstances(), settings.instanceTimeout());
        this.engine = checks.usable(ctx.engine());
        this.mapper = new PolicyMapper(() -> engine, instances);
        this.meters.gauges(traffic::connections, instances::size);
    }

    @Override
    public String name() { return "policy"; }

    @Override
    public void start() throws IOException {
        int maxLine = settings.maxLineLength();
        int maxAttributes = settings.maxAttributes();
        long idle = settings.idleTimeout().toMillis();
        InetSocketAddress at = listen;
        listener.bind(at, "policy-server", ch -> {
            PolicyMapper.Connection connection = mapper.connection();
            ch.pipeline().addLast(new IdleStateHandler(0, 0, idle, TimeUnit.MILLISECONDS),
                    new PolicyRequestDecoder(maxLine, maxAttributes),
                    new PolicyConnectionHandler(executor, new PolicyConnectionHandler.Answerer() {
                        @Override
                        public String answer(PolicyRequest r) {
                            return PolicyServerDoor.this.answer(connection.prepare(r), r.state(), System.nanoTime());
                        }

                        @Override
                        public PolicyConnectionHandler.Job prepare(PolicyRequest r) {
                            long t0 = System.nanoTime();
                            PolicyMapper.Prepared p = connection.prepare(r);
                            return new PolicyConnectionHandler.Job(p.mayBlock(), () -> PolicyServerDoor.this.answer(p, r.state(), t0));
                        }
                    }, meters, traffic));
        });
        LOG.info("policy-delegation door listening on {}:{}", at.getAddress().getHostAddress(), port());
    }

    /** One request's answer: the engine's decision as an action= value, counted and timed from {@code t0}. */
    private String answer(PolicyMapper.Prepared prepared, PolicyAttributes.State state, long t0) {
        Decision d = prepared.decide();
        meters.request(state, PolicyActions.label(d), System.nanoTime() - t0);
        return PolicyActions.render(d);
    }

    @Override
    public void update(DoorContext<PolicyDoorSettings> next) {
        if (!next.settings().equals(new PolicyDoorSettings(listen, settings))) {
            LOG.warn("reload: policy-server settings change only on restart");
        }
        engine = checks.usable(next.engine());
    }

    @Override
    protected int inFlight() {
        return traffic.inFlight();
    }
}
