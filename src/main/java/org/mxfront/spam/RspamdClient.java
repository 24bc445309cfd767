// rspamd's HTTP protocol (the JDK's HttpClient, HTTP/1.1 with keep-alive): POST /checkv2 on the
// normal worker with the envelope as request headers and the message as the body, streamed from
// the caller's spool with its Content-Length; POST /learnspam|/learnham on the controller with its
// password. The answer is JSON: action, score, required_score, symbols, messages, subject, milter.
// One total deadline per request (connect, send, answer); anything that is not rspamd's JSON is a
// SpamProtocolException, so the check's on-failure decides, never a verdict.
package org.mxfront.spam;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A client of one rspamd (normal worker, and optionally its controller). Thread-safe. */
public final class RspamdClient implements SpamBackend {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** rspamd's JSON answers are a few kilobytes; a larger one is not rspamd's. */
    private static final int MAX_ANSWER = 1 << 20;

    private final URI check;
    private final URI controller;
    private final String password;
    private final Duration timeout;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final HttpClient http;

    /**
     * @param url        the normal worker, {@code http://127.0.0.1:11333}
     * @param controller the controller worker, {@code http://127.0.0.1:11334}, for learning (may be null)
     * @param password   the controller's password (may be null)
     */
    public RspamdClient(URI url, URI controller, String password, Duration connectTimeout, Duration timeout) {
        this.check = url.resolve("/checkv2");
        this.controller = controller;
        this.password = password;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER).executor(executor).build();
    }

    @Override
    public String name() { return "rspamd"; }

    @Override
    public SpamResult check(SpamEnvelope e, InputStream message, long size) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(check).timeout(timeout)
                .POST(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> message), size));
        header(b, "IP", e.ip());
        header(b, "Helo", e.helo());
        header(b, "Hostname", e.hostname());
        header(b, "From", e.from());
        for (String r : e.rcpts()) header(b, "Rcpt", r);
        header(b, "Queue-Id", e.queueId());
        header(b, "User", e.user());
        header(b, "Settings-ID", e.settingsId());
        HttpResponse<byte[]> r = send(b.build());
        if (r.statusCode() != 200) throw new SpamProtocolException("rspamd answered HTTP " + r.statusCode() + ": " + excerpt(r.body()));
        return parse(r.body());
    }

    @Override
    public String learn(boolean spam, byte[] message) throws IOException {
        if (controller == null) throw new IOException("no rspamd controller configured");
        HttpRequest.Builder b = HttpRequest.newBuilder(controller.resolve(spam ? "/learnspam" : "/learnham")).timeout(timeout)
                .POST(HttpRequest.BodyPublishers.ofByteArray(message));
        header(b, "Password", password);
        HttpResponse<byte[]> r = send(b.build());
        String body = new String(r.body(), StandardCharsets.UTF_8).strip();
        if (r.statusCode() != 200) throw new IOException("rspamd controller answered HTTP " + r.statusCode() + ": " + body);
        return body;
    }

    /** The controller's /stat (JSON): scanned and learned counts, the Bayes statfiles. */
    public JsonNode stat() throws IOException {
        if (controller == null) throw new IOException("no rspamd controller configured");
        HttpRequest.Builder b = HttpRequest.newBuilder(controller.resolve("/stat")).timeout(timeout).GET();
        header(b, "Password", password);
        HttpResponse<byte[]> r = send(b.build());
        if (r.statusCode() != 200) throw new IOException("rspamd controller answered HTTP " + r.statusCode() + ": " + excerpt(r.body()));
        return JSON.readTree(r.body());
    }

    private static void header(HttpRequest.Builder b, String name, String value) {
        if (value == null) return;
        // header values cannot carry CR/LF; a client's HELO with control characters is sent cleaned
        StringBuilder sb = new StringBuilder(value.length());
        for (int i = 0; i < value.length() && sb.length() < 1000; i++) {
            char c = value.charAt(i);
            sb.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        b.header(name, sb.toString());
    }

    private HttpResponse<byte[]> send(HttpRequest req) throws IOException {
        var future = http.sendAsync(req, info -> HttpResponse.BodySubscribers.mapping(
                HttpResponse.BodySubscribers.ofByteArray(), bytes -> bytes));
        try {
            // the request's own timeout covers the time to the answer's headers; this covers the body as well
            HttpResponse<byte[]> r = future.get(timeout.toMillis() + 100, TimeUnit.MILLISECONDS);
            if (r.body().length > MAX_ANSWER) throw new SpamProtocolException("rspamd's answer is larger than " + MAX_ANSWER + " bytes");
            return r;
        } catch (TimeoutException t) {
            future.cancel(true);
            throw new HttpTimeoutException("no answer from " + req.uri().getAuthority() + " within " + timeout);
        } catch (ExecutionException x) {
            Throwable c = x.getCause();
            if (c instanceof HttpTimeoutException h) throw new HttpTimeoutException("no answer from " + req.uri().getAuthority() + " within " + timeout);
            if (c instanceof ConnectException) throw new ConnectException("cannot connect to " + req.uri().getAuthority());
            if (c instanceof IOException io) throw io;
            throw new IOException(String.valueOf(c), c);
        } catch (InterruptedException i) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }

    /** Reads a /checkv2 answer. */
    public static SpamResult parse(byte[] body) throws SpamProtocolException {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            throw new SpamProtocolException("rspamd's answer is not JSON: " + excerpt(body));
        }
        if (root == null || !root.isObject()) throw new SpamProtocolException("rspamd's answer is not a JSON object: " + excerpt(body));
        if (root.hasNonNull("error")) throw new SpamProtocolException("rspamd: " + root.get("error").asText());
        SpamAction action = SpamAction.parse(root.path("action").asText(null));
        if (action == null) throw new SpamProtocolException("rspamd's answer has no known action: " + excerpt(body));
        JsonNode score = root.get("score");
        JsonNode required = root.get("required_score");
        if (score == null || !score.isNumber()) throw new SpamProtocolException("rspamd's answer has no score: " + excerpt(body));
        List<SpamResult.Symbol> symbols = new ArrayList<>();
        JsonNode syms = root.path("symbols");
        Iterator<Map.Entry<String, JsonNode>> it = syms.isObject() ? syms.fields() : java.util.Collections.emptyIterator();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> s = it.next();
            List<String> opts = new ArrayList<>();
            for (JsonNode o : s.getValue().path("options")) opts.add(o.asText());
            symbols.add(new SpamResult.Symbol(s.getKey(), s.getValue().path("score").asDouble(0), opts));
        }
        List<SpamResult.Header> add = new ArrayList<>();
        List<String> remove = new ArrayList<>();
        JsonNode milter = root.path("milter");
        Iterator<Map.Entry<String, JsonNode>> ah = milter.path("add_headers").isObject() ? milter.path("add_headers").fields()
                : java.util.Collections.emptyIterator();
        while (ah.hasNext()) {
            Map.Entry<String, JsonNode> h = ah.next();
            JsonNode v = h.getValue();
            if (v.isArray()) for (JsonNode one : v) add.add(new SpamResult.Header(h.getKey(), headerValue(one)));
            else add.add(new SpamResult.Header(h.getKey(), headerValue(v)));
        }
        Iterator<String> rh = milter.path("remove_headers").isObject() ? milter.path("remove_headers").fieldNames()
                : java.util.Collections.emptyIterator();
        rh.forEachRemaining(remove::add);
        String subject = root.hasNonNull("subject") ? root.get("subject").asText() : null;
        return new SpamResult(action, score.asDouble(), required != null && required.isNumber() ? required.asDouble() : 0,
                symbols, subject, add, remove);
    }

    private static String headerValue(JsonNode v) {
        return v.isObject() ? v.path("value").asText("") : v.asText("");
    }

    static String excerpt(byte[] body) {
        String s = new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8);
        return s.replaceAll("[\\x00-\\x1f]", "?");
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
