// What an operator touches every day, against a running mxfront: a real Prometheus scrape checked by
// promtool, /healthz and /readyz following the downstream, explain through the running daemon, a
// reload that refuses a broken file and keeps serving, the systemd unit verified by systemd-analyze,
// and a graceful stop that lets a transaction in progress finish.
package org.mxfront.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OperationsIT {
    @TempDir
    Path tmp;

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    static HttpResponse<String> get(Mxfront mx, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + mx.httpPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> post(Mxfront mx, String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + mx.httpPort() + path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static void sendOne(Mxfront mx, String subject) throws Exception {
        try (SmtpClient c = FrontDoorIT.hello(mx, "127.0.0.2", "client.sender.example")) {
            c.command("MAIL FROM:<a@sender.example>");
            c.command("RCPT TO:<x@elsewhere.example>");
            c.command("RCPT TO:<bob@example.com>");
            c.command("DATA");
            assertTrue(c.command("Subject: " + subject + "\r\n\r\nhi\r\n.").get(0).startsWith("250 2.0.0"));
        }
    }

    @Test
    void aRealScrapePassesPromtoolAndCarriesTheDecisions() throws Exception {
        try (SmtpSink sink = SmtpSink.start(tmp); Mxfront mx = Mxfront.start(sink.port)) {
            sendOne(mx, "scrape");
            HttpResponse<String> r = get(mx, "/metrics");
            assertEquals(200, r.statusCode());
            assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("text/plain; version=0.0.4"));
            String m = r.body();
            Scrapes.assertHas(m,
                    "mxfront_rejections_total{check=\"relay\",class=\"permanent\",code=\"XM-RJCT06\",mode=\"enforce\",stage=\"rcpt\"} 1.0",
                    "mxfront_transactions_total{outcome=\"accepted\"} 1.0",
                    "mxfront_connections_total{outcome=\"accepted\"} 1.0",
                    "mxfront_downstream_replies_total{class=\"2xx\",command=\"end_of_data\"} 1.0",
                    "mxfront_message_size_bytes_count 1",
                    "mxfront_check_duration_seconds_count{check=\"relay\"}",
                    "jvm_memory_used_bytes",
                    "process_uptime_seconds");
            // Every series the shipped Grafana dashboard queries exists (greylist and DNSBL ones once those checks run).
            java.util.regex.Matcher names = java.util.regex.Pattern.compile("\\b((?:mxfront|jvm)_[a-z_]+)")
                    .matcher(Files.readString(Path.of("config/grafana-dashboard.json")));
            while (names.find()) {
                String n = names.group(1).replaceAll("_(bucket|sum|count|max)$", "");
                if (n.contains("greylist") || n.contains("dnsbl")) continue;
                assertTrue(m.contains("\n" + n), "dashboard queries " + n + ", which the scrape lacks");
            }
            Scrapes.assertPromtoolAccepts(tmp, m);
        }
    }

    @Test
    void healthAndReadinessFollowTheDownstream() throws Exception {
        SmtpSink sink = SmtpSink.start(tmp);
        try (Mxfront mx = Mxfront.start(sink.port)) {
            assertEquals("ok\n", get(mx, "/healthz").body());
            HttpResponse<String> ready = get(mx, "/readyz");
            assertEquals(200, ready.statusCode(), ready.body());
            assertEquals("ready\n", ready.body());
            sink.close();
            Ports.await(() -> {
                try {
                    return get(mx, "/readyz").statusCode() == 503;
                } catch (Exception e) {
                    return false;
                }
            }, Duration.ofSeconds(20), "readyz turns 503 when the downstream is gone");
            assertEquals("downstream: /127.0.0.1:" + sink.port + " not reachable\n", get(mx, "/readyz").body());
            assertEquals(200, get(mx, "/healthz").statusCode());
        } finally {
            sink.close();
        }
    }

    @Test
    void explainThroughTheRunningDaemon() throws Exception {
        try (SmtpSink sink = SmtpSink.start(tmp); Mxfront mx = Mxfront.start(sink.port)) {
            String refused = get(mx, "/explain?client-ip=192.0.2.7&helo=client.sender.example&from=a@sender.example"
                    + "&rcpt=x@elsewhere.example").body();
            assertEquals("""
                    client unknown[192.0.2.7]
                    CONNECT        connection-limit   pass
                    HELO           helo               pass
                    MAIL           message-size       pass
                    RCPT           helo               pass
                    RCPT           relay              refuse: 550 5.7.1 XM-RJCT06: Unauthorized relay attempt
                    RCPT <x@elsewhere.example>: 550 5.7.1 XM-RJCT06: Unauthorized relay attempt
                    result: refused at RCPT by relay:
                      550-5.7.1 XM-RJCT06: Unauthorized relay attempt
                      550 5.7.1 [192.0.2.7] [mx.test]
                    """, refused);
            String accepted = post(mx, "/explain?client-ip=192.0.2.7&helo=client.sender.example&from=a@sender.example"
                    + "&rcpt=bob@example.com", "Subject: hi\n\nbody\n").body();
            assertTrue(accepted.endsWith("""
                    RCPT <bob@example.com>: accepted (the downstream would be asked next)
                    DATA           received-hops      pass
                    DATA           headers            pass
                    END-OF-MESSAGE message-size       pass
                    END-OF-MESSAGE attachments        pass
                    result: accepted: the message would be relayed downstream
                    """), accepted);
            assertEquals(0, sink.messages().size(), "explain relays nothing");
            // Admin actions are for loopback clients; a bad request is a 400 with a reason.
            assertEquals(400, get(mx, "/explain?rcpt=x@y.example").statusCode());
        }
    }

    @Test
    void aReloadWithABrokenFileKeepsTheOldConfigurationAndServing() throws Exception {
        Path file = tmp.resolve("mxfront.yml");
        try (SmtpSink sink = SmtpSink.start(tmp); Mxfront mx = Mxfront.startFromFile(file, sink.port, "")) {
            String good = Files.readString(file);
            Files.writeString(file, good + "replies:\n  prefixx: XX\n");
            HttpResponse<String> r = post(mx, "/reload", "");
            assertEquals(422, r.statusCode());
            assertTrue(r.body().startsWith("reload failed, previous configuration stays: " + file + ":"), r.body());
            assertTrue(r.body().contains(": replies.prefixx: unknown key"), r.body());
            try (SmtpClient c = FrontDoorIT.hello(mx, "127.0.0.2", "client.sender.example")) {
                c.command("MAIL FROM:<a@sender.example>");
                assertEquals("550-5.7.1 XM-RJCT06: Unauthorized relay attempt", c.command("RCPT TO:<x@elsewhere.example>").get(0));
            }
            Files.writeString(file, good + "replies:\n  prefix: XX-TEST\n");
            assertEquals(200, post(mx, "/reload", "").statusCode());
            try (SmtpClient c = FrontDoorIT.hello(mx, "127.0.0.2", "client.sender.example")) {
                c.command("MAIL FROM:<a@sender.example>");
                assertEquals("550-5.7.1 XX-TEST06: Unauthorized relay attempt", c.command("RCPT TO:<x@elsewhere.example>").get(0));
            }
            String m = get(mx, "/metrics").body();
            assertTrue(m.contains("mxfront_config_reloads_total{result=\"failure\"} 1.0"), m);
            assertTrue(m.contains("mxfront_config_reloads_total{result=\"success\"} 1.0"), m);
        }
    }

    @Test
    void aSessionInFlightKeepsItsConfigurationAcrossAReload() throws Exception {
        Path file = tmp.resolve("mxfront.yml");
        try (SmtpSink sink = SmtpSink.start(tmp); Mxfront mx = Mxfront.startFromFile(file, sink.port, "");
                SmtpClient before = FrontDoorIT.hello(mx, "127.0.0.2", "client.sender.example")) {
            Files.writeString(file, Files.readString(file) + "replies:\n  prefix: NEW\n");
            assertEquals(200, post(mx, "/reload", "").statusCode());
            before.command("MAIL FROM:<a@sender.example>");
            assertEquals("550-5.7.1 XM-RJCT06: Unauthorized relay attempt", before.command("RCPT TO:<x@elsewhere.example>").get(0));
        }
    }

    @Test
    void theSystemdUnitVerifies() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/systemd-analyze")), "systemd-analyze (package systemd)");
        // The unit runs /usr/bin/mxfront, which the Debian package installs (DebianPackageIT verifies the
        // installed unit): here a copy names a stand-in executable, so everything else is still checked.
        Path command = tmp.resolve("mxfront");
        Files.writeString(command, "#!/bin/sh\n");
        command.toFile().setExecutable(true);
        Path unit = tmp.resolve("mxfront.service");
        Files.writeString(unit, Files.readString(Path.of("systemd/mxfront.service")).replace("/usr/bin/mxfront", command.toString()));
        Process p = new ProcessBuilder("systemd-analyze", "verify", unit.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        assertEquals("", out.strip(), "systemd-analyze has no remarks");
    }

    @Test
    void gracefulStopLetsATransactionFinishAndRefusesNewcomers() throws Exception {
        try (SmtpSink sink = SmtpSink.start(tmp)) {
            Mxfront mx = Mxfront.start(sink.port);
            try (SmtpClient c = FrontDoorIT.hello(mx, "127.0.0.2", "client.sender.example")) {
                c.command("MAIL FROM:<a@sender.example>");
                assertEquals(List.of("250 2.1.5 Ok"), c.command("RCPT TO:<bob@example.com>"));
                CompletableFuture<Void> stopping = CompletableFuture.runAsync(mx::close);
                Ports.await(() -> {
                    try (SmtpClient late = mx.client("127.0.0.3")) {
                        return late.reply().equals(List.of("421-4.3.2 XM-RJCT59: Service shutting down, please try again later.",
                                "421 4.3.2 [127.0.0.3] [mx.test]"));
                    } catch (Exception e) {
                        return false;
                    }
                }, Duration.ofSeconds(10), "newcomers refused while draining");
                c.command("DATA");
                assertTrue(c.command("Subject: during shutdown\r\n\r\nhi\r\n.").get(0).startsWith("250 2.0.0"));
                c.command("QUIT");
                stopping.get(30, java.util.concurrent.TimeUnit.SECONDS);
            }
            sink.awaitMessageContaining("Subject: during shutdown");
        }
    }
}
