// rspamd's HTTP protocol (HTTP/1.1; rspamd closes the connection after each answer, so one
// connection per request), over TCP (http://HOST:PORT) or a Unix socket (unix:/PATH, rspamd's
// bind_socket = "/PATH mode=0660"): POST /checkv2 on the normal worker with the envelope as request
// headers and the message as the body (up to 256 KB in one write with the head, larger ones
// streamed from the caller's spool with its Content-Length); POST /learnspam|/learnham on the
// controller with its password. The answer is JSON: action, score, required_score, symbols,
// messages, subject, milter. One total deadline per request (connect, send, answer), kept by a
// watchdog that closes the socket; anything that is not rspamd's JSON is a SpamProtocolException,
// so the check's on-failure decides, never a verdict.
// Why blocking on the caller's thread: the check runs on a virtual thread, so a blocking socket costs
// no thread and saves the hand-offs to and from an event loop. Why the few lines of HTTP here and not
// a library's: the exchange is one fixed request and one answer (WireReader, shared with spamd's
// client: Content-Length, chunked, read-until-close), and Netty's codec in an EmbeddedChannel cost a third of this
// client's CPU per message, the JDK's HttpClient 1-2.8 ms per request (docs/benchmarks.md).
package org.mxfront.spam;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/** A client of one rspamd (normal worker, and optionally its controller). Thread-safe. */
public final class RspamdClient implements SpamBackend {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** rspamd's JSON answers are a few kilobytes; a larger one is not rspamd's. */
    private static final int MAX_ANSWER = 1 << 20;
    /** Messages up to this size go in one write with the request head; larger ones stream in chunks. */
    static final int WHOLE_BODY = 256 * 1024;
    private static final int CHUNK = 64 * 1024;
    private static final Pattern STATUS = Pattern.compile("HTTP/1\\.[01] \\d{3}( .*)?");
    private static final int MAX_FIELDS = 100;

    private final Endpoint check;
    private final Endpoint controller;
    private final String password;
    private final Duration connectTimeout;
    private final Duration timeout;
    /** Closes the socket of a request past its deadline (one thread for all requests). */
    private final ScheduledThreadPoolExecutor watchdog;

