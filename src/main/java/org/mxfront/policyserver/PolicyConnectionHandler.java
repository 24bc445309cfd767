// One Postfix policy connection: requests from the decoder are answered one after the other so
// replies keep the requests' order: on the event loop when nothing in the answer can wait (every
// check answers from memory: cached DNS, the embedded store), else on a virtual-thread executor (the
// event loop never blocks). Protocol faults and internal
// errors close the connection without a reply: Postfix retries, then applies its default action.
package org.mxfront.policyserver;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.timeout.IdleStateEvent;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.mxfront.policyserver.ProtocolFault.Reason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Serves the requests of one connection, in order. */
final class PolicyConnectionHandler extends SimpleChannelInboundHandler<PolicyRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(PolicyConnectionHandler.class);

    /** Answers one request with the value of {@code action=}; may block. */
    @FunctionalInterface
    interface Answerer {
        String answer(PolicyRequest request);

        /**
         * Does what never blocks of answering {@code request} now, on the event loop (message state,
         * DNS queries started); the job says whether the rest may block. By default it may.
         */
        default Job prepare(PolicyRequest request) {
            return new Job(true, () -> answer(request));
        }
    }

    /** A request's answer still to compute, and whether computing it may block. */
    record Job(boolean mayBlock, Supplier<String> answer) {}

    private final Executor executor;
    private final Answerer answerer;
    private final PolicyMeters meters;
    private final Traffic traffic;
    /** The last request's answer; touched on the event loop only. */
    private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);
    private boolean admitted;

    PolicyConnectionHandler(Executor executor, Answerer answerer, PolicyMeters meters, Traffic traffic) {
        this.executor = executor;
        this.answerer = answerer;
        this.meters = meters;
        this.traffic = traffic;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (!traffic.admit()) {
            meters.fault(Reason.TOO_MANY_CONNECTIONS);
            LOG.warn("policy client {} closed: max-connections reached", ctx.channel().remoteAddress());
            ctx.close();
            return;
        }
        admitted = true;
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (admitted) traffic.released();
        admitted = false;
        ctx.fireChannelInactive();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, PolicyRequest request) {
        traffic.started();
        if (!tail.isDone()) {
            // an earlier request is still being answered off the loop: this one waits its turn there
            tail = tail.thenRunAsync(() -> serve(ctx, null, request), executor);
            return;
        }
        Job job;
        try {
            job = answerer.prepare(request);
        } catch (RuntimeException e) {
            failed(ctx, e);
            traffic.finished();
            return;
        }
        if (job.mayBlock()) {
            tail = CompletableFuture.runAsync(() -> serve(ctx, job, request), executor);
        } else {
            serve(ctx, job, request);
        }
    }

    private void failed(ChannelHandlerContext ctx, RuntimeException e) {
        meters.fault(Reason.INTERNAL_ERROR);
        LOG.error("policy request from {} failed; closing without a reply (Postfix retries, then applies "
                + "smtpd_policy_service_default_action)", ctx.channel().remoteAddress(), e);
        ctx.close();
    }

    /** Answers one request (prepared already when {@code job} is not null). */
    private void serve(ChannelHandlerContext ctx, Job job, PolicyRequest request) {
        try {
            if (!ctx.channel().isActive()) return;
            String action = job != null ? job.answer().get() : answerer.answer(request);
            ByteBuf reply = ctx.alloc().buffer(action.length() + 16);
            reply.writeCharSequence(PolicyAttributes.ACTION + "=" + action + "\n\n", StandardCharsets.UTF_8);
            ctx.writeAndFlush(reply);
        } catch (RuntimeException e) {
            failed(ctx, e);
        } catch (Error e) {
            meters.fault(Reason.INTERNAL_ERROR);
            LOG.error("policy request from {} failed; closing without a reply", ctx.channel().remoteAddress(), e);
            ctx.close();
            throw e; // the chain of this connection stops
        } finally {
            traffic.finished();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof ProtocolFault f) {
            meters.fault(f.reason());
            LOG.warn("policy client {} sent a malformed request ({}: {}); closed without a reply",
                    ctx.channel().remoteAddress(), f.reason().label(), f.getMessage());
        } else {
            LOG.debug("policy connection {} failed", ctx.channel().remoteAddress(), cause);
        }
        ctx.close();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            LOG.debug("policy connection {} idle, closed", ctx.channel().remoteAddress());
            ctx.close();
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }
}
