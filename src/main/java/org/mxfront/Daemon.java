// Wiring only: from a loaded configuration, build the doors that it enables (each registered kind in
// Doors), the admin HTTP endpoint and the web console, start them, reload on request, and stop them in order
// (gracefully). Doors are known only through DoorType and Door, checks' admin actions only through
// the engine's admin hook. No framework container.
package org.mxfront;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mxfront.api.PolicyApi;
import org.mxfront.config.ConfigException;
import org.mxfront.config.ConfigLoader;
import org.mxfront.config.DaemonConfig;
import org.mxfront.config.DoorSettings;
import org.mxfront.config.StoreDomains;
import org.mxfront.console.Authenticator;
import org.mxfront.console.ConsoleBackend;
import org.mxfront.console.ConsoleServer;
import org.mxfront.console.Journal;
import org.mxfront.console.LdapLogin;
import org.mxfront.console.StoreLogin;
import org.mxfront.console.UsersFile;
import org.mxfront.door.Door;
import org.mxfront.door.DoorContext;
import org.mxfront.door.DoorType;
import org.mxfront.explain.Explainer;
import org.mxfront.mail.MeterNames;
import org.mxfront.metrics.AdminHttpServer;
import org.mxfront.metrics.MxMeters;
import org.mxfront.policy.CheckAdmin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running mxfront. */
public final class Daemon implements AutoCloseable, ConsoleBackend {
    private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);

    private final DaemonConfig config;
    private final Path configFile;
    private final MeterRegistry registry;
    private final MxMeters meters;
    private final List<Opened<?>> doors = new ArrayList<>();
    private volatile DaemonConfig current;
    /** The last reload's outcome, for the console's dashboard (null: none since start). */
    private volatile Reload lastReload;
    private final JvmGcMetrics gcMetrics = new JvmGcMetrics();
    private AdminHttpServer http;
    private ConsoleServer console;
    private Journal journal;
    /** The policy store's API, or null when the store is off. */
    private final PolicyApi policyApi;

    /** A running door with its kind, which finds its settings in a reloaded configuration. */
    private record Opened<S extends DoorSettings>(DoorType<?, S> type, Door<S> door) {
        static <S extends DoorSettings> Opened<S> open(DoorType<?, S> type, DaemonConfig c, MxMeters meters) {
            Door<S> d = type.open(c, meters);
            return d == null ? null : new Opened<>(type, d);
        }

        void update(DaemonConfig next) {
            DoorContext<S> ctx = type.context(next);
            if (ctx == null) LOG.warn("reload: the {} door is off in the new configuration: doors change only on restart", type.name());
            else door.update(ctx);
        }
    }

    /**
     * @param config     the configuration to start with
     * @param configFile where it came from (reloads re-read it), or null for the embedded defaults
     * @param registry   the metrics registry (a PrometheusMeterRegistry makes /metrics available)
     */
    public Daemon(DaemonConfig config, Path configFile, MeterRegistry registry) {
        this.config = config;
        this.configFile = configFile;
        this.registry = registry;
        this.meters = new MxMeters(registry);
        this.current = config;
        for (DoorType<?, ?> t : Doors.ALL) {
            Opened<?> o = Opened.open(t, config, meters);
            if (o != null) doors.add(o);
        }
        this.policyApi = config.engine().directory() instanceof StoreDomains sd
                ? new PolicyApi(sd.service(),
                        () -> current.engine().directory() instanceof StoreDomains c ? c : sd,
                        d -> current.engine().isLocalDomain(d), () -> current.engine())
                : null;
        for (var binder : List.of(new JvmMemoryMetrics(), gcMetrics, new JvmThreadMetrics(), new ClassLoaderMetrics(),
                new ProcessorMetrics(), new UptimeMetrics(), new FileDescriptorMetrics())) {
            binder.bindTo(registry);
        }
    }

    /**
     * The registry the daemon's metrics go to, filtered before any meter is registered (Micrometer
     * warns otherwise): Micrometer's process.cpu.time is in "ns", which Prometheus' naming rules
     * (promtool) reject; process_cpu_usage carries the same information.
     */
    public static PrometheusMeterRegistry newRegistry() {
        PrometheusMeterRegistry r = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        r.config().meterFilter(MeterFilter.deny(
                id -> id.getName().equals("process.cpu.time") || id.getName().equals("system.cpu.count")));
        return r;
    }

    /** Starts listening. */
    public Daemon start() throws IOException, InterruptedException {
        Files.createDirectories(config.stateDirectory());
        // The policy store's first snapshot (from the database, else the local file) before any door
        // listens: a domain of the store must not be refused as foreign while it loads.
        if (config.engine().directory() instanceof StoreDomains sd) sd.service().start();
        for (Opened<?> o : doors) o.door().start();
        config.resources().start();
        if (config.metricsListen() != null) {
            http = new AdminHttpServer(config.metricsListen(),
                    registry instanceof PrometheusMeterRegistry p ? p : null, this).start();
            LOG.info("metrics and admin endpoint on {}:{}", config.metricsListen().getAddress().getHostAddress(), http.port());
        }
        if (config.journal() != null) {
            journal = new Journal(config.journal().store().dataSource(), config.engine().decisionLog().feed(),
                    config.journal().keep(), registry, Clock.systemUTC()).start();
            LOG.info("decision journal in {} (kept {} days)", config.journal().store().description(), config.journal().keep().toDays());
        }
        if (config.console() != null) {
            DaemonConfig.Console c = config.console();
            List<Authenticator> sources = new ArrayList<>();
            if (c.usersFile() != null) sources.add(new UsersFile(c.usersFile()));
            if (c.store() != null) sources.add(new StoreLogin(c.store()));
            if (c.ldapLogin()) sources.add(LdapLogin.from(this::config, c));
            console = new ConsoleServer(c, this, config.engine().decisionLog().feed(), Authenticator.chain(sources), journal)
                    .start();
            LOG.info("console on {}://{}:{}", c.tls() == null ? "http" : "https", c.listen().getAddress().getHostAddress(),
                    console.port());
        }
        return this;
    }

    /** The SMTP door's port; -1 when it is off. */
    public int smtpPort() { return port("smtp"); }

    /** The policy-delegation door's port; -1 when it is off. */
    public int policyPort() { return port("policy"); }

    /** The milter door's port; -1 when it is off. */
    public int milterPort() { return port("milter"); }

    /** A door's port by its name; -1 when that door is off. */
    public int port(String door) {
        for (Opened<?> o : doors) if (o.door().name().equals(door)) return o.door().port();
        return -1;
    }

    /** The console's port, or -1 when it is off. */
    public int consolePort() { return console == null ? -1 : console.port(); }

    /** The admin HTTP port, or -1 when it is off. */
    public int httpPort() { return http == null ? -1 : http.port(); }

    @Override
    public DaemonConfig config() { return current; }

    @Override
    public List<DoorState> doors() {
        List<DoorState> out = new ArrayList<>();
        for (Opened<?> o : doors) {
            Door<?> d = o.door();
            String why = d.notReady();
            String state = why == null || why.startsWith("downstream") ? "listening"
                    : why.contains("draining") ? "draining" : "not listening";
            String gauge = switch (d.name()) {
                case "smtp" -> MeterNames.CONNECTIONS_ACTIVE;
                case "policy" -> MeterNames.POLICY_CONNECTIONS;
                default -> "mxfront." + d.name() + ".connections.active";
            };
            var g = registry.find(gauge).gauge();
            out.add(new DoorState(d.name(), d.port(), state, g == null ? 0 : (long) g.value()));
        }
        return out;
    }

    @Override
    public String downstream() {
        for (Opened<?> o : doors) {
            String d = o.door().downstream();
            if (d != null) return d;
        }
        return "none (the SMTP door is off)";
    }


    /**
     * Re-reads the configuration file (SIGHUP, POST /reload). An invalid file leaves the running
     * configuration in force; the error is logged with file, line and key, and counted.
     */
    @Override
    public Map.Entry<Boolean, String> reload() {
        try {
            // the same shared resources: a reload keeps the open greylisting store
            DaemonConfig next = new ConfigLoader(Doors.ALL, Clock.systemUTC(), config.resources()).load(configFile, registry);
            current = next;
            for (Opened<?> o : doors) o.update(next);
            meters.reload(true);
            LOG.info("reload: configuration from {} in force for new connections", next.source());
            lastReload = new Reload(Instant.now(), true, "reloaded " + next.source());
            return Map.entry(true, "reloaded " + next.source());
        } catch (ConfigException e) {
            meters.reload(false);
            LOG.error("reload failed, the previous configuration stays in force: {}", e.getMessage());
            lastReload = new Reload(Instant.now(), false, e.getMessage());
            return Map.entry(false, "reload failed, previous configuration stays: " + e.getMessage());
        }
    }

    @Override
    public Reload lastReload() {
        return lastReload;
    }

    @Override
    public String notReady() {
        StringBuilder why = new StringBuilder();
        for (Opened<?> o : doors) {
            String r = o.door().notReady();
            if (r != null) why.append(r).append('\n');
        }
        return why.isEmpty() ? null : why.toString();
    }

    @Override
    public String explain(Map<String, List<String>> p, byte[] message) {
        String ip = first(p, "client-ip");
        if (ip == null) throw new IllegalArgumentException("client-ip is required");
        try {
            InetAddress client = InetAddress.getByName(ip);
            if (!ip.matches("[0-9a-fA-F:.]+")) throw new IllegalArgumentException("client-ip must be an address");
            List<String> rcpt = p.getOrDefault("rcpt", List.of());
            String from = first(p, "from");
            DaemonConfig c = current;
            return Explainer.explain(c.engine(), new Explainer.Request(client, first(p, "helo"),
                    from == null ? "" : from, rcpt, message), Doors.enhancedStatusCodes(c));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("client-ip must be an address");
        }
    }

    @Override
    public Map.Entry<Integer, String> api(String method, String path, Map<String, List<String>> params, String authorization,
            byte[] body) {
        PolicyApi a = policyApi;
        if (a == null) return null;
        PolicyApi.Response r = a.handle(new PolicyApi.Request(method, path, params, authorization, body));
        return Map.entry(r.status(), r.json());
    }

    @Override
    public Set<String> adminNames() {
        return current.engine().adminNames();
    }

    @Override
    public String admin(String name, Map<String, List<String>> params) {
        CheckAdmin a = current.engine().admin(name).orElseThrow(() -> new IllegalArgumentException(
                "no check of the running configuration offers '" + name + "' (offered: " + current.engine().adminNames() + ")"));
        return a.run(params);
    }

    @Override
    public boolean readOnly(String name, String action) {
        return current.engine().admin(name).map(a -> a.readOnly(action)).orElse(true);
    }

    private static String first(Map<String, List<String>> p, String k) {
        List<String> v = p.get(k);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    /** Graceful stop: refuse new connections, let transactions finish within server.shutdown-grace, close. */
    @Override
    public void close() {
        LOG.info("mxfront stopping");
        // Every door drains at once (one grace period for all), then every door closes.
        Duration grace = current.settings().server().shutdownGrace();
        List<Thread> drains = doors.stream().map(o -> Thread.ofVirtual().start(() -> o.door().drain(grace))).toList();
        for (Thread t : drains) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (Opened<?> o : doors) o.door().close();
        if (http != null) http.close();
        if (console != null) console.close();
        if (journal != null) journal.close();
        config.resources().close();
        gcMetrics.close();
        LOG.info("mxfront stopped");
    }
}
