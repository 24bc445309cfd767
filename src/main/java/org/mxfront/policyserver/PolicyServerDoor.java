// The Postfix policy-delegation door (SMTPD_POLICY_README): a Netty server on policy-server.listen
// that Postfix's check_policy_service connects to. Each smtpd process keeps one connection and sends
// request after request on it; each is decoded, mapped to the engine and answered with one action=
// line. Owns its event loops, its virtual-thread executor and its per-message state.
package org.mxfront.policyserver;

import io.netty.handler.timeout.IdleStateHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.mxfront.config.DaemonConfig;
import org.mxfront.config.Settings.PolicyServerSettings;
import org.mxfront.door.Door;
import org.mxfront.door.NettyListener;
import org.mxfront.metrics.MxMeters;
import org.mxfront.policy.Decision;
import org.mxfront.policy.PolicyEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The policy-delegation door. */
public final class PolicyServerDoor implements Door {
    private static final Logger LOG = LoggerFactory.getLogger(PolicyServerDoor.class);

    private final DaemonConfig config;
    private final PolicyServerSettings settings;
    private final PolicyMeters meters;
    private final Traffic traffic;
    private final InstanceTable instances;
    private final PolicyMapper mapper;
    private final ExecutorService executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("policy-", 0).factory());
    private final NettyListener listener = new NettyListener("policy");
    private volatile PolicyEngine engine;
    /** The checks skipped now, so that a reload warns only when they change. */
    private List<String> skipped = List.of();

    public PolicyServerDoor(DaemonConfig config, MxMeters meters) {
        this.config = config;
        this.settings = config.settings().policyServer();
        this.meters = new PolicyMeters(meters);
        this.traffic = new Traffic(settings.maxConnections());
        this.instances = new InstanceTable(settings.maxInstances(), settings.instanceTimeout());
        this.engine = usable(config.engine());
        this.mapper = new PolicyMapper(() -> engine, instances);
        this.meters.gauges(traffic::connections, instances::size);
    }

    /** The engine without the checks this door cannot run, each named in one WARN (again after a reload only if they changed). */
    private synchronized PolicyEngine usable(PolicyEngine full) {
        List<String> now = DoorChecks.skippedIn(full);
        if (!now.equals(skipped)) {
            for (String name : now) {
                LOG.warn("policy door: check {} is skipped at this door: {}", name, DoorChecks.SKIPPED.get(name));
            }
            skipped = now;
        }
        return now.isEmpty() ? full : DoorChecks.restrict(full);
    }

    @Override
    public String name() { return "policy"; }

    @Override
    public void start() throws IOException {
        int maxLine = settings.maxLineLength();
        int maxAttributes = settings.maxAttributes();
        long idle = settings.idleTimeout().toMillis();
        InetSocketAddress at = config.policyListen();
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
    public int port() {
        return listener.port();
    }

    @Override
    public void update(DaemonConfig next) {
        engine = usable(next.engine());
    }

    @Override
    public void drain(Duration grace) {
        listener.drain(grace, traffic::inFlight);
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
