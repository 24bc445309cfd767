// rspamd's HTTP protocol on Netty (HTTP/1.1; rspamd closes the connection after each answer, so one
// connection per request): POST /checkv2 on the normal worker with the envelope as request headers
// and the message as the body (up to 256 KB in one write with the head, larger ones streamed from
// the caller's spool in chunks, with its Content-Length);
// POST /learnspam|/learnham on the controller with its password. The answer is JSON: action, score,
// required_score, symbols, messages, subject, milter. One total deadline per request (connect,
// send, answer); anything that is not rspamd's JSON is a SpamProtocolException, so the check's
// on-failure decides, never a verdict. Why Netty and not the JDK's HttpClient: the JDK client cost
// 1-2.8 ms of CPU per request here against about 0.3 ms for a plain socket (docs/benchmarks.md).
package org.mxfront.spam;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.stream.ChunkedStream;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A client of one rspamd (normal worker, and optionally its controller). Thread-safe. */
public final class RspamdClient implements SpamBackend {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** rspamd's JSON answers are a few kilobytes; a larger one is not rspamd's. */
    private static final int MAX_ANSWER = 1 << 20;
    /** Messages up to this size go in one write with the request head; larger ones stream in chunks. */
    static final int WHOLE_BODY = 256 * 1024;

    private final URI check;
    private final URI controller;
    private final String password;
    private final Duration timeout;
    private final EventLoopGroup group = new NioEventLoopGroup(1, new DefaultThreadFactory("mxfront-rspamd", true));
    private final Bootstrap bootstrap;

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
        this.bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.max(1, connectTimeout.toMillis()))
                .option(ChannelOption.TCP_NODELAY, true);
    }

    @Override
    public String name() { return "rspamd"; }

    @Override
    public SpamResult check(SpamEnvelope e, InputStream message, long size) throws IOException {
        HttpRequest req = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, check.getRawPath());
        header(req, "IP", e.ip());
        header(req, "Helo", e.helo());
        header(req, "Hostname", e.hostname());
        header(req, "From", e.from());
        for (String r : e.rcpts()) header(req, "Rcpt", r);
        header(req, "Queue-Id", e.queueId());
        header(req, "User", e.user());
        header(req, "Settings-ID", e.settingsId());
        req.headers().set(HttpHeaderNames.CONTENT_LENGTH, size);
        Answer r;
        if (size <= WHOLE_BODY) {
            // one write of head and body: no chunked writer on the connection (its flush scheduling and
            // listeners cost more than the copy of a few kilobytes)
            byte[] all = message.readNBytes((int) size);
            if (all.length != size) throw new IOException("message ended after " + all.length + " of " + size + " bytes");
            DefaultFullHttpRequest full = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, req.uri(),
                    Unpooled.wrappedBuffer(all), req.headers(), EmptyHttpHeaders.INSTANCE);
            r = exchange(check, full, null);
        } else {
            r = exchange(check, req, new HttpChunkedInput(new ChunkedStream(message, 64 * 1024)));
        }
        if (r.status != 200) throw new SpamProtocolException("rspamd answered HTTP " + r.status + ": " + excerpt(r.body));
        return parse(r.body);
    }

    @Override
    public String learn(boolean spam, byte[] message) throws IOException {
        if (controller == null) throw new IOException("no rspamd controller configured");
        URI u = controller.resolve(spam ? "/learnspam" : "/learnham");
        DefaultFullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, u.getRawPath(),
                Unpooled.wrappedBuffer(message));
        req.headers().set(HttpHeaderNames.CONTENT_LENGTH, message.length);
        header(req, "Password", password);
        Answer r = exchange(u, req, null);
        String body = new String(r.body, StandardCharsets.UTF_8).strip();
        if (r.status != 200) throw new IOException("rspamd controller answered HTTP " + r.status + ": " + body);
        return body;
    }

    /** The controller's /stat (JSON): scanned and learned counts, the Bayes statfiles. */
    public JsonNode stat() throws IOException {
        if (controller == null) throw new IOException("no rspamd controller configured");
        URI u = controller.resolve("/stat");
        DefaultFullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, u.getRawPath());
        req.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
        header(req, "Password", password);
        Answer r = exchange(u, req, null);
        if (r.status != 200) throw new IOException("rspamd controller answered HTTP " + r.status + ": " + excerpt(r.body));
        return JSON.readTree(r.body);
    }

    private static void header(HttpRequest req, String name, String value) {
        if (value == null) return;
        // header values cannot carry CR/LF; a client's HELO with control characters is sent cleaned
        StringBuilder sb = new StringBuilder(value.length());
        for (int i = 0; i < value.length() && sb.length() < 1000; i++) {
            char c = value.charAt(i);
            sb.append(c < 0x20 || c >= 0x7f ? '?' : c);
        }
        req.headers().add(name, sb.toString());
    }

    /** An answer: HTTP status and body. */
    private record Answer(int status, byte[] body) {}

    /**
     * Sends one request on a connection of its own and waits for the answer within the timeout.
     *
     * @param body the body to stream after the request head, or null when the request is a full one
     */
    private Answer exchange(URI target, HttpRequest req, HttpChunkedInput body) throws IOException {
        String host = target.getHost();
        int port = target.getPort() < 0 ? 80 : target.getPort();
        req.headers().set(HttpHeaderNames.HOST, host + ":" + port);
        req.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        // resolved here (an IP literal costs nothing; a name comes from the JDK's cache), not by
        // Netty's resolver on the event loop
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) throw new ConnectException("cannot resolve " + host);
        CompletableFuture<Answer> answer = new CompletableFuture<>();
        ChannelFuture cf = bootstrap.clone().handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(MAX_ANSWER));
                if (body != null) ch.pipeline().addLast(new ChunkedWriteHandler());
                ch.pipeline().addLast(new SimpleChannelInboundHandler<FullHttpResponse>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse r) {
                                Answer a = new Answer(r.status().code(), ByteBufUtil.getBytes(r.content()));
                                // closed here, before the caller wakes, so the caller has nothing left to close
                                ctx.close();
                                answer.complete(a);
                            }

                            @Override
                            public void channelInactive(ChannelHandlerContext ctx) {
                                // after an answer this is the normal end: no exception built for nothing
                                if (!answer.isDone()) {
                                    answer.completeExceptionally(new SpamProtocolException("rspamd closed the connection without an answer"));
                                }
                            }

                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                answer.completeExceptionally(cause instanceof IOException io ? io
                                        : new SpamProtocolException("rspamd's answer cannot be read: " + cause.getMessage(), cause));
                                ctx.close();
                            }
                        });
            }
        }).connect(address);
        Channel ch = cf.channel();
        cf.addListener(f -> {
            if (!f.isSuccess()) {
                Throwable c = f.cause();
                answer.completeExceptionally(c instanceof ConnectException ce ? ce
                        : new ConnectException("cannot connect to " + host + ":" + port + ": " + c.getMessage()));
                return;
            }
            if (body == null) {
                ch.writeAndFlush(req, ch.voidPromise()); // a failure reaches exceptionCaught
            } else {
                ch.write(req);
                ch.writeAndFlush(body);
            }
        });
        try {
            return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException t) {
            throw new SocketTimeoutException("no answer from " + host + ":" + port + " within " + timeout);
        } catch (ExecutionException x) {
            Throwable c = x.getCause();
            if (c instanceof IOException io) throw io;
            throw new IOException(String.valueOf(c), c);
        } catch (InterruptedException i) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        } finally {
            if (ch.isOpen()) ch.close(); // a timeout or a fault; after an answer the event loop closed it already
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

    static String excerpt(byte[] body) {
        String s = new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8);
        return s.replaceAll("[\\x00-\\x1f]", "?");
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
