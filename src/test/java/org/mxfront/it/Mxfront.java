// An mxfront daemon started in-process by a test, on a free loopback port, with the test's YAML
// laid over the embedded defaults. The client and the downstream around it are real processes.
package org.mxfront.it;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.mxfront.Daemon;
import org.mxfront.Doors;
import org.mxfront.config.ConfigLoader;
import org.mxfront.config.DaemonConfig;

final class Mxfront implements AutoCloseable {
    static final String HOST = "mx.test";
    final Daemon daemon;
    /** The daemon's metrics, for tests that check what was counted. */
    final PrometheusMeterRegistry registry;

    private Mxfront(Daemon d, PrometheusMeterRegistry registry) {
        this.daemon = d;
        this.registry = registry;
    }

    /** Starts mxfront relaying to 127.0.0.1:downstreamPort; extraYaml is laid over a small base. */
    static Mxfront start(int downstreamPort, String extraYaml) throws Exception {
        String yaml = base(downstreamPort);
        PrometheusMeterRegistry r = org.mxfront.Daemon.newRegistry();
        ConfigLoader loader = new ConfigLoader(Doors.ALL);
        DaemonConfig cfg = loader.parse("it.yml", extraYaml.isBlank() ? yaml : merge(yaml, extraYaml), r);
        // start() returns once the listener is bound; no probe connection (it would count as a client).
        return new Mxfront(new Daemon(cfg, null, r).start(), r);
    }

    static String base(int downstreamPort) {
        return """
                server:
                  hostname: %s
                smtp:
                  listen: 127.0.0.1:0
                downstream:
                  address: 127.0.0.1:%d
                  command-timeout: 5s
                  data-timeout: 5s
                state-directory: target/it-state
                metrics:
                  listen: 127.0.0.1:0
                """.formatted(HOST, downstreamPort);
    }

    /**
     * Starts mxfront from a configuration FILE the test writes (base settings plus extraYaml), so that
     * reloads re-read it. Returns the daemon and the file.
     */
    static Mxfront startFromFile(java.nio.file.Path file, int downstreamPort, String extraYaml) throws Exception {
        String yaml = merge(base(downstreamPort), extraYaml.isBlank() ? "{}" : extraYaml);
        java.nio.file.Files.writeString(file, yaml);
        PrometheusMeterRegistry r = org.mxfront.Daemon.newRegistry();
        DaemonConfig cfg = new ConfigLoader(Doors.ALL).load(file, r);
        return new Mxfront(new Daemon(cfg, file, r).start(), r);
    }

    static Mxfront start(int downstreamPort) throws Exception {
        return start(downstreamPort, "");
    }

    /** Lays extra YAML over the base as the loader merges files (a `checks:` map is taken whole by the loader). */
    static String merge(String base, String extra) throws Exception {
        var mapper = new com.fasterxml.jackson.dataformat.yaml.YAMLMapper();
        var b = (com.fasterxml.jackson.databind.node.ObjectNode) mapper.readTree(base);
        ConfigLoader.merge(b, (com.fasterxml.jackson.databind.node.ObjectNode) mapper.readTree(extra));
        return mapper.writeValueAsString(b);
    }

    int port() { return daemon.smtpPort(); }

    int httpPort() { return daemon.httpPort(); }

    /** A client from the given loopback address (the greeting is not read yet). */
    SmtpClient client(String source) throws Exception {
        return new SmtpClient(source, port());
    }

    /**
     * Waits up to 10 s until the EHLO reply lists {@code extension} (SMTPUTF8, DSN): offered once the
     * downstream has been seen offering it (the start-up probe).
     */
    void awaitOffering(String extension) {
        Ports.await(() -> {
            try (SmtpClient c = client("127.0.0.2")) {
                c.reply();
                return c.command("EHLO client.sender.example").contains("250-" + extension);
            } catch (Exception e) {
                return false;
            }
        }, java.time.Duration.ofSeconds(10), "mxfront offering " + extension);
    }

    @Override
    public void close() {
        daemon.close();
    }
}
