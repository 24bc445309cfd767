// The downstream leg: a pool of SMTP connections to Postfix on Netty (one event-loop thread is
// plenty: the work per connection is tiny). Connections are reused between transactions and
// dropped after idle-timeout. Config: downstream.* in mxfront.yml.
package org.mxfront.relay;


import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.smtp.SmtpRequestEncoder;
import io.netty.handler.codec.smtp.SmtpResponseDecoder;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.mxfront.mail.ClientInfo;
import org.mxfront.metrics.MxMeters;
import org.mxfront.net.Networks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Opens transactions on the downstream MTA. Thread-safe; one per daemon. */
public final class DownstreamRelay implements Downstream, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DownstreamRelay.class);

    private final InetSocketAddress address;
    private final DownstreamSettings settings;
    private final String heloName;
    private final EventLoopGroup group;
    private final Bootstrap bootstrap;
    private final ArrayDeque<DownstreamConnection> idle = new ArrayDeque<>();
    private volatile Set<String> knownExtensions;
    private volatile boolean closed;

    private final MxMeters meters;

    public DownstreamRelay(InetSocketAddress address, DownstreamSettings settings, String heloName,
            MxMeters meters) {
        this.meters = meters;
        this.address = address;
        this.settings = settings;
        this.heloName = heloName;
        this.group = new NioEventLoopGroup(1, new DefaultThreadFactory("mxfront-downstream", true));
        this.bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.connectTimeout().toMillis())
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new SmtpResponseDecoder(8192), new SmtpRequestEncoder(),
                                new DownstreamConnection.Handler(settings.commandTimeout()));
                    }
                });
    }

    public DownstreamSettings settings() { return settings; }

    @Override
    public Set<String> knownExtensions() { return knownExtensions; }

    /** True when the downstream answers now (a pooled connection, or a new one greeted and EHLO'd). */
    public boolean reachable() {
        try {
            release(acquire());
            return true;
        } catch (DownstreamException e) {
            return false;
        }
    }

    /** Connects once to learn the downstream's extensions; failures are only logged. */
    public void probe() {
        try {
            DownstreamConnection c = acquire();
            release(c);
        } catch (DownstreamException e) {
            LOG.warn("downstream {} not reachable yet: {}", Networks.text(address), e.getMessage());
        }
    }

    /** A ready connection (greeted, EHLO done), from the pool or new. */
    DownstreamConnection acquire() throws DownstreamException {
        if (closed) throw new DownstreamException("mxfront is shutting down");
        long now = System.nanoTime();
        synchronized (idle) {
            DownstreamConnection c;
            while ((c = idle.pollLast()) != null) {
                if (c.usable() && now - c.idleSince() < settings.idleTimeout().toNanos()) return c;
                discard(c);
            }
        }
        return connect();
    }

    private DownstreamConnection connect() throws DownstreamException {
        ChannelFuture cf = bootstrap.connect(address);
        try {
            cf.await(settings.connectTimeout().toMillis() + 1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DownstreamException("interrupted");
        }
        if (!cf.isSuccess()) {
            cf.channel().close();
            String why = cf.cause() == null ? "timeout" : String.valueOf(cf.cause().getMessage());
            // Netty appends the address in Java's form ("Connection refused: /127.0.0.1:10025"); it is named once already
            if (why.endsWith(": " + address)) why = why.substring(0, why.length() - address.toString().length() - 2);
            throw new DownstreamException("cannot connect to downstream " + Networks.text(address) + ": " + why);
        }
        Channel ch = cf.channel();
        DownstreamConnection.Handler h = ch.pipeline().get(DownstreamConnection.Handler.class);
        if (h == null) {
            // It hung up at once (smtp-sink -q connect, a full Postfix): Netty has already torn the pipeline down.
            ch.close();
            throw new DownstreamException("downstream " + address + " closed the connection before its greeting");
        }
        DownstreamConnection c = new DownstreamConnection(ch, h, meters);
        DownstreamReply greeting = c.await(h.greeting);
        if (greeting.code() != 220) {
            c.abort();
            throw new DownstreamException("downstream greeting was " + greeting);
        }
        DownstreamReply ehlo = c.ehlo(heloName, settings.commandTimeout());
        if (!ehlo.positive()) {
            c.abort();
            throw new DownstreamException("downstream refused EHLO: " + ehlo);
        }
        knownExtensions = c.extensions();
        return c;
    }

    /** Returns a connection after a finished transaction; it is kept if there is room and it is clean. */
    void release(DownstreamConnection c) {
        if (!c.usable()) return;
        c.idleSince(System.nanoTime());
        synchronized (idle) {
            if (idle.size() < settings.maxIdle()) {
                idle.addLast(c);
                return;
            }
        }
        discard(c);
    }

    /** Drops a connection the pool does not keep (Postfix logs a lost connection, harmlessly). */
    private void discard(DownstreamConnection c) {
        c.abort();
    }

    @Override
    public DownstreamTransaction open(ClientInfo client, String helo, boolean esmtp) {
        return new DownstreamTransaction(this, client, helo, esmtp);
    }

    @Override
    public void close() {
        closed = true;
        synchronized (idle) {
            for (DownstreamConnection c : idle) c.abort();
            idle.clear();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    }

    Duration commandTimeout() { return settings.commandTimeout(); }
    Duration dataTimeout() { return settings.dataTimeout(); }
}
