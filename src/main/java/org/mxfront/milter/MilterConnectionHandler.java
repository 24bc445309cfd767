// One Postfix milter connection: commands from the decoder are handled one after the other so that
// replies keep the commands' order: on the event loop when nothing in them can wait (macros, headers
// and body chunks the readers take at once, stages whose checks answer from memory), else on a
// virtual-thread executor (checks block on DNS, the greylisting store, clamd; the event loop never does). Body chunks arrive without a reply (SMFIP_NR_BODY),
// so reading pauses while too many wait. A fault closes the connection: Postfix then applies
// milter_default_action to that client, other connections go on.
package org.mxfront.milter;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.timeout.IdleStateEvent;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.mxfront.milter.MilterFault.Reason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Serves the commands of one milter connection, in order. */
final class MilterConnectionHandler extends SimpleChannelInboundHandler<MilterRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(MilterConnectionHandler.class);
    /** Commands queued before reading pauses, and the level at which it resumes. */
    static final int HIGH_WATER = 16;
    static final int LOW_WATER = 4;

    /** Connection admission, shared by the door's connections. */
    interface Admission {
        boolean admit();

        void released();
    }

    private final Executor executor;
    private final Supplier<MilterSession> sessions;
    private final MilterMeters meters;
    private final Admission admission;
    private final AtomicInteger queued = new AtomicInteger();
    private MilterSession session;
    /** The last command's task; touched on the event loop only. */
    private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);
    private boolean admitted;
    private volatile boolean closing;

    MilterConnectionHandler(Executor executor, Supplier<MilterSession> sessions, MilterMeters meters, Admission admission) {
        this.executor = executor;
        this.sessions = sessions;
        this.meters = meters;
        this.admission = admission;
    }

    /** For tests: how many commands wait. */
    int queued() { return queued.get(); }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (!admission.admit()) {
            meters.fault(Reason.TOO_MANY_CONNECTIONS);
            LOG.warn("milter client {} closed: max-connections reached (Postfix applies milter_default_action)",
                    ctx.channel().remoteAddress());
            ctx.close();
            return;
        }
        admitted = true;
        session = sessions.get();
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (admitted) admission.released();
        admitted = false;
        closing = true;
        MilterSession s = session;
        if (s != null) {
            tail = tail.thenRunAsync(() -> {
                if (s.inMessage()) {
                    LOG.info("milter client {} went away in the middle of a message; nothing of it was accepted here",
                            ctx.channel().remoteAddress());
                }
                s.close();
            }, executor);
        }
        ctx.fireChannelInactive();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, MilterRequest request) {
        if (closing || session == null) return;
        if (queued.incrementAndGet() >= HIGH_WATER) ctx.channel().config().setAutoRead(false);
        long t0 = System.nanoTime();
        if (tail.isDone() && !mayBlock(request)) {
            serve(ctx, request, t0);
        } else {
            tail = tail.thenRunAsync(() -> serve(ctx, request, t0), executor);
        }
    }

    /** Asked on the event loop with no command in flight; a failure here counts as "may block" (handle reports it). */
    private boolean mayBlock(MilterRequest request) {
        try {
            return session.mayBlock(request);
        } catch (RuntimeException e) {
            return true;
        }
    }

    private void serve(ChannelHandlerContext ctx, MilterRequest request, long t0) {
        try {
            if (closing) return;
            MilterSession.Answer a = session.handle(request);
            MilterSession.Outcome o = session.takeOutcome();
            for (MilterResponse r : a.replies()) {
                meters.reply(request.name(), MilterMeters.action(r));
                ctx.write(r);
            }
            if (o != null) meters.message(o, a.replies().stream().anyMatch(r -> r instanceof MilterResponse.Discard));
            if (!a.replies().isEmpty()) {
                ctx.flush();
                meters.timed(System.nanoTime() - t0);
            }
            if (a.close()) {
                closing = true;
                ctx.close();
            }
        } catch (MilterFault f) {
            fault(ctx, f);
        } catch (RuntimeException e) {
            meters.fault(Reason.INTERNAL_ERROR);
            LOG.error("milter command {} from {} failed; closing (Postfix applies milter_default_action)",
                    request.name(), ctx.channel().remoteAddress(), e);
            closing = true;
            ctx.close();
        } finally {
            if (queued.decrementAndGet() <= LOW_WATER && !ctx.channel().config().isAutoRead() && !closing) {
                ctx.channel().config().setAutoRead(true);
            }
        }
    }

    private void fault(ChannelHandlerContext ctx, MilterFault f) {
        closing = true;
        meters.fault(f.reason());
        LOG.warn("milter client {} closed: {} ({})", ctx.channel().remoteAddress(), f.getMessage(), f.reason().label());
        ctx.close();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable c = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (c instanceof MilterFault f) {
            fault(ctx, f);
        } else if (c instanceof TooLongFrameException) {
            fault(ctx, new MilterFault(Reason.TOO_LONG, "packet length over max-packet-length: " + c.getMessage()));
        } else if (c instanceof CorruptedFrameException) {
            fault(ctx, new MilterFault(Reason.MALFORMED, "bad packet length: " + c.getMessage()));
        } else {
            LOG.debug("milter connection {} failed", ctx.channel().remoteAddress(), c);
            closing = true;
            ctx.close();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            fault(ctx, new MilterFault(Reason.IDLE, "idle for longer than milter.idle-timeout"));
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

}
