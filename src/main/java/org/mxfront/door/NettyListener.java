// The part every Netty door shares: its event loops, the bind (with a clear error), the channels it
// accepted (closed at stop), the port, readiness, and the graceful drain. A door adds only its own
// pipeline, so the policy-delegation and milter doors (and the next one) do not each repeat it.
package org.mxfront.door;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntSupplier;

/** A TCP listener on Netty for one door. */
public final class NettyListener implements AutoCloseable {
    private final String name;
    private final ChannelGroup channels;
    private volatile boolean draining;
    private EventLoopGroup workers;
    private Channel listener;

    /** @param name the door's name: thread names ({@code NAME-io}), errors, readiness */
    public NettyListener(String name) {
        this.name = name;
        this.channels = new DefaultChannelGroup(name, GlobalEventExecutor.INSTANCE);
    }

    /**
     * Binds and starts accepting; each accepted channel is tracked and handed to {@code pipeline}.
     *
     * @param section the configuration section named in the error when the address cannot be bound
     */
    public void bind(InetSocketAddress at, String section, Consumer<SocketChannel> pipeline) throws IOException {
        // one group accepts and serves: a separate accept thread cost a wake-up and a hand-off per
        // connection (the milter door gets a connection per SMTP session)
        workers = new NioEventLoopGroup(Math.min(4, Runtime.getRuntime().availableProcessors()),
                new DefaultThreadFactory(name + "-io", true));
        ServerBootstrap b = new ServerBootstrap().group(workers, workers).channelFactory(Server::new)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        channels.add(ch);
                        pipeline.accept(ch);
                    }
                });
        try {
            listener = b.bind(at).syncUninterruptibly().channel();
        } catch (RuntimeException e) {
            close();
            throw new IOException(section + ": cannot listen on " + at + ": " + e.getMessage(), e);
        }
    }

    /** The port bound, -1 before. */
    public int port() {
        return listener == null ? -1 : ((InetSocketAddress) listener.localAddress()).getPort();
    }

    /** True once {@link #drain} or {@link #close} began: newcomers are to be turned away. */
    public boolean draining() {
        return draining;
    }

    /** Null when accepting, else why not. */
    public String notReady() {
        if (draining) return name + ": draining";
        return listener != null && listener.isActive() ? null : name + ": not listening";
    }

    /** Stops accepting, then waits up to {@code grace} until {@code busy} says nothing is in flight. */
    public void drain(Duration grace, IntSupplier busy) {
        draining = true;
        if (listener != null) {
            listener.close().syncUninterruptibly();
            closedInKernel(listener);
        }
        long deadline = System.nanoTime() + grace.toNanos();
        while (busy.getAsInt() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Waits (up to a second) until the kernel's listening socket is really closed. The JDK defers the
     * close of a channel registered with a selector until the selector deregisters it at its next
     * select, so for a moment after Netty's close future completes the kernel still completes
     * handshakes into the backlog: a "drained" door would accept newcomers nobody serves. The JDK
     * channel reports itself unregistered just before it closes the socket.
     */
    private static void closedInKernel(Channel c) {
        if (!(c instanceof Server s) || c.eventLoop().inEventLoop()) return;
        long deadline = System.nanoTime() + 1_000_000_000L;
        while (s.jdk().isRegistered() && System.nanoTime() < deadline) {
            try {
                c.eventLoop().execute(() -> { }); // wakes the loop's select
                Thread.sleep(1);
            } catch (RejectedExecutionException e) {
                return; // the loop is shutting down: its selector is closed with it
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        try {
            // the socket is closed right after, in the same select: a task runs once that select returned
            c.eventLoop().submit(() -> { }).syncUninterruptibly();
        } catch (RejectedExecutionException e) {
            // shutting down
        }
    }

    /** Netty's server channel with the JDK channel under it in view (see {@link #closedInKernel}). */
    private static final class Server extends NioServerSocketChannel {
        ServerSocketChannel jdk() {
            return javaChannel();
        }
    }

    /** Closes the listener and every accepted channel, then the event loops. */
    @Override
    public void close() {
        draining = true;
        if (listener != null) listener.close().syncUninterruptibly();
        channels.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        if (workers != null) workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
