// The console's responses, shared by the router and every page class so that none of them builds
// its own: a page in the layout (with the viewer, the role flags the menu needs and the CSRF token),
// the 404 page (the console's answer to anything outside the viewer's domains or role), HTML, JSON,
// plain-text status, a redirect, and our own static files and the two WebJars, never the rest of the
// classpath. The security headers are not here: the listener adds them to every response.
package org.mxfront.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.mxfront.metrics.HttpListener;

/** Builds the console's responses. */
final class Responses {
    private static final Map<String, String> TYPES = Map.of("js", "text/javascript; charset=utf-8", "css",
            "text/css; charset=utf-8", "map", "application/json", "svg", "image/svg+xml", "png", "image/png");

    private final Views views = new Views();
    private final ObjectMapper json = new ObjectMapper();

    /** The mapper for JSON bodies and SSE data. */
    ObjectMapper mapper() {
        return json;
    }

    /** A template rendered without the layout's session parts (the public pages). */
    String render(String template, Map<String, Object> model) {
        return views.render(template, model);
    }

    /** A page in the layout for a logged-in viewer. */
    FullHttpResponse page(String template, Sessions.Session s, Map<String, Object> model) {
        Map<String, Object> m = new HashMap<>(model);
        Principal p = s.principal();
        m.put("me", p);
        m.put("role", p.role().key());
        m.put("operator", p.operator());
        m.put("canExplain", p.role() != Role.USER);
        m.put("canDomains", p.role() != Role.USER);
        m.put("canLearn", SpamPage.mayLearn(p));
        m.put("csrf", s.csrf());
        m.put("page", template);
        return html(HttpResponseStatus.OK, views.render(template, m));
    }

    /** The 404 page: what a viewer gets for anything outside their domains or role. */
    FullHttpResponse notFound(Sessions.Session s) {
        Map<String, Object> m = new HashMap<>();
        m.put("me", s.principal());
        m.put("role", s.principal().role().key());
        m.put("operator", s.principal().operator());
        m.put("csrf", s.csrf());
        return html(HttpResponseStatus.NOT_FOUND, views.render("notfound", m));
    }

    static FullHttpResponse html(HttpResponseStatus status, String body) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.wrappedBuffer(body.getBytes(StandardCharsets.UTF_8)));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
        return r;
    }

    FullHttpResponse json(Object o) throws IOException {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                Unpooled.wrappedBuffer(json.writeValueAsBytes(o)));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
        return r;
    }

    static FullHttpResponse status(HttpResponseStatus status, String text) {
        return HttpListener.text(status, text + "\n");
    }

    static FullHttpResponse redirect(String to) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SEE_OTHER, Unpooled.EMPTY_BUFFER);
        r.headers().set(HttpHeaderNames.LOCATION, to);
        return r;
    }

    /** A file of ours (console/static), never outside that directory. */
    static FullHttpResponse resource(String name) throws IOException {
        if (!name.matches("console/static/[A-Za-z0-9_-]+\\.(js|css|svg|png)")) return status(HttpResponseStatus.NOT_FOUND, "not found");
        return classpath(name, "public, max-age=300");
    }

    /** htmx and Chart.js from their WebJars; nothing else of the classpath. */
    static FullHttpResponse webjar(String rest) throws IOException {
        if (!rest.matches("(htmx\\.org|chart\\.js)/[0-9.]+/dist/[A-Za-z0-9_.-]+\\.js") || rest.contains("..")) {
            return status(HttpResponseStatus.NOT_FOUND, "not found");
        }
        return classpath("META-INF/resources/webjars/" + rest, "public, max-age=86400");
    }

    private static FullHttpResponse classpath(String name, String cache) throws IOException {
        try (InputStream in = Responses.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) return status(HttpResponseStatus.NOT_FOUND, "not found");
            FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    Unpooled.wrappedBuffer(in.readAllBytes()));
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, TYPES.getOrDefault(name.substring(name.lastIndexOf('.') + 1),
                    "application/octet-stream"));
            r.headers().set(HttpHeaderNames.CACHE_CONTROL, cache);
            return r;
        }
    }
}
