// An mxfront daemon started in-process by a test, on a free loopback port, with the test's YAML
// laid over the embedded defaults. The client and the downstream around it are real processes.
package org.mxfront.it;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.mxfront.Daemon;
import org.mxfront.config.ConfigLoader;
import org.mxfront.config.DaemonConfig;

final class Mxfront implements AutoCloseable {
    static final String HOST = "mx.test";
    final Daemon daemon;
    /** The daemon's metrics, for tests that check what was counted. */
    final SimpleMeterRegistry registry;

    private Mxfront(Daemon d, SimpleMeterRegistry registry) {
        this.daemon = d;
        this.registry = registry;
    }

    /** Starts mxfront relaying to 127.0.0.1:downstreamPort; extraYaml is laid over a small base. */
    static Mxfront start(int downstreamPort, String extraYaml) throws Exception {
        String yaml = """
                server:
                  hostname: %s
                  listen: 127.0.0.1:0
                downstream:
                  address: 127.0.0.1:%d
                  command-timeout: 5s
                  data-timeout: 5s
                state-directory: target/it-state
                """.formatted(HOST, downstreamPort);
        SimpleMeterRegistry r = new SimpleMeterRegistry();
        ConfigLoader loader = new ConfigLoader();
        DaemonConfig cfg = loader.parse("it.yml", extraYaml.isBlank() ? yaml : merge(yaml, extraYaml), r);
        Mxfront m = new Mxfront(new Daemon(cfg, r).start(), r);
        Ports.awaitListening(m.port(), Duration.ofSeconds(10));
        // The probe connection above counts until its session ends: tests of connection limits need it gone.
        Ports.await(() -> m.daemon.activeConnections() == 0, Duration.ofSeconds(10), "the listening probe's session ended");
        return m;
    }

    static Mxfront start(int downstreamPort) throws Exception {
        return start(downstreamPort, "");
    }

    /** Lays extra YAML over the base by parsing both as trees (so tests can override server keys). */
    private static String merge(String base, String extra) throws Exception {
        var mapper = new com.fasterxml.jackson.dataformat.yaml.YAMLMapper();
        var b = (com.fasterxml.jackson.databind.node.ObjectNode) mapper.readTree(base);
        var e = (com.fasterxml.jackson.databind.node.ObjectNode) mapper.readTree(extra);
        deepMerge(b, e);
        return mapper.writeValueAsString(b);
    }

    private static void deepMerge(com.fasterxml.jackson.databind.node.ObjectNode b,
            com.fasterxml.jackson.databind.node.ObjectNode e) {
        e.fields().forEachRemaining(f -> {
            var existing = b.get(f.getKey());
            if (existing instanceof com.fasterxml.jackson.databind.node.ObjectNode bo
                    && f.getValue() instanceof com.fasterxml.jackson.databind.node.ObjectNode eo
                    && !f.getKey().equals("checks")) {
                deepMerge(bo, eo);
            } else {
                b.set(f.getKey(), f.getValue());
            }
        });
    }

    int port() { return daemon.smtpPort(); }

    /** A client from the given loopback address (the greeting is not read yet). */
    SmtpClient client(String source) throws Exception {
        return new SmtpClient(source, port());
    }

    @Override
    public void close() {
        daemon.close();
    }
}
