// The web console on its own listener (console.listen): server-rendered pages (Pebble) with htmx
// and Chart.js served from their WebJars, never a CDN. Public: /codes (the catalogue, one anchor per
// code) and /login. Behind a login: the dashboard, live decisions (Server-Sent Events), the message
// trace, domains, greylist and rate-limit admin, the explain form, the Report spam page (operators:
// a message taught to the spam check's classifier through checks/spam/SpamLearner, as the API's
// POST /api/v1/spam/learn; mxfront keeps no message bodies, so a traced message cannot be reported
// from its trace page, which says so). Roles filter everything here, on
// the server: a page, search or graph outside the viewer's domains is a 404. Every response carries
// a strict Content-Security-Policy (scripts and styles from this origin only, no inline script, no
// framing) and the other security headers; every POST needs the session's CSRF token.
//
// This class is the listener and the router: the static files, the public pages, the session, the
// CSRF gate on every POST, then one call into the page class of the area (LoginPages, DashboardPage,
// LiveStream, TracePages, DomainPages, ListPages, AdminPages, ExplainPage, SpamPage) with the
// console's shared state (ConsoleState); they answer through Responses and never call back here.
package org.mxfront.console;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.List;
import java.util.Map;
import org.mxfront.config.DaemonConfig;
import org.mxfront.metrics.HttpListener;
import org.mxfront.metrics.HttpService;
import org.mxfront.policy.DecisionFeed;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The console's HTTP server. */
public final class ConsoleServer extends HttpService<ConsoleServer> {
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleServer.class);
    private static final int MAX_BODY = 10 * 1024 * 1024;
    /** Script, style, images, fetch and SSE from this origin only; no inline script, no framing. */
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private final ConsoleState st;

    public ConsoleServer(DaemonConfig.Console settings, ConsoleBackend backend, DecisionFeed feed, Authenticator auth) {
        this(settings, backend, feed, auth, null);
    }

    /** @param journal the decision journal the trace searches, or null for the in-memory feed only */
    public ConsoleServer(DaemonConfig.Console settings, ConsoleBackend backend, DecisionFeed feed, Authenticator auth,
            Journal journal) {
        super(settings.listen(), settings.tls(), MAX_BODY, "mxfront-console", ConsoleServer::securityHeaders);
        st = new ConsoleState(backend, feed, journal, settings.store(), auth,
                new Sessions(settings.sessionTimeout(), System::currentTimeMillis),
                new LoginLimiter(settings.loginLimit(), () -> System.currentTimeMillis() * 1000), settings.tls() != null,
                listener, new Responses());
    }

    @Override
    public void close() {
        super.close();
        st.limiter().close();
    }

    /** The headers every response gets. */
    static void securityHeaders(HttpHeaders h) {
        h.set("Content-Security-Policy", CSP);
        h.set("X-Content-Type-Options", "nosniff");
        h.set("X-Frame-Options", "DENY");
        h.set("Referrer-Policy", "no-referrer");
        h.set("Cross-Origin-Opener-Policy", "same-origin");
        if (!h.contains(HttpHeaderNames.CACHE_CONTROL)) h.set(HttpHeaderNames.CACHE_CONTROL, "no-store");
    }

    @Override
    protected FullHttpResponse handle(HttpListener.Request r, Channel ch) throws Exception {
        String path = r.query().path();
        if (path.startsWith("/static/")) return Responses.resource("console/static/" + path.substring("/static/".length()));
        if (path.startsWith("/webjars/")) return Responses.webjar(path.substring("/webjars/".length()));
        if (path.equals("/codes")) return LoginPages.codes(st);
        if (path.equals("/login")) return r.method().equals(HttpMethod.POST) ? LoginPages.login(st, r) : LoginPages.loginPage(st, r, null, HttpResponseStatus.OK);
        if (path.equals("/favicon.ico")) return Responses.status(HttpResponseStatus.NOT_FOUND, "not found");
        Sessions.Session s = st.sessions().find(LoginPages.sessionToken(r));
        if (s == null) {
            if (path.startsWith("/api/") || path.equals("/live/stream")) return Responses.status(HttpResponseStatus.UNAUTHORIZED, "log in first");
            return Responses.redirect("/login");
        }
        Principal p = s.principal();
        Map<String, List<String>> form = Map.of();
        if (r.method().equals(HttpMethod.POST)) {
            Form f = Form.of(r);
            if (!s.csrfMatches(f.value("_csrf"))) {
                LOG.warn("console: POST {} by {} from {} without a valid CSRF token", path, p.name(), r.remote().getAddress().getHostAddress());
                return Responses.status(HttpResponseStatus.FORBIDDEN, "missing or wrong CSRF token: reload the page and try again");
            }
            form = f.values;
            if (path.equals("/logout")) return LoginPages.logout(st, s);
            if (path.equals("/explain")) return ExplainPage.explain(st, s, f);
            if (path.equals("/lists")) return ListPages.listChange(st, s, f);
            if (path.equals("/spam")) return SpamPage.spamLearn(st, s, f);
            if (path.equals("/domains")) return DomainPages.domainsChange(st, s, f);
            if (path.startsWith("/domains/")) return DomainPages.domainChange(st, s, path.substring("/domains/".length()), f);
        } else if (!r.method().equals(HttpMethod.GET) && !r.method().equals(HttpMethod.HEAD)) {
            return Responses.status(HttpResponseStatus.METHOD_NOT_ALLOWED, "use GET or POST");
        }
        Map<String, List<String>> q = r.query().parameters();
        if (path.equals("/")) return DashboardPage.page(st, s);
        if (path.equals("/api/dashboard")) return DashboardPage.figures(st, p, Form.first(q, "span"));
        if (path.equals("/live")) return st.out().page("live", s, Map.of("filter", TraceQuery.of(q)));
        if (path.equals("/live/stream")) return LiveStream.live(st, ch, p, TraceQuery.of(q));
        if (path.equals("/trace")) return TracePages.trace(st, s, TraceQuery.of(q), r.headers().contains("HX-Request"));
        if (path.startsWith("/trace/session/")) return TracePages.session(st, s, path.substring("/trace/session/".length()));
        if (path.equals("/domains")) return DomainPages.domains(st, s);
        if (path.startsWith("/domains/")) return DomainPages.domain(st, s, path.substring("/domains/".length()));
        if (path.equals("/greylist")) return AdminPages.adminPage(st, s, "greylist", r.method().equals(HttpMethod.POST) ? form : q,
                r.method().equals(HttpMethod.POST));
        if (path.equals("/ratelimit")) return AdminPages.adminPage(st, s, "ratelimit", r.method().equals(HttpMethod.POST) ? form : q,
                r.method().equals(HttpMethod.POST));
        if (path.equals("/explain")) return ExplainPage.explainPage(st, s, Map.of(), null);
        if (path.equals("/lists")) return ListPages.lists(st, s, null, null);
        if (path.equals("/spam")) return SpamPage.spamPage(st, s, HttpResponseStatus.OK, Map.of());
        return st.out().notFound(s);
    }
}
