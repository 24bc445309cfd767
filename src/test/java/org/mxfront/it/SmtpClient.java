// A raw SMTP client for tests: sends exact bytes (bare LF, NUL, pipelining) from a chosen loopback
// source address, and reads replies line by line so tests can assert every line.
package org.mxfront.it;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

final class SmtpClient implements AutoCloseable {
    private final Socket socket;
    private InputStream in;
    private OutputStream out;
    private javax.net.ssl.SSLSocket tls;

    SmtpClient(String sourceAddress, int port) throws IOException {
        socket = new Socket();
        socket.bind(new InetSocketAddress(InetAddress.getByName(sourceAddress), 0));
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(30_000);
        in = new BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /**
     * Runs a TLS handshake over the connection (after the server's 220 to STARTTLS) with SNI
     * {@code serverName}, trusting any certificate; from then on everything goes through TLS.
     * Bytes the server sent in clear and not yet read are dropped.
     */
    javax.net.ssl.SSLSession startTls(String serverName, String... protocols) throws Exception {
        javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
        ctx.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
            public void checkClientTrusted(java.security.cert.X509Certificate[] c, String a) { }
            public void checkServerTrusted(java.security.cert.X509Certificate[] c, String a) { }
            public java.security.cert.X509Certificate[] getAcceptedIssuers() { return new java.security.cert.X509Certificate[0]; }
        }}, null);
        tls = (javax.net.ssl.SSLSocket) ctx.getSocketFactory().createSocket(socket, serverName, socket.getPort(), true);
        if (protocols.length > 0) tls.setEnabledProtocols(protocols);
        tls.startHandshake();
        in = new BufferedInputStream(tls.getInputStream());
        out = tls.getOutputStream();
        return tls.getSession();
    }

    /** The TLS session after {@link #startTls}. */
    javax.net.ssl.SSLSession startTlsSession() {
        return tls.getSession();
    }

    /** How long a read may wait for the server (30 s unless set). */
    void readTimeout(java.time.Duration d) throws IOException {
        socket.setSoTimeout((int) d.toMillis());
    }

    /** Reads one reply (all its lines). Returns an empty list at end of stream. */
    List<String> reply() throws IOException {
        List<String> lines = new ArrayList<>();
        while (true) {
            String l = line();
            if (l == null) return lines;
            lines.add(l);
            if (l.length() < 4 || l.charAt(3) != '-') return lines;
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') break;
            b.write(c);
        }
        if (c == -1 && b.size() == 0) return null;
        String s = b.toString(StandardCharsets.UTF_8);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    void sendRaw(String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    void sendRaw(byte[] b) throws IOException {
        out.write(b);
        out.flush();
    }

    /** Sends one command line (CRLF added) and returns its reply. */
    List<String> command(String line) throws IOException {
        sendRaw(line + "\r\n");
        return reply();
    }

    /** Sets how long one read may wait (the client's own timeout). */
    SmtpClient timeout(java.time.Duration d) throws IOException {
        socket.setSoTimeout((int) d.toMillis());
        return this;
    }

    /** Half-closes the connection: the server reads end of stream, the client can still read. */
    void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    /** Every line the server sends until it closes the connection. */
    List<String> linesUntilClosed() throws IOException {
        List<String> lines = new ArrayList<>();
        try {
            for (String l = line(); l != null; l = line()) lines.add(l);
        } catch (java.net.SocketException reset) {
            // closed with a reset: what was read stands
        }
        return lines;
    }

    /** True when the server has closed the connection. */
    boolean closedByServer() throws IOException {
        try {
            return in.read() == -1;
        } catch (java.net.SocketException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
