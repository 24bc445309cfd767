// The live decisions page's stream (/live/stream): Server-Sent Events on the request's own channel,
// the viewer's recent matching decisions first, then each new one as the feed publishes it, with a
// bounded queue per viewer ("dropped N" when a slow browser falls behind) and a keep-alive comment.
// Also the one shape of a decision the browser gets (event), which the trace pages reuse.
package org.mxfront.console;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.mxfront.policy.DecisionEvent;
import org.mxfront.policy.DecisionFeed;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** /live/stream. */
final class LiveStream {
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleServer.class);
    /** A live view's queue: events beyond it (a slow browser) are dropped and reported as "dropped N". */
    static final int LIVE_QUEUE = 1000;

    private LiveStream() {}

    /** Server-Sent Events: the matching recent decisions, then each new one; "dropped" when the queue overflowed. */
    static FullHttpResponse live(ConsoleState st, Channel ch, Principal p, TraceQuery filter) {
        Predicate<DecisionEvent> match = filter.predicate();
        Predicate<DecisionEvent> visible = e -> p.sees(e) && match.test(e);
        if (!filter.domain().isEmpty() && !p.seesDomain(filter.domain())) return Responses.status(HttpResponseStatus.NOT_FOUND, "not found");
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        head.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        HttpUtil.setTransferEncodingChunked(head, true);
        st.listener().decorate(head.headers());
        try (DecisionFeed.Subscription sub = st.feed().subscribe(LIVE_QUEUE, visible)) {
            ch.writeAndFlush(head);
            List<DecisionEvent> recent = st.feed().recent(visible);
            for (DecisionEvent e : recent.subList(Math.max(0, recent.size() - 50), recent.size())) send(st, ch, "decision", event(e));
            long reported = 0;
            while (ch.isActive()) {
                DecisionEvent e = sub.poll(15, TimeUnit.SECONDS);
                if (sub.dropped() > reported) {
                    reported = sub.dropped();
                    send(st, ch, "dropped", Map.of("dropped", reported));
                }
                if (e == null) {
                    ch.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer(": keep-alive\n\n", StandardCharsets.UTF_8)));
                } else {
                    send(st, ch, "decision", event(e));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            LOG.debug("console: live stream ended: {}", e.getMessage());
        }
        if (ch.isActive()) ch.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        return null;
    }

    private static void send(ConsoleState st, Channel ch, String name, Object data) throws IOException {
        String text = "event: " + name + "\ndata: " + st.out().mapper().writeValueAsString(data) + "\n\n";
        ch.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8)));
    }

    /** A decision as the browser gets it (JSON; the page puts it into the DOM as text). */
    static Map<String, Object> event(DecisionEvent e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("time", Instant.ofEpochMilli(e.timeMillis()).toString());
        m.put("door", e.door());
        m.put("action", e.action());
        m.put("outcome", e.outcome());
        m.put("stage", e.stage());
        m.put("client", e.clientName() + "[" + e.clientIp() + "]");
        m.put("helo", e.helo());
        m.put("sender", e.sender());
        m.put("recipients", e.recipients());
        m.put("code", e.code());
        m.put("check", e.check());
        m.put("reply", e.reply());
        m.put("session", e.session());
        m.put("queueId", e.queueId());
        return m;
    }
}
