// Wiring only: from a loaded configuration, build the downstream relay and the SMTP front door,
// start them, and stop them in order. No framework container.
package org.mxfront;

import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import org.mxfront.config.DaemonConfig;
import org.mxfront.relay.DownstreamRelay;
import org.mxfront.smtp.SmtpFrontDoor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running mxfront. */
public final class Daemon implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);

    private final DaemonConfig config;
    private final DownstreamRelay relay;
    private final SmtpFrontDoor front;

    public Daemon(DaemonConfig config, MeterRegistry registry) {
        this.config = config;
        this.relay = new DownstreamRelay(config.downstream(), config.settings().downstream(), config.hostname());
        this.front = new SmtpFrontDoor(config, relay, registry);
    }

    /** Starts listening; learns the downstream's extensions in the background. */
    public Daemon start() throws IOException {
        Files.createDirectories(config.stateDirectory());
        front.start();
        Thread.ofVirtual().name("downstream-probe").start(relay::probe);
        return this;
    }

    public int smtpPort() { return front.port(); }

    /** SMTP connections open now. */
    public int activeConnections() { return front.activeConnections(); }

    /**
     * Re-reads the configuration (SIGHUP). An invalid file leaves the running configuration in
     * force and the error is logged with file, line and key.
     *
     * @return true when the new configuration was put in force
     */
    public boolean reload(java.nio.file.Path file, io.micrometer.core.instrument.MeterRegistry registry) {
        try {
            DaemonConfig next = new org.mxfront.config.ConfigLoader().load(file, registry);
            if (!next.listen().equals(config.listen()) || !next.downstream().equals(config.downstream())) {
                LOG.warn("reload: listen and downstream addresses change only on restart");
            }
            front.update(next);
            LOG.info("reload: configuration from {} in force for new connections", next.source());
            return true;
        } catch (org.mxfront.config.ConfigException e) {
            LOG.error("reload failed, the previous configuration stays in force: {}", e.getMessage());
            return false;
        }
    }

    public DaemonConfig config() { return config; }

    @Override
    public void close() {
        LOG.info("mxfront stopping");
        front.close();
        relay.close();
    }
}
