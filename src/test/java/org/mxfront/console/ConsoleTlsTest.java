// The console over HTTPS with a certificate loaded by the SMTP door's loader (console.tls): pages
// are served, the session cookie gets Secure, and a plain-HTTP request on the TLS port gets nothing.
package org.mxfront.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mxfront.Doors;
import org.mxfront.config.ConfigLoader;
import org.mxfront.config.DaemonConfig;
import org.mxfront.tls.TestCertificates;

class ConsoleTlsTest {
    @TempDir
    Path dir;

    @Test
    void httpsWithSecureCookies() throws Exception {
        Path users = dir.resolve("users");
        Files.writeString(users, "op operator - " + Passwords.hash("op-password".toCharArray()) + "\n");
        DaemonConfig config = new ConfigLoader(Doors.ALL).parse(dir.resolve("t.yml").toString(), """
                smtp: {listen: 127.0.0.1:0}
                downstream: {address: 127.0.0.1:1}
                state-directory: %s
                console: {enabled: true, listen: 127.0.0.1:0, users-file: users, tls: {certificates: [{chain: %s, key: %s}]}}
                """.formatted(dir, TestCertificates.RSA.chain(), TestCertificates.RSA.key()), new SimpleMeterRegistry());
        ConsoleBackend backend = ConsoleServerTest.idle(() -> config);
        try (ConsoleServer server = new ConsoleServer(config.console(), backend, config.engine().decisionLog().feed(),
                new UsersFile(users)).start()) {
            SSLContext trustAll = SSLContext.getInstance("TLS");
            // trusts the test certificate whatever its names (the extended manager skips the host name check)
            trustAll.init(null, new TrustManager[] {new X509ExtendedTrustManager() {
                public void checkClientTrusted(X509Certificate[] c, String a) {}
                public void checkServerTrusted(X509Certificate[] c, String a) {}
                public void checkClientTrusted(X509Certificate[] c, String a, Socket s) {}
                public void checkServerTrusted(X509Certificate[] c, String a, Socket s) {}
                public void checkClientTrusted(X509Certificate[] c, String a, SSLEngine e) {}
                public void checkServerTrusted(X509Certificate[] c, String a, SSLEngine e) {}
                public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
            }}, null);
            HttpClient https = HttpClient.newBuilder().sslContext(trustAll).followRedirects(HttpClient.Redirect.NEVER).build();
            String base = "https://127.0.0.1:" + server.port();
            HttpResponse<String> codes = https.send(HttpRequest.newBuilder(URI.create(base + "/codes")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, codes.statusCode());
            assertTrue(codes.body().contains("XM-RJCT06"));
            HttpResponse<String> page = https.send(HttpRequest.newBuilder(URI.create(base + "/login")).build(),
                    HttpResponse.BodyHandlers.ofString());
            String loginCookie = page.headers().allValues("set-cookie").get(0);
            assertTrue(loginCookie.contains("Secure"), loginCookie);
            String csrf = ConsoleServerTest.hidden(page.body(), "_csrf");
            String form = "_csrf=" + csrf + "&user=op&password=" + URLEncoder.encode("op-password", StandardCharsets.UTF_8);
            HttpResponse<String> r = https.send(HttpRequest.newBuilder(URI.create(base + "/login"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("Cookie", loginCookie.substring(0, loginCookie.indexOf(';')))
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(303, r.statusCode(), r.body());
            String session = r.headers().allValues("set-cookie").stream().filter(c -> c.startsWith("mxconsole=")).findFirst().orElseThrow();
            assertTrue(session.contains("Secure") && session.contains("SameSite=Strict"), session);
            // plain HTTP to the TLS port: no answer
            HttpClient plain = HttpClient.newBuilder().connectTimeout(java.time.Duration.ofSeconds(3)).build();
            assertThrows(java.io.IOException.class, () -> plain.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/codes")).timeout(java.time.Duration.ofSeconds(3)).build(),
                    HttpResponse.BodyHandlers.ofString()));
        } finally {
            config.resources().close();
        }
    }
}
