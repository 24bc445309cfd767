// The blocking socket over an SSLEngine, with both engines mxfront may use (BoringSSL and the JDK's),
// against the JDK's TLS client on loopback: handshake, lines both ways, a client that sends and
// closes at once, the protocols offered.
package org.mxfront.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EngineSocketTest {
    static SSLSocket client(int port, String... protocols) throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {new X509TrustManager() {
            public void checkClientTrusted(X509Certificate[] c, String a) { }
            public void checkServerTrusted(X509Certificate[] c, String a) { }
            public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
        }}, null);
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port);
        if (protocols.length > 0) s.setEnabledProtocols(protocols);
        return s;
    }

    /** Accepts one connection, handshakes, echoes one line upper-cased, returns the protocol. */
    static CompletableFuture<String> echoServer(ServerSocket ss, ServerTls tls) {
        return CompletableFuture.supplyAsync(() -> {
            try (Socket plain = ss.accept(); EngineSocket s = tls.wrap(plain)) {
                s.handshake();
                BufferedReader r = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
                String line = r.readLine();
                OutputStream out = s.getOutputStream();
                out.write(((line == null ? "EOF" : line.toUpperCase()) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                return s.session().getProtocol();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @ParameterizedTest(name = "BoringSSL {0}")
    @ValueSource(booleans = {true, false})
    void handshakeAndLinesBothWays(boolean boringSsl) throws Exception {
        ServerTls tls = ServerTls.load(ServerTlsTest.settings(TestCertificates.RSA), Path.of(""), boringSsl);
        assertEquals(boringSsl ? "BoringSSL" : "JDK", tls.provider());
        for (String protocol : new String[] {"TLSv1.3", "TLSv1.2"}) {
            try (ServerSocket ss = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
                CompletableFuture<String> server = echoServer(ss, tls);
                try (SSLSocket c = client(ss.getLocalPort(), protocol)) {
                    c.getOutputStream().write("ehlo client.example\r\n".getBytes(StandardCharsets.US_ASCII));
                    c.getOutputStream().flush();
                    String reply = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.US_ASCII)).readLine();
                    assertEquals("EHLO CLIENT.EXAMPLE", reply);
                }
                assertEquals(protocol, server.get(10, TimeUnit.SECONDS));
            }
        }
    }

    @ParameterizedTest(name = "BoringSSL {0}")
    @ValueSource(booleans = {true, false})
    void tls11IsNotOffered(boolean boringSsl) throws Exception {
        ServerTls tls = ServerTls.load(ServerTlsTest.settings(TestCertificates.RSA), Path.of(""), boringSsl);
        try (ServerSocket ss = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            CompletableFuture<String> server = echoServer(ss, tls);
            try (SSLSocket c = client(ss.getLocalPort(), "TLSv1.1")) {
                assertThrows(SSLException.class, c::startHandshake);
            }
            assertThrows(Exception.class, () -> server.get(10, TimeUnit.SECONDS));
        }
    }
}