    /**
     * @param url        the normal worker, {@code http://127.0.0.1:11333} or {@code unix:/run/rspamd/normal.sock}
     * @param controller the controller worker, {@code http://127.0.0.1:11334} or a {@code unix:} path, for learning (may be null)
     * @param password   the controller's password (may be null)
     */
    public RspamdClient(URI url, URI controller, String password, Duration connectTimeout, Duration timeout) {
        this.check = Endpoint.of(url);
        this.controller = controller == null ? null : Endpoint.of(controller);
        this.password = password;
        this.connectTimeout = connectTimeout;
        this.timeout = timeout;
        this.watchdog = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "mxfront-rspamd-watchdog");
            t.setDaemon(true);
            return t;
        });
        watchdog.setRemoveOnCancelPolicy(true);
    }

    /**
     * Where a worker listens: a TCP host and port, or a Unix socket's path.
     *
     * @param host the host name or address (TCP), null for a Unix socket
     * @param port the TCP port
     * @param path the Unix socket's path, null for TCP
     */
    public record Endpoint(String host, int port, String path) {
        /**
         * {@code http://HOST[:PORT]} (port 80 when left out) or {@code unix:/PATH}; anything else is an
         * IllegalArgumentException that says so (the config's check of rspamd's URLs is this one).
         */
        public static Endpoint of(URI u) {
            String p = u.getPath();
            if ("unix".equals(u.getScheme()) && p != null && p.startsWith("/") && p.length() > 1) return new Endpoint(null, 0, p);
            if ("http".equals(u.getScheme()) && u.getHost() != null) return new Endpoint(u.getHost(), u.getPort() < 0 ? 80 : u.getPort(), null);
            throw new IllegalArgumentException("expected http://HOST:PORT or unix:/PATH (rspamd's socket), got '" + u + "'");
        }

        /** Resolved at each request (an IP literal costs nothing; a name comes from the JDK's cache). */
        SocketAddress address() throws ConnectException {
            if (path != null) return UnixDomainSocketAddress.of(path);
            InetSocketAddress a = new InetSocketAddress(host, port);
            if (a.isUnresolved()) throw new ConnectException("cannot resolve " + host);
            return a;
        }

        /** {@code localhost} for a socket; the URL's host (an IPv6 address in brackets, as URI keeps it) and port. */
        String hostHeader() { return path != null ? "localhost" : host + ":" + port; }

        @Override
        public String toString() { return path != null ? path : hostHeader(); }
    }

    @Override
    public String name() { return "rspamd"; }

    @Override
    public SpamResult check(SpamEnvelope e, InputStream message, long size) throws IOException {
        StringBuilder head = new StringBuilder(256);
        header(head, "IP", e.ip());
        header(head, "Helo", e.helo());
        header(head, "Hostname", e.hostname());
        header(head, "From", e.from());
        for (String r : e.rcpts()) header(head, "Rcpt", r);
        header(head, "Queue-Id", e.queueId());
        header(head, "User", e.user());
        header(head, "Settings-ID", e.settingsId());
        Answer r;
        if (size <= WHOLE_BODY) {
            // one write of head and body
            byte[] all = message.readNBytes((int) size);
            if (all.length != size) throw new IOException("message ended after " + all.length + " of " + size + " bytes");
            r = exchange(check, "POST", "/checkv2", head, all, null, size);
        } else {
            r = exchange(check, "POST", "/checkv2", head, null, message, size);
        }
        if (r.status != 200) throw new SpamProtocolException("rspamd answered HTTP " + r.status + ": " + WireReader.excerpt(r.body));
        return parse(r.body);
    }

    @Override
    public String learn(boolean spam, byte[] message) throws IOException {
        if (controller == null) throw new IOException("no rspamd controller configured");
        StringBuilder head = new StringBuilder();
        header(head, "Password", password);
        Answer r = exchange(controller, "POST", spam ? "/learnspam" : "/learnham", head, message, null, message.length);
        String body = new String(r.body, StandardCharsets.UTF_8).strip();
        if (r.status != 200) throw new IOException("rspamd controller answered HTTP " + r.status + ": " + body);
        return body;
    }

    /** The controller's /stat (JSON): scanned and learned counts, the Bayes statfiles. */
    public JsonNode stat() throws IOException {
        if (controller == null) throw new IOException("no rspamd controller configured");
        StringBuilder head = new StringBuilder();
        header(head, "Password", password);
        Answer r = exchange(controller, "GET", "/stat", head, new byte[0], null, 0);
        if (r.status != 200) throw new IOException("rspamd controller answered HTTP " + r.status + ": " + WireReader.excerpt(r.body));
        return JSON.readTree(r.body);
    }

    /** Appends one request header; a value cannot carry CR/LF: a client's HELO with control characters is sent cleaned. */
    private static void header(StringBuilder head, String name, String value) {
        if (value == null) return;
        head.append(name).append(": ");
        for (int i = 0; i < value.length() && i < 1000; i++) {
            char c = value.charAt(i);
            head.append(c < 0x20 || c >= 0x7f ? '?' : c);
        }
        head.append("\r\n");
    }

    /** An answer: HTTP status and body. */
    record Answer(int status, byte[] body) {}

    /**
     * Closes a request's socket at its deadline: at the connect timeout while the connection is not
     * made yet, at the total deadline after that.
     */
    private final class Deadline implements Runnable {
        final SocketChannel ch;
        final long end;
        volatile boolean fired;
        volatile ScheduledFuture<?> timer;

        Deadline(SocketChannel ch) {
            this.ch = ch;
            long now = System.nanoTime();
            this.end = now + timeout.toNanos();
            this.timer = watchdog.schedule(this, Math.min(end, now + connectTimeout.toNanos()) - now, TimeUnit.NANOSECONDS);
        }

        @Override
        public void run() {
            long left = end - System.nanoTime();
            if (ch.isConnected() && left > 0) {
                timer = watchdog.schedule(this, left, TimeUnit.NANOSECONDS);
                return;
            }
            fired = true;
            try {
                ch.close(); // a read, write or connect blocked on it ends with an AsynchronousCloseException
            } catch (IOException e) {
                // closed anyway
            }
        }

        void cancel() { timer.cancel(false); }
    }

    /**
     * Sends one request on a connection of its own and waits for the answer within the timeout.
     *
     * @param headers the request's own header lines (each ending in CRLF)
     * @param whole   the whole body, or null when it streams from {@code stream}
     * @param length  the body's length (its Content-Length)
     */
    private Answer exchange(Endpoint to, String method, String path, StringBuilder headers, byte[] whole, InputStream stream,
            long length) throws IOException {
        String head = method + " " + path + " HTTP/1.1\r\nHost: " + to.hostHeader() + "\r\nConnection: close\r\n" + headers
                + "Content-Length: " + length + "\r\n\r\n";
        SocketAddress address = to.address();
        Deadline deadline = null;
        try (SocketChannel ch = to.path != null ? SocketChannel.open(StandardProtocolFamily.UNIX) : SocketChannel.open()) {
            deadline = new Deadline(ch);
            try {
                connect(ch, address);
            } catch (IOException e) {
                if (deadline.fired) throw new ConnectException("cannot connect to " + to + " within " + connectTimeout);
                throw new ConnectException("cannot connect to " + to + ": " + e.getMessage());
            }
            if (to.path == null) ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            try {
                ByteBuffer[] out = {ByteBuffer.wrap(head.getBytes(StandardCharsets.US_ASCII)), ByteBuffer.wrap(whole == null ? new byte[0] : whole)};
                while (out[1].hasRemaining() || out[0].hasRemaining()) ch.write(out);
                if (stream != null) {
                    byte[] chunk = new byte[CHUNK];
                    long sent = 0;
                    for (int n; sent < length && (n = stream.read(chunk, 0, (int) Math.min(CHUNK, length - sent))) > 0; sent += n) {
                        ByteBuffer b = ByteBuffer.wrap(chunk, 0, n);
                        while (b.hasRemaining()) ch.write(b);
                    }
                    if (sent != length) throw new IOException("message ended after " + sent + " of " + length + " bytes");
                }
                return readAnswer(ch, to);
            } catch (IOException e) {
                if (deadline.fired) throw new SocketTimeoutException("no answer from " + to + " within " + timeout);
                throw e;
            }
        } finally {
            if (deadline != null) deadline.cancel();
        }
    }

    /**
     * Connects without parking when it can: a blocking connect on a virtual thread is a non-blocking
     * one and a park until the poller says the handshake is done, but over loopback TCP the handshake
     * is done by the time connect returns, so one look first (finishConnect) saves the park and the
     * wake-up (docs/benchmarks.md, "The collector"). A remote rspamd's handshake is not done yet: then
     * it parks as before. A Unix socket connects at once anyway.
     */
    static void connect(SocketChannel ch, SocketAddress address) throws IOException {
        if (address instanceof UnixDomainSocketAddress) {
            ch.connect(address);
            return;
        }
        ch.configureBlocking(false);
        boolean done = ch.connect(address) || ch.finishConnect();
        ch.configureBlocking(true);
        if (!done) ch.finishConnect();
    }

    /** Reads one HTTP/1.x answer: the status line, then the fields and the body as WireReader reads them. */
    static Answer readAnswer(ReadableByteChannel ch, Object from) throws IOException {
        WireReader in = new WireReader(ch, "rspamd");
        String status = in.line();
        if (status == null) throw new SpamProtocolException("rspamd closed the connection without an answer (" + from + ")");
        if (!STATUS.matcher(status).matches()) throw in.fault("is not HTTP: " + WireReader.excerpt(status));
        Map<String, String> fields = in.fields(MAX_FIELDS);
        return new Answer(Integer.parseInt(status.substring(9, 12)), in.body(fields, MAX_ANSWER));
    }

    /** Reads a /checkv2 answer. */
    public static SpamResult parse(byte[] body) throws SpamProtocolException {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            throw new SpamProtocolException("rspamd's answer is not JSON: " + WireReader.excerpt(body));
        }
        if (root == null || !root.isObject()) throw new SpamProtocolException("rspamd's answer is not a JSON object: " + WireReader.excerpt(body));
        if (root.hasNonNull("error")) throw new SpamProtocolException("rspamd: " + root.get("error").asText());
        SpamAction action = SpamAction.parse(root.path("action").asText(null));
        if (action == null) throw new SpamProtocolException("rspamd's answer has no known action: " + WireReader.excerpt(body));
        JsonNode score = root.get("score");
        JsonNode required = root.get("required_score");
        if (score == null || !score.isNumber()) throw new SpamProtocolException("rspamd's answer has no score: " + WireReader.excerpt(body));
        List<SpamResult.Symbol> symbols = new ArrayList<>();
        for (Map.Entry<String, JsonNode> s : root.path("symbols").properties()) {
            List<String> opts = new ArrayList<>();
            for (JsonNode o : s.getValue().path("options")) opts.add(o.asText());
            symbols.add(new SpamResult.Symbol(s.getKey(), s.getValue().path("score").asDouble(0), opts));
        }
        List<SpamResult.Header> add = new ArrayList<>();
        List<String> remove = new ArrayList<>();
        JsonNode milter = root.path("milter");
        for (Map.Entry<String, JsonNode> h : milter.path("add_headers").properties()) {
            JsonNode v = h.getValue();
            if (v.isArray()) for (JsonNode one : v) add.add(new SpamResult.Header(h.getKey(), headerValue(one)));
            else add.add(new SpamResult.Header(h.getKey(), headerValue(v)));
        }
        for (Map.Entry<String, JsonNode> h : milter.path("remove_headers").properties()) remove.add(h.getKey());
        String subject = root.hasNonNull("subject") ? root.get("subject").asText() : null;
        return new SpamResult(action, score.asDouble(), required != null && required.isNumber() ? required.asDouble() : 0,
                symbols, subject, add, remove);
    }

    private static String headerValue(JsonNode v) {
        return v.isObject() ? v.path("value").asText("") : v.asText("");
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
    }
}
