// An HTTP endpoint of ours around its handler (the metrics/admin endpoint, the web console): an
// HttpListener built with the service's own handler, started, asked for its bound port and closed
// the same way for both, so each service holds only its routes and what those need.
package org.mxfront.metrics;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.InetSocketAddress;
import java.util.function.Consumer;
import org.mxfront.tls.ServerTls;

/** A service on its own {@link HttpListener}; {@code S} is the subclass, which {@link #start} returns. */
public abstract class HttpService<S extends HttpService<S>> implements AutoCloseable {
    protected final HttpListener listener;

    /** See {@link HttpListener#HttpListener}; requests go to {@link #handle}. */
    protected HttpService(InetSocketAddress listen, ServerTls tls, int maxBody, String threadName, Consumer<HttpHeaders> always) {
        this.listener = new HttpListener(listen, tls, maxBody, threadName, this::handle, always);
    }

    /** Answers one request (on a virtual thread, see {@link HttpListener.Handler#handle}). */
    protected abstract FullHttpResponse handle(HttpListener.Request r, Channel ch) throws Exception;

    /** Binds the listener; returns this service. */
    @SuppressWarnings("unchecked")
    public S start() throws InterruptedException {
        listener.start();
        return (S) this;
    }

    /** The bound port. */
    public int port() {
        return listener.port();
    }

    @Override
    public void close() {
        listener.close();
    }
}
