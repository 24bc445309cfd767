// The operator's HTTP endpoint on Netty (HTTP/1.1): /metrics for Prometheus, /healthz (process up),
// /readyz (listening, downstream reachable, stores reachable), and admin actions answered only to
// loopback clients: /explain (dry-run of the policy in the running daemon), POST /reload, and each
// configured check's admin actions under the name it gives them (/greylist: the greylisting store's
// list/allow/delete, for `mxfront greylist` while the daemon holds the embedded store's file;
// /ratelimit: the rate-limit buckets' list/reset, for `mxfront ratelimit`). No check is named here.
// /api/v1/: the policy store's JSON API, token-authenticated (api/PolicyApi).
// Config: metrics.listen (default 127.0.0.1:9725; empty turns it off).
package org.mxfront.metrics;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** The metrics and admin HTTP server. */
public final class AdminHttpServer extends HttpService<AdminHttpServer> {
    /** What the daemon answers for the endpoints beyond /metrics and /healthz. */
    public interface Admin {
        /** Null when ready, else the reasons (one per line). */
        String notReady();

        /** A dry-run report, from query parameters and an optional message body; throws IllegalArgumentException on bad input. */
        String explain(Map<String, List<String>> params, byte[] message);

        /** Re-reads the configuration; returns (ok, text). */
        Map.Entry<Boolean, String> reload();

        /** The names of the admin actions the running configuration's checks offer ({@code greylist}, {@code ratelimit}). */
        default Set<String> adminNames() {
            return Set.of();
        }

        /**
         * A check's admin action (greylist list/allow/delete, ratelimit list/reset, ...) from query
         * parameters, for a name in {@link #adminNames()}. Throws IllegalArgumentException on bad input,
         * NoSuchElementException for an entry that is not there.
         */
        default String admin(String name, Map<String, List<String>> params) {
            throw new IllegalArgumentException("no admin action '" + name + "'");
        }

        /** Whether that action only reads (served on GET); the others need POST. */
        default boolean readOnly(String name, String action) {
            return action.equals("list");
        }

        /**
         * The policy store's JSON API (paths under /api/): status and JSON body, or null when the
         * store is off. Authentication is the API's own (bearer tokens), for any client address.
         */
        default Map.Entry<Integer, String> api(String method, String path, Map<String, List<String>> params,
                String authorization, byte[] body) {
            return null;
        }
    }

    private static final int MAX_BODY = 10 * 1024 * 1024;

    private final PrometheusMeterRegistry registry;
    private final Admin admin;

    public AdminHttpServer(InetSocketAddress listen, PrometheusMeterRegistry registry, Admin admin) {
        super(listen, null, MAX_BODY, "mxfront-http", null);
        this.registry = registry;
        this.admin = admin;
    }

    @Override
    protected FullHttpResponse handle(HttpListener.Request r, Channel ch) {
        return r.query().path().startsWith("/api/")
                ? api(r.query(), r.method(), r.headers().get(HttpHeaderNames.AUTHORIZATION), r.body())
                : route(r.query(), r.method(), r.body(), r.local());
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
            default -> {
                // a check's admin actions, by the name it gives them: /greylist, /ratelimit, ...
                String name = path.substring(1);
                if (!name.matches("[a-z][a-z0-9-]*")) {
                    return text(HttpResponseStatus.NOT_FOUND,
                            "try /metrics, /healthz, /readyz, /explain, POST /reload, or a check's admin actions (/greylist, /ratelimit)\n");
                }
                if (!local) return text(HttpResponseStatus.FORBIDDEN, name + " is answered to loopback clients only\n");
                String action = q.parameters().getOrDefault("action", List.of("list")).get(0);
                if (!admin.readOnly(name, action) && !HttpMethod.POST.equals(method)) {
                    return text(HttpResponseStatus.METHOD_NOT_ALLOWED, "use POST for " + action + "\n");
                }
                if (!admin.adminNames().contains(name)) {
                    return text(HttpResponseStatus.NOT_FOUND, "no check of the running configuration offers '" + name
                            + "' (offered: " + String.join(", ", new TreeSet<>(admin.adminNames())) + ")\n");
                }
                return text(HttpResponseStatus.OK, admin.admin(name, q.parameters()));
            }
        }
    }

    private FullHttpResponse api(QueryStringDecoder q, HttpMethod method, String authorization, byte[] body) {
        Map.Entry<Integer, String> r = admin.api(method.name(), q.path(), q.parameters(), authorization, body);
        if (r == null) r = Map.entry(404, "{\"error\":\"the policy store is not enabled (policy-store: {enabled: true})\"}");
        FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(r.getKey()),
                Unpooled.wrappedBuffer(r.getValue().getBytes(StandardCharsets.UTF_8)));
        if (!r.getValue().isEmpty()) resp.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
        resp.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        return resp;
    }

    private static FullHttpResponse text(HttpResponseStatus status, String body) {
        return HttpListener.text(status, body);
    }
}
