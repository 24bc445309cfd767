// mxfront as a separate JVM, started the way an operator does (java -jar target/mxfront.jar run
// --config FILE; `mvn package` builds the jar before failsafe runs): for tests that kill it with
// SIGKILL or watch its threads, file descriptors and sockets from outside.
package org.mxfront.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

final class MxfrontProcess implements AutoCloseable {
    static final Path JAR = Path.of("target/mxfront.jar");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    final int port;
    final int metricsPort;
    final Path log;
    private final Process process;

    private MxfrontProcess(int port, int metricsPort, Path log, Process process) {
        this.port = port;
        this.metricsPort = metricsPort;
        this.log = log;
        this.process = process;
    }

    /** Writes the configuration (the ITs' base, fixed ports, extraYaml over it) and starts the JVM. */
    static MxfrontProcess start(Path dir, int port, int downstreamPort, String extraYaml, String... jvmOptions)
            throws Exception {
        if (!Files.isRegularFile(JAR)) throw new IllegalStateException(JAR + " is missing: run mvn package first");
        int metricsPort = Ports.free();
        String yaml = Mxfront.merge(Mxfront.base(downstreamPort), """
                smtp:
                  listen: 127.0.0.1:%d
                metrics:
                  listen: 127.0.0.1:%d
                state-directory: %s
                """.formatted(port, metricsPort, dir.resolve("state")));
        if (!extraYaml.isBlank()) yaml = Mxfront.merge(yaml, extraYaml);
        Path config = dir.resolve("mxfront-" + port + ".yml");
        Files.writeString(config, yaml);
        Path log = dir.resolve("mxfront-" + port + "-" + System.nanoTime() + ".log");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(List.of(jvmOptions));
        cmd.addAll(List.of("-jar", JAR.toString(), "run", "--config", config.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        MxfrontProcess mx = new MxfrontProcess(port, metricsPort, log, p);
        try {
            // Generous: a JVM starting a 55 MB jar on a loaded 2-core machine once took over 30 s (SoakIT).
            Ports.await(() -> mx.metricsAnswer() && p.isAlive(), Duration.ofSeconds(90), "mxfront JVM up");
        } catch (AssertionError e) {
            p.destroyForcibly();
            throw new AssertionError(e.getMessage() + "; log:\n" + mx.logText(), e);
        }
        Ports.awaitListening(port, Duration.ofSeconds(10));
        return mx;
    }

    long pid() { return process.pid(); }

    boolean alive() { return process.isAlive(); }

    /** SIGKILL: no shutdown hook, no drain, no flush. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    String logText() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private boolean metricsAnswer() {
        try {
            return metrics().contains("mxfront_connections_active");
        } catch (Exception e) {
            return false;
        }
    }

    /** The Prometheus scrape. */
    String metrics() throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    /** One unlabelled sample of the scrape. */
    double metric(String name) throws Exception {
        return metrics().lines().filter(l -> l.startsWith(name + " ")).mapToDouble(
                l -> Double.parseDouble(l.substring(l.indexOf(' ') + 1))).findFirst()
                .orElseThrow(() -> new AssertionError("no metric " + name));
    }

    /** Open file descriptors, counted in /proc. */
    int openFds() throws IOException {
        try (var s = Files.list(Path.of("/proc", Long.toString(pid()), "fd"))) {
            return (int) s.count();
        }
    }

    /** Resident set size in KiB, from /proc. */
    long rssKib() throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
            if (l.startsWith("VmRSS:")) return Long.parseLong(l.replaceAll("\\D", ""));
        }
        throw new IOException("no VmRSS");
    }

    /** Threads of the process as the kernel sees them (JVM-internal ones included). */
    int osThreads() throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
            if (l.startsWith("Threads:")) return Integer.parseInt(l.replaceAll("\\D", ""));
        }
        throw new IOException("no Threads");
    }

    /** Stops it the way systemd does (SIGTERM), forcibly if it does not go. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
