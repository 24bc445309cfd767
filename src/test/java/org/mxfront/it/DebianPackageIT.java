// The Debian package as an operator gets it: installed with dpkg -i, its configuration checked, its
// systemd unit verified, the installed daemon (its own jlink runtime, AOT cache, BoringSSL, Lettuce)
// started and a message sent through it with STARTTLS and Redis greylisting to smtp-sink, then
// removed and purged, leaving only what Debian policy keeps (the system user). It installs
// system-wide, so it runs only where asked: CI=true (CI, a fresh machine, as root) or
// -Dmxfront.deb.it=true, and never over an installed mxfront.
package org.mxfront.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mxfront.tls.TestCertificates;

class DebianPackageIT {
    @TempDir
    Path tmp;

    /** A command's exit code and its output (stdout and stderr together). */
    record Result(int exit, String out) {}

    static Result run(Map<String, String> env, String... cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(String.join(" ", cmd) + " did not finish in 180 s");
        }
        return new Result(p.exitValue(), out);
    }

    static Result run(String... cmd) throws IOException, InterruptedException {
        return run(Map.of(), cmd);
    }

    static Result ok(String... cmd) throws IOException, InterruptedException {
        Result r = run(cmd);
        assertEquals(0, r.exit(), String.join(" ", cmd) + ":\n" + r.out());
        return r;
    }

    static Path theDeb() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("target"))) {
            return s.filter(p -> p.getFileName().toString().matches("mxfront_.*\\.deb")).findFirst().orElse(null);
        }
    }

    static boolean installed() throws Exception {
        Result r = run("dpkg-query", "-W", "-f=${db:Status-Abbrev}", "mxfront");
        return r.exit() == 0 && !r.out().startsWith("un");
    }

    @Test
    void installsRunsAMessageThroughAndPurgesClean() throws Exception {
        boolean ci = "true".equals(System.getenv("CI"));
        assumeTrue(ci || Boolean.getBoolean("mxfront.deb.it"),
                "installs a package system-wide: only on CI (CI=true) or with -Dmxfront.deb.it=true");
        assumeTrue(Ports.isRoot(), "dpkg -i needs root");
        Path deb = theDeb();
        if (deb == null) fail("no target/mxfront_*.deb: build it with mvn -Pdeb package (.ci/test does when CI=true)");
        assumeTrue(!installed() && !Files.exists(Path.of("/etc/mxfront")),
                "mxfront is already installed here (or /etc/mxfront exists): not touching it");
        boolean userExisted = run("getent", "passwd", "mxfront").exit() == 0;
        try {
            ok("dpkg", "-i", deb.toString());
            installedPackageWorks();
            removeKeepsConfigurationAndPurgeLeavesOnlyTheUser();
        } finally {
            if (installed()) run("dpkg", "-P", "mxfront");
            if (!userExisted) {
                run("deluser", "--system", "--quiet", "mxfront");
                run("delgroup", "--system", "--quiet", "mxfront");
            }
        }
    }

    private void installedPackageWorks() throws Exception {
        assertEquals("/usr/bin/mxfront", ok("sh", "-c", "command -v mxfront").out().strip(), "mxfront on the PATH");
        assertEquals("/etc/mxfront/mxfront.yml: OK (8 checks, listen smtp 127.0.0.1:2525, downstream 127.0.0.1:10025)\n"
                + "local domains (1): example.com",
                ok("mxfront", "check-config", "/etc/mxfront/mxfront.yml").out().strip());
        Result verify = ok("systemd-analyze", "verify", "/lib/systemd/system/mxfront.service");
        assertEquals("", verify.out().strip(), "systemd-analyze has no remarks on the installed unit");
        assertTrue(ok("dpkg-query", "-W", "-f=${Conffiles}", "mxfront").out().contains("/etc/mxfront/mxfront.yml "),
                "the configuration is a conffile");
        String user = ok("getent", "passwd", "mxfront").out().strip();
        assertTrue(user.endsWith(":/var/lib/mxfront:/usr/sbin/nologin"), user);
        assertEquals("mxfront:mxfront 750", ok("stat", "-c", "%U:%G %a", "/var/lib/mxfront").out().strip());
        assertEquals("root:mxfront 640", ok("stat", "-c", "%U:%G %a", "/etc/mxfront/mxfront.yml").out().strip());
        // The runtime is the package's own (no JDK from Debian needed), and the AOT cache made for it
        // at build time is used: mxfront's own classes come out of it.
        Result modules = ok("/usr/lib/mxfront/runtime/bin/java", "--list-modules");
        assertFalse(modules.out().contains("jdk.compiler"), "a trimmed runtime:\n" + modules.out());
        Result classes = run(Map.of("MXFRONT_JAVA_OPTS", "-Xlog:class+load=info"), "mxfront", "codes");
        assertEquals(0, classes.exit(), classes.out());
        assertTrue(classes.out().contains("org.mxfront.Main source: shared objects file"), "the AOT cache is used");
        // A cache the JVM cannot use (here a truncated copy) is ignored: the command still works.
        Path broken = tmp.resolve("broken.aot");
        try (var in = Files.newInputStream(Path.of("/usr/lib/mxfront/mxfront.aot"))) {
            Files.write(broken, in.readNBytes(1 << 20));
        }
        Result ignored = run("/usr/lib/mxfront/runtime/bin/java", "-XX:AOTCache=" + broken, "-jar", "/usr/lib/mxfront/mxfront.jar",
                "check-config", "/etc/mxfront/mxfront.yml");
        assertEquals(0, ignored.exit(), ignored.out());
        assertTrue(ignored.out().contains("/etc/mxfront/mxfront.yml: OK"), ignored.out());

        // Redis greylisting too: Lettuce on the trimmed runtime (no jdk.jfr in it).
        try (SmtpSink sink = SmtpSink.start(tmp); RedisServer redis = RedisServer.start(tmp)) {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.copy(TestCertificates.RSA.chain(), tmp.resolve("cert.pem"));
            Files.copy(TestCertificates.RSA.key(), tmp.resolve("key.pem"));
            int port = Ports.free();
            Path config = Files.writeString(tmp.resolve("mxfront.yml"), """
                    server: { hostname: mx.test }
                    smtp:
                      listen: 127.0.0.1:%d
                      tls: { certificates: [ { chain: %s, key: %s } ] }
                    downstream: { address: 127.0.0.1:%d }
                    state-directory: /var/lib/mxfront
                    metrics: { listen: "" }
                    checks:
                      relay: {}
                      greylist: { enabled: true, allow-recipients: [carol@example.com], store: { type: redis, redis-uri: "%s" } }
                    """.formatted(port, tmp.resolve("cert.pem"), tmp.resolve("key.pem"), sink.port, redis.uri()));
            // Netty says at DEBUG which TLS library it loaded: BoringSSL must load from the trimmed runtime.
            Path logback = Files.writeString(tmp.resolve("logback.xml"), """
                    <configuration>
                      <appender name="E" class="ch.qos.logback.core.ConsoleAppender"><target>System.err</target>
                        <encoder><pattern>%-5level %logger: %msg%n</pattern></encoder></appender>
                      <logger name="io.netty.handler.ssl.OpenSsl" level="DEBUG"/>
                      <root level="INFO"><appender-ref ref="E"/></root>
                    </configuration>
                    """);
            for (Path p : List.of(config, logback, tmp.resolve("cert.pem"), tmp.resolve("key.pem"))) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-r--r--"));
            }
            // As the unit runs it: user mxfront, in /var/lib/mxfront, through /usr/bin/mxfront (setpriv
            // execs, so the JVM gets the stop signal itself).
            Path log = tmp.resolve("daemon.log");
            ProcessBuilder pb = new ProcessBuilder("setpriv", "--reuid=mxfront", "--regid=mxfront", "--init-groups",
                    "/usr/bin/mxfront", "run", "--config", config.toString())
                    .directory(new java.io.File("/var/lib/mxfront")).redirectErrorStream(true).redirectOutput(log.toFile());
            // with the JVM options the installed unit gives it (the heap floor among them), and the log settings
            Matcher unitOpts = Pattern.compile("(?m)^Environment=\"?MXFRONT_JAVA_OPTS=([^\"\n]*)\"?$")
                    .matcher(Files.readString(Path.of("/lib/systemd/system/mxfront.service")));
            assertTrue(unitOpts.find(), "the unit sets MXFRONT_JAVA_OPTS");
            assertTrue(unitOpts.group(1).contains("-Xms256m"), unitOpts.group(1));
            pb.environment().put("MXFRONT_JAVA_OPTS", unitOpts.group(1) + " -Dlogback.configurationFile=" + logback);
            Process daemon = pb.start();
            try {
                Ports.awaitListening(port, Duration.ofSeconds(30));
                try (SmtpClient c = new SmtpClient("127.0.0.2", port)) {
                    assertEquals(List.of("220 mx.test ESMTP mxfront"), c.reply());
                    assertEquals("250-mx.test", c.command("EHLO client.example.net").get(0));
                    assertEquals(List.of("220 2.0.0 Ready to start TLS"), c.command("STARTTLS"));
                    c.startTls("mx.test");
                    assertTrue(c.command("EHLO client.example.net").contains("250-ENHANCEDSTATUSCODES"));
                    assertEquals(List.of("250 2.1.0 Ok"), c.command("MAIL FROM:<alice@sender.example>"));
                    assertEquals(List.of("550-5.7.1 XM-RJCT06: Unauthorized relay attempt", "550 5.7.1 [127.0.0.2] [mx.test]"),
                            c.command("RCPT TO:<someone@elsewhere.example>"));
                    assertEquals(List.of("451-4.7.1 XM-RJCT23: Greylisted, please try again in 300 seconds.",
                            "451 4.7.1 [127.0.0.2] [mx.test]"), c.command("RCPT TO:<bob@example.com>"));
                    assertEquals(List.of("250 2.1.5 Ok"), c.command("RCPT TO:<carol@example.com>"));
                    assertEquals(List.of("354 End data with <CR><LF>.<CR><LF>"), c.command("DATA"));
                    List<String> done = c.command("Subject: through the installed package\r\n\r\nhello\r\n.");
                    assertTrue(done.get(0).startsWith("250 2.0.0 "), done.toString());
                    c.command("QUIT");
                }
                Ports.await(() -> sink.messages().size() == 1, Duration.ofSeconds(10), "the message in the sink");
                assertTrue(sink.messages().get(0).contains("Subject: through the installed package"), sink.messages().get(0));
            } finally {
                daemon.destroy();
                if (!daemon.waitFor(60, TimeUnit.SECONDS)) daemon.destroyForcibly();
            }
            String out = Files.readString(log);
            assertTrue(out.contains("netty-tcnative using native library: BoringSSL"), out);
            assertEquals(143, daemon.exitValue(), "an orderly stop on SIGTERM (the unit's SuccessExitStatus):\n" + out);
        }
    }

    private static void removeKeepsConfigurationAndPurgeLeavesOnlyTheUser() throws Exception {
        ok("dpkg", "-r", "mxfront");
        for (String gone : List.of("/usr/bin/mxfront", "/usr/lib/mxfront", "/lib/systemd/system/mxfront.service",
                "/usr/share/doc/mxfront")) {
            assertFalse(Files.exists(Path.of(gone)), gone + " is removed");
        }
        assertTrue(Files.exists(Path.of("/etc/mxfront/mxfront.yml")), "remove keeps the conffile");
        assertTrue(Files.isDirectory(Path.of("/var/lib/mxfront")), "remove keeps the state");
        assertEquals("rc ", ok("dpkg-query", "-W", "-f=${db:Status-Abbrev}", "mxfront").out());

        ok("dpkg", "-P", "mxfront");
        assertFalse(installed(), "purged");
        // Nothing named mxfront left in the places the package or its scripts wrote to (systemd's
        // enablement records included); the system user and group stay, as Debian policy advises.
        Result left = run("find", "/etc", "/var/lib", "/lib/systemd", "/usr/lib", "/usr/bin", "/usr/share/doc",
                "/usr/sbin", "-name", "*mxfront*", "-not", "-path", "/var/lib/dpkg/*");
        assertEquals("", left.out().strip(), "left after purge");
        assertFalse(Files.exists(Path.of("/var/lib/dpkg/info/mxfront.list")), "dpkg forgot the package");
        assertEquals(0, run("getent", "passwd", "mxfront").exit(), "the system user stays after purge");
    }
}
