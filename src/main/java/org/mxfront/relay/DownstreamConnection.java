// One SMTP connection to the downstream MTA, driven by a blocking caller (a session's virtual
// thread) over Netty's SMTP codec. Replies are matched to requests in order; the event loop never
// blocks. Message data is written in chunks, each awaited, so a slow downstream slows the client
// instead of filling memory.
package org.mxfront.relay;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.smtp.DefaultLastSmtpContent;
import io.netty.handler.codec.smtp.DefaultSmtpContent;
import io.netty.handler.codec.smtp.DefaultSmtpRequest;
import io.netty.handler.codec.smtp.SmtpResponse;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.mxfront.metrics.MxMeters;

/**
 * A connection to the downstream. Not thread-safe: one session uses it at a time; the pool hands it
 * from one session to the next only between transactions.
 */
public final class DownstreamConnection {
    private final Channel channel;
    private final Handler handler;
    private volatile Map<String, Set<String>> extensions = Map.of();
    private volatile long idleSince;
    private boolean broken;

    private final MxMeters meters;

    DownstreamConnection(Channel channel, Handler handler, MxMeters meters) {
        this.channel = channel;
        this.handler = handler;
        this.meters = meters;
    }

    /**
     * Netty handler: completes the oldest waiting request with each reply, fails them all on close.
     * It also keeps the deadlines: a watchdog on the channel's event loop fails the waiting requests
     * and closes the channel when the oldest request or a pending write is overdue. (The session's
     * thread waits without a timeout of its own: with virtual threads a timed wait arms and cancels a
     * JDK timer on every reply, which costs more than the whole reply.)
     */
    static final class Handler extends SimpleChannelInboundHandler<SmtpResponse> {
        /** How often the watchdog looks: the resolution of the downstream timeouts. */
        static final long WATCH_PERIOD_MILLIS = 200;

        private record Pending(CompletableFuture<DownstreamReply> future, long deadline, long timeoutNanos) {}

        private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
        private Throwable closedBy;
        private volatile long writeDeadline;
        private volatile long writeTimeoutNanos;
        private ScheduledFuture<?> watchdog;
        /** The server's greeting: expected before anything is sent, so it is queued first. */
        final CompletableFuture<DownstreamReply> greeting = new CompletableFuture<>();

        Handler(Duration greetingTimeout) {
            waiting.add(new Pending(greeting, System.nanoTime() + greetingTimeout.toNanos(), greetingTimeout.toNanos()));
        }

        synchronized CompletableFuture<DownstreamReply> expect(Duration timeout) {
            CompletableFuture<DownstreamReply> f = new CompletableFuture<>();
            if (closedBy != null) f.completeExceptionally(closedBy);
            else waiting.add(new Pending(f, System.nanoTime() + timeout.toNanos(), timeout.toNanos()));
            return f;
        }

        void writing(Duration timeout) {
            writeTimeoutNanos = timeout.toNanos();
            writeDeadline = System.nanoTime() + writeTimeoutNanos;
        }

        void written() {
            writeDeadline = 0;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) throws Exception {
            watchdog = ctx.executor().scheduleAtFixedRate(() -> watch(ctx), WATCH_PERIOD_MILLIS, WATCH_PERIOD_MILLIS,
                    TimeUnit.MILLISECONDS);
            super.channelActive(ctx);
        }

        private void watch(ChannelHandlerContext ctx) {
            long now = System.nanoTime();
            String why = null;
            synchronized (this) {
                Pending head = waiting.peek();
                if (head != null && now - head.deadline() > 0) {
                    why = "downstream did not answer within " + seconds(head.timeoutNanos());
                }
            }
            long wd = writeDeadline;
            if (why == null && wd != 0 && now - wd > 0) {
                why = "downstream did not take data within " + seconds(writeTimeoutNanos);
            }
            if (why != null) {
                fail(new DownstreamException(why));
                ctx.close();
            }
        }

        private static String seconds(long nanos) {
            return TimeUnit.NANOSECONDS.toSeconds(nanos) + "s";
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, SmtpResponse msg) {
            Pending p;
            synchronized (this) {
                p = waiting.poll();
            }
            DownstreamReply r = DownstreamReply.parse(msg.code(), msg.details());
            if (p != null) p.future().complete(r);
            else ctx.close(); // a reply nobody asked for: the dialogue is out of step
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (watchdog != null) watchdog.cancel(false);
            fail(new DownstreamException("downstream closed the connection"));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            fail(new DownstreamException("downstream protocol error: " + cause.getMessage(), cause));
            ctx.close();
        }

        private void fail(Throwable t) {
            ArrayDeque<Pending> copy;
            synchronized (this) {
                if (closedBy == null) closedBy = t;
                copy = new ArrayDeque<>(waiting);
                waiting.clear();
            }
            for (Pending p : copy) p.future().completeExceptionally(t);
        }

        /** Why the connection ended, if it has. */
        synchronized Throwable closedBy() {
            return closedBy;
        }
    }

