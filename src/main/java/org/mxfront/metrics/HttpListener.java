// The Netty HTTP/1.1 listener under mxfront's HTTP endpoints (the metrics/admin endpoint and the web
// console): bootstrap, codec, body limit, optional TLS, each request answered on a virtual thread
// (scrapes, explains and page renders may take a moment; the event loop never waits), errors
// turned into 400/500, keep-alive, and headers every response gets (the console's security headers).
// A handler that streams (Server-Sent Events) writes to the channel itself and returns null.
package org.mxfront.metrics;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.NoSuchElementException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.mxfront.tls.ServerTls;

/** An HTTP/1.1 server on Netty for one handler. */
public final class HttpListener implements AutoCloseable {
    /**
     * One request, copied off Netty's buffers.
     *
     * @param secure true when it came over TLS
     */
    public record Request(HttpMethod method, String uri, HttpHeaders headers, byte[] body, InetSocketAddress remote,
            boolean secure) {
        public QueryStringDecoder query() {
            return new QueryStringDecoder(uri);
        }

        /** True when the client is on a loopback address. */
        public boolean local() {
            return remote.getAddress().isLoopbackAddress();
        }
    }

    /** Answers requests. */
    public interface Handler {
        /**
         * The response, or null when the handler took the channel over (a stream it writes and ends itself).
         * An IllegalArgumentException becomes 400 with its message, a NoSuchElementException 404, another exception 500.
         */
        FullHttpResponse handle(Request request, Channel channel) throws Exception;
    }

    private final InetSocketAddress listen;
    private final ServerTls tls;
    private final int maxBody;
    private final Handler handler;
    private final Consumer<HttpHeaders> always;
    private final EventLoopGroup group;
    private Channel channel;

    /**
     * @param tls    HTTPS when not null
     * @param always adds the headers every response gets (called on streamed responses' headers too,
     *               by the handler through {@link #decorate})
     */
    public HttpListener(InetSocketAddress listen, ServerTls tls, int maxBody, String threadName, Handler handler,
            Consumer<HttpHeaders> always) {
        this.listen = listen;
        this.tls = tls;
        this.maxBody = maxBody;
        this.handler = handler;
        this.always = always == null ? h -> {} : always;
        this.group = new NioEventLoopGroup(1, new DefaultThreadFactory(threadName, true));
    }

    public HttpListener start() throws InterruptedException {
        channel = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (tls != null) ch.pipeline().addLast(tls.newHandler(ch.alloc()));
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(maxBody), new Dispatch());
                    }
                }).bind(listen).sync().channel();
        return this;
    }

    /** The bound port. */
    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /** Adds the headers every response gets. */
    public void decorate(HttpHeaders h) {
        always.accept(h);
    }

    @Override
    public void close() {
        if (channel != null) channel.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    /** A plain-text response. */
    public static FullHttpResponse text(HttpResponseStatus status, String body) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.wrappedBuffer(body.getBytes(StandardCharsets.UTF_8)));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        return r;
    }

    private final class Dispatch extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            byte[] body = new byte[req.content().readableBytes()];
            req.content().readBytes(body);
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            Request r = new Request(req.method(), req.uri(), req.headers().copy(), body,
                    (InetSocketAddress) ctx.channel().remoteAddress(), tls != null);
            Channel ch = ctx.channel();
            Thread.ofVirtual().name("mxfront-http-req").start(() -> {
                FullHttpResponse resp;
                try {
                    resp = handler.handle(r, ch);
                    if (resp == null) return;
                } catch (IllegalArgumentException e) {
                    resp = text(HttpResponseStatus.BAD_REQUEST, e.getMessage() + "\n");
                } catch (NoSuchElementException e) {
                    // An admin action on an entry that is not there (ratelimit reset, greylist delete).
                    resp = text(HttpResponseStatus.NOT_FOUND, e.getMessage() + "\n");
                } catch (Exception e) {
                    resp = text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "error: " + e + "\n");
                }
                always.accept(resp.headers());
                HttpUtil.setContentLength(resp, resp.content().readableBytes());
                if (keepAlive) {
                    resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
                    ch.writeAndFlush(resp);
                } else {
                    ch.writeAndFlush(resp).addListener(ChannelFutureListener.CLOSE);
                }
            });
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
