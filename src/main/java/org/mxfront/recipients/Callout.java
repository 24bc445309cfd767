// SMTP callouts: ask a mail server whether it would take an address (MAIL FROM:<>, RCPT TO:<x>,
// then RSET), without sending mail. One pooled Netty SMTP client (relay's DownstreamRelay, with no
// client forwarding) per target host:port, so repeated probes reuse a greeted connection. The
// recipients check's `callout` source and sender verification both use it. The relay's own meters
// are kept out of mxfront_downstream_*: callouts are not the downstream.
package org.mxfront.recipients;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.mxfront.mail.ClientInfo;
import org.mxfront.metrics.MxMeters;
import org.mxfront.relay.DownstreamException;
import org.mxfront.relay.DownstreamRelay;
import org.mxfront.relay.DownstreamReply;
import org.mxfront.relay.DownstreamSettings;

/** A pool of callout connections per target. Thread-safe. */
public final class Callout implements AutoCloseable {
    /** What a callout probe got. */
    public sealed interface Answer {
        /** 2xx to RCPT. */
        record Accepted(DownstreamReply reply) implements Answer {}

        /** 5xx to MAIL or RCPT. */
        record Refused(DownstreamReply reply) implements Answer {}

        /** 4xx, a timeout, or no connection. */
        record Failed(String why) implements Answer {}
    }

    /**
     * @param heloName       our EHLO name
     * @param connectTimeout to connect and be greeted
     * @param commandTimeout for each reply
     * @param maxIdle        idle connections kept per target
     */
    public record Settings(String heloName, Duration connectTimeout, Duration commandTimeout, int maxIdle) {}

    private static final ClientInfo SELF = new ClientInfo(InetAddress.getLoopbackAddress(), 0, null, false, 0);

    private final Settings settings;
    private final MxMeters quiet = new MxMeters(new SimpleMeterRegistry());
    /**
     * One relay (and its event-loop thread) per target, so the map is bounded: sender verification
     * meets a new MX with many new senders. A target unused for 2 minutes, or the least used past
     * 256, is dropped and its connections closed.
     */
    private final Cache<InetSocketAddress, DownstreamRelay> pools = Caffeine.newBuilder().maximumSize(256)
            .expireAfterAccess(Duration.ofMinutes(2))
            .removalListener((InetSocketAddress k, DownstreamRelay v, RemovalCause c) -> {
                if (v != null) v.close();
            }).build();
    private volatile boolean closed;

    public Callout(Settings settings) {
        this.settings = settings;
    }

    /**
     * Probes one address.
     *
     * @param sender    the MAIL FROM address, empty for the null sender
     * @param recipient the RCPT TO address
     */
    public Answer probe(InetSocketAddress target, String sender, String recipient) {
        if (closed) return new Answer.Failed("shutting down");
        DownstreamRelay relay = pools.get(target, t -> new DownstreamRelay(t,
                new DownstreamSettings(t.getHostString() + ":" + t.getPort(), settings.connectTimeout(),
                        settings.commandTimeout(), settings.commandTimeout(), DownstreamSettings.ForwardClient.NONE,
                        settings.maxIdle(), Duration.ofSeconds(30)),
                settings.heloName(), quiet));
        var tx = relay.open(SELF, settings.heloName(), true);
        try {
            tx.mail(sender, List.of());
            DownstreamReply r = tx.rcpt(recipient, List.of());
            if (r.positive()) return new Answer.Accepted(r);
            if (r.code() >= 500) return new Answer.Refused(r);
            return new Answer.Failed(target + " answered " + r);
        } catch (DownstreamException e) {
            return new Answer.Failed(e.getMessage());
        } finally {
            tx.close();
        }
    }

    @Override
    public void close() {
        closed = true;
        pools.invalidateAll();
        pools.cleanUp();
    }
}