    /** Waits for a reply; the handler's watchdog fails it when it is overdue. */
    DownstreamReply await(CompletableFuture<DownstreamReply> f) throws DownstreamException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            broken = true;
            Throwable c = e.getCause();
            throw c instanceof DownstreamException de ? de : new DownstreamException(String.valueOf(c.getMessage()), c);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            broken = true;
            channel.close();
            throw new DownstreamException("interrupted");
        }
    }

    /** Sends one command and waits for its reply. */
    public DownstreamReply command(String verb, Duration timeout, CharSequence... params) throws DownstreamException {
        return send(verb, timeout, params).reply();
    }

    /** A command sent whose reply has not been awaited yet. */
    public final class Sent {
        private final String verb;
        private final long t0;
        private final CompletableFuture<DownstreamReply> future;

        private Sent(String verb, long t0, CompletableFuture<DownstreamReply> future) {
            this.verb = verb;
            this.t0 = t0;
            this.future = future;
        }

        /** Waits for the reply (the watchdog ends the wait when it is overdue). */
        public DownstreamReply reply() throws DownstreamException {
            return timed(verb, t0, future);
        }
    }

    /** Sends one command without waiting for its reply. */
    public Sent send(String verb, Duration timeout, CharSequence... params) {
        CompletableFuture<DownstreamReply> f = handler.expect(timeout);
        long t0 = System.nanoTime();
        channel.writeAndFlush(new DefaultSmtpRequest(verb, utf8(params)));
        return new Sent(verb.toLowerCase(Locale.ROOT), t0, f);
    }

    /**
     * Sends several commands in one write (RFC 2920 pipelining; only when the downstream offers
     * PIPELINING) and waits for all their replies, in order. Every reply is read even when an earlier
     * one is a refusal, so the dialogue stays in step.
     */
    public List<DownstreamReply> pipeline(List<DefaultSmtpRequest> requests, Duration timeout)
            throws DownstreamException {
        List<CompletableFuture<DownstreamReply>> futures = new ArrayList<>(requests.size());
        long t0 = System.nanoTime();
        for (DefaultSmtpRequest r : requests) {
            futures.add(handler.expect(timeout));
            channel.write(new DefaultSmtpRequest(r.command(), utf8(r.parameters().toArray(CharSequence[]::new))));
        }
        channel.flush();
        List<DownstreamReply> replies = new ArrayList<>(requests.size());
        for (int i = 0; i < futures.size(); i++) {
            String verb = requests.get(i).command().name().toString().toLowerCase(Locale.ROOT);
            replies.add(timed(verb, t0, futures.get(i)));
        }
        return replies;
    }

    /**
     * Netty's request encoder writes each char as one byte (ASCII): a non-ASCII address (SMTPUTF8)
     * would go out as Latin-1 and Postfix refuses it ("500 5.5.2 Error: bad UTF-8 syntax"). Hand the
     * encoder the UTF-8 bytes, one char per byte.
     */
    static CharSequence[] utf8(CharSequence[] params) {
        CharSequence[] out = params;
        for (int i = 0; i < params.length; i++) {
            String s = params[i].toString();
            if (s.chars().allMatch(c -> c < 0x80)) continue;
            if (out == params) out = params.clone();
            out[i] = new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
        }
        return out;
    }

    private DownstreamReply timed(String command, long t0, CompletableFuture<DownstreamReply> f)
            throws DownstreamException {
        try {
            DownstreamReply r = await(f);
            meters.downstream(command, r.code(), System.nanoTime() - t0);
            return r;
        } catch (DownstreamException e) {
            meters.downstream(command, 0, System.nanoTime() - t0);
            throw e;
        }
    }

    /** Sends EHLO and records the extensions offered. */
    DownstreamReply ehlo(String name, Duration timeout) throws DownstreamException {
        DownstreamReply r = command("EHLO", timeout, name);
        if (r.positive()) {
            Map<String, Set<String>> ext = new HashMap<>();
            for (int i = 1; i < r.lines().size(); i++) {
                String[] words = r.lines().get(i).trim().toUpperCase(Locale.ROOT).split(" +");
                if (words[0].isEmpty()) continue;
                ext.put(words[0], Set.of(Arrays.copyOfRange(words, 1, words.length)));
            }
            extensions = Map.copyOf(ext);
        }
        return r;
    }

    /** Extensions the downstream offered in its last EHLO reply (upper case keywords). */
    public Set<String> extensions() { return extensions.keySet(); }

    /** The parameters of one offered extension (e.g. the attribute names after XFORWARD), empty if none. */
    public Set<String> extensionParams(String keyword) { return extensions.getOrDefault(keyword, Set.of()); }

    /** Writes a chunk of dot-stuffed, CRLF-terminated message data; waits until it is sent. */
    public void write(ByteBuf chunk, Duration timeout) throws DownstreamException {
        handler.writing(timeout);
        try {
            awaitWrite(channel.writeAndFlush(new DefaultSmtpContent(chunk)));
        } finally {
            handler.written();
        }
    }

    /** Writes the final chunk and the terminating dot, and waits for the downstream's verdict. */
    public DownstreamReply finish(ByteBuf last, Duration timeout) throws DownstreamException {
        CompletableFuture<DownstreamReply> f = handler.expect(timeout);
        long t0 = System.nanoTime();
        channel.writeAndFlush(new DefaultLastSmtpContent(last));
        return timed("end_of_data", t0, f);
    }

    private void awaitWrite(ChannelFuture cf) throws DownstreamException {
        try {
            cf.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            broken = true;
            channel.close();
            throw new DownstreamException("interrupted");
        }
        if (!cf.isSuccess()) {
            broken = true;
            if (handler.closedBy() instanceof DownstreamException de) throw de;
            throw new DownstreamException("writing to downstream failed: " + cf.cause().getMessage(), cf.cause());
        }
    }

    /** True while the connection can carry another transaction. */
    public boolean usable() { return !broken && channel.isActive(); }

    /** Drops the connection at once; a message in DATA is thereby discarded by the downstream. */
    public void abort() {
        broken = true;
        channel.close();
    }

    ByteBufAllocator alloc() { return channel.alloc(); }

    long idleSince() { return idleSince; }

    void idleSince(long t) { idleSince = t; }
}
