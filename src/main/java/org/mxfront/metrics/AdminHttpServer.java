// The operator's HTTP endpoint on Netty (HTTP/1.1): /metrics for Prometheus, /healthz (process up),
// /readyz (listening, downstream reachable, stores reachable), and two admin actions answered only
// to loopback clients: /explain (dry-run of the policy in the running daemon), POST /reload, and
// /greylist (the greylisting store's list/allow/delete, for `mxfront greylist` while the daemon
// holds the embedded store's file), and /ratelimit (the rate-limit buckets' list/reset, for
// `mxfront ratelimit`).
// Config: metrics.listen (default 127.0.0.1:9725; empty turns it off).
package org.mxfront.metrics;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

/** The metrics and admin HTTP server. */
public final class AdminHttpServer implements AutoCloseable {
    /** What the daemon answers for the endpoints beyond /metrics and /healthz. */
    public interface Admin {
        /** Null when ready, else the reasons (one per line). */
        String notReady();

        /** A dry-run report, from query parameters and an optional message body; throws IllegalArgumentException on bad input. */
        String explain(Map<String, List<String>> params, byte[] message);

        /** Re-reads the configuration; returns (ok, text). */
        Map.Entry<Boolean, String> reload();

        /** A greylisting store action (list, allow, delete) from query parameters; throws IllegalArgumentException on bad input. */
        default String greylist(Map<String, List<String>> params) {
            throw new IllegalArgumentException("greylisting is not available");
        }

        /** A rate-limit store action (list, reset) from query parameters; throws IllegalArgumentException on bad input. */
        default String ratelimit(Map<String, List<String>> params) {
            throw new IllegalArgumentException("rate limits are not available");
        }
    }

    private static final int MAX_BODY = 10 * 1024 * 1024;

    private final PrometheusMeterRegistry registry;
    private final Admin admin;
    private final HttpListener listener;

    public AdminHttpServer(InetSocketAddress listen, PrometheusMeterRegistry registry, Admin admin) {
        this.registry = registry;
        this.admin = admin;
        this.listener = new HttpListener(listen, null, MAX_BODY, "mxfront-http",
                (r, ch) -> route(r.query(), r.method(), r.body(), r.local()), null);
    }

    public AdminHttpServer start() throws InterruptedException {
        listener.start();
        return this;
    }

    /** The bound port. */
    public int port() {
        return listener.port();
    }

    @Override
    public void close() {
        listener.close();
    }

    private FullHttpResponse route(QueryStringDecoder q, HttpMethod method, byte[] body, boolean local) {
        String path = q.path();
        switch (path) {
            case "/metrics" -> {
                if (registry == null) return text(HttpResponseStatus.NOT_FOUND, "no Prometheus registry\n");
                FullHttpResponse r = text(HttpResponseStatus.OK, registry.scrape());
                r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
                return r;
            }
            case "/healthz" -> {
                return text(HttpResponseStatus.OK, "ok\n");
            }
            case "/readyz" -> {
                String why = admin.notReady();
                return why == null ? text(HttpResponseStatus.OK, "ready\n")
                        : text(HttpResponseStatus.SERVICE_UNAVAILABLE, why.endsWith("\n") ? why : why + "\n");
            }
            case "/explain" -> {
                if (!local) return text(HttpResponseStatus.FORBIDDEN, "explain is answered to loopback clients only\n");
                return text(HttpResponseStatus.OK, admin.explain(q.parameters(), body.length == 0 ? null : body));
            }
            case "/reload" -> {
                if (!local) return text(HttpResponseStatus.FORBIDDEN, "reload is answered to loopback clients only\n");
                if (!HttpMethod.POST.equals(method)) return text(HttpResponseStatus.METHOD_NOT_ALLOWED, "use POST\n");
                Map.Entry<Boolean, String> r = admin.reload();
                return text(r.getKey() ? HttpResponseStatus.OK : HttpResponseStatus.UNPROCESSABLE_ENTITY, r.getValue() + "\n");
            }
            case "/greylist" -> {
                if (!local) return text(HttpResponseStatus.FORBIDDEN, "greylist is answered to loopback clients only\n");
                String action = q.parameters().getOrDefault("action", List.of("list")).get(0);
                if (!action.equals("list") && !HttpMethod.POST.equals(method)) {
                    return text(HttpResponseStatus.METHOD_NOT_ALLOWED, "use POST for " + action + "\n");
                }
                return text(HttpResponseStatus.OK, admin.greylist(q.parameters()));
            }
            case "/ratelimit" -> {
                if (!local) return text(HttpResponseStatus.FORBIDDEN, "ratelimit is answered to loopback clients only\n");
                String action = q.parameters().getOrDefault("action", List.of("list")).get(0);
                if (!action.equals("list") && !HttpMethod.POST.equals(method)) {
                    return text(HttpResponseStatus.METHOD_NOT_ALLOWED, "use POST for " + action + "\n");
                }
                return text(HttpResponseStatus.OK, admin.ratelimit(q.parameters()));
            }
            default -> {
                return text(HttpResponseStatus.NOT_FOUND,
                        "try /metrics, /healthz, /readyz, /explain, POST /reload, /greylist, /ratelimit\n");
            }
        }
    }

    private static FullHttpResponse text(HttpResponseStatus status, String body) {
        return HttpListener.text(status, body);
    }
}
