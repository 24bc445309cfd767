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
package org.mxfront.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.CookieHeaderNames;
import io.netty.handler.codec.http.cookie.DefaultCookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import io.netty.handler.codec.http.cookie.ServerCookieEncoder;
import io.netty.handler.codec.http.multipart.Attribute;
import io.netty.handler.codec.http.multipart.DefaultHttpDataFactory;
import io.netty.handler.codec.http.multipart.FileUpload;
import io.netty.handler.codec.http.multipart.HttpPostRequestDecoder;
import io.netty.handler.codec.http.multipart.InterfaceHttpData;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.mxfront.codes.Code;
import org.mxfront.codes.ReplyCatalogue;
import org.mxfront.config.DaemonConfig;
import org.mxfront.metrics.HttpListener;
import org.mxfront.metrics.HttpService;
import org.mxfront.policy.ConfiguredCheck;
import org.mxfront.policy.DecisionEvent;
import org.mxfront.policy.DecisionFeed;
import org.mxfront.policy.Policy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The console's HTTP server. */
public final class ConsoleServer extends HttpService<ConsoleServer> {
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleServer.class);
    private static final Logger AUDIT = LoggerFactory.getLogger("mxfront.audit");
    private static final int MAX_BODY = 10 * 1024 * 1024;
    /** Script, style, images, fetch and SSE from this origin only; no inline script, no framing. */
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private final ConsoleBackend backend;
    private final DecisionFeed feed;
    /** Null: the trace searches the in-memory feed only. */
    private final Journal journal;
    private final Sessions sessions;
    private final LoginLimiter limiter;
    /** The policy store whose lists the Lists page edits, or null when it is off. */
    private final org.mxfront.store.PolicyStoreService store;
    private final Responses out = new Responses();
    private final ExplainPage explain;
    private final AdminPages admin;
    private final ListPages lists;
    private final DomainPages domains;
    private final TracePages trace;
    private final LiveStream live;
    private final DashboardPage dashboard;
    private final LoginPages login;

    public ConsoleServer(DaemonConfig.Console settings, ConsoleBackend backend, DecisionFeed feed, Authenticator auth) {
        this(settings, backend, feed, auth, null);
    }

    /** @param journal the decision journal the trace searches, or null for the in-memory feed only */
    public ConsoleServer(DaemonConfig.Console settings, ConsoleBackend backend, DecisionFeed feed, Authenticator auth,
            Journal journal) {
        super(settings.listen(), settings.tls(), MAX_BODY, "mxfront-console", ConsoleServer::securityHeaders);
        this.journal = journal;
        this.backend = backend;
        this.feed = feed;
        this.sessions = new Sessions(settings.sessionTimeout(), System::currentTimeMillis);
        this.limiter = new LoginLimiter(settings.loginLimit(), () -> System.currentTimeMillis() * 1000);
        this.store = settings.store();
        this.explain = new ExplainPage(backend, out);
        this.admin = new AdminPages(backend, out);
        this.lists = new ListPages(store, out);
        this.domains = new DomainPages(backend, feed, store, out.mapper(), out);
        this.trace = new TracePages(feed, journal, out);
        this.live = new LiveStream(feed, listener, out.mapper());
        this.dashboard = new DashboardPage(backend, feed, journal, store, out);
        this.login = new LoginPages(backend, auth, sessions, limiter, settings.tls() != null, out);
    }

    @Override
    public void close() {
        super.close();
        limiter.close();
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

    // ---- routing -------------------------------------------------------------------------------

    @Override
    protected FullHttpResponse handle(HttpListener.Request r, Channel ch) throws Exception {
        String path = r.query().path();
        if (path.startsWith("/static/")) return Responses.resource("console/static/" + path.substring("/static/".length()));
        if (path.startsWith("/webjars/")) return Responses.webjar(path.substring("/webjars/".length()));
        if (path.equals("/codes")) return login.codes();
        if (path.equals("/login")) return r.method().equals(HttpMethod.POST) ? login.login(r) : login.loginPage(r, null, HttpResponseStatus.OK);
        if (path.equals("/favicon.ico")) return Responses.status(HttpResponseStatus.NOT_FOUND, "not found");
        Sessions.Session s = sessions.find(LoginPages.sessionToken(r));
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
            if (path.equals("/logout")) return login.logout(s);
            if (path.equals("/explain")) return explain.explain(s, f);
            if (path.equals("/lists")) return lists.listChange(s, f);
            if (path.equals("/spam")) return spamLearn(s, f);
            if (path.equals("/domains")) return domains.domainsChange(s, f);
            if (path.startsWith("/domains/")) return domains.domainChange(s, path.substring("/domains/".length()), f);
        } else if (!r.method().equals(HttpMethod.GET) && !r.method().equals(HttpMethod.HEAD)) {
            return Responses.status(HttpResponseStatus.METHOD_NOT_ALLOWED, "use GET or POST");
        }
        Map<String, List<String>> q = r.query().parameters();
        if (path.equals("/")) return dashboard.page(s);
        if (path.equals("/api/dashboard")) return dashboard.figures(p, Form.first(q, "span"));
        if (path.equals("/live")) return out.page("live", s, Map.of("filter", TraceQuery.of(q)));
        if (path.equals("/live/stream")) return live.live(ch, p, TraceQuery.of(q));
        if (path.equals("/trace")) return trace.trace(s, TraceQuery.of(q), r.headers().contains("HX-Request"));
        if (path.startsWith("/trace/session/")) return trace.session(s, path.substring("/trace/session/".length()));
        if (path.equals("/domains")) return domains.domains(s);
        if (path.startsWith("/domains/")) return domains.domain(s, path.substring("/domains/".length()));
        if (path.equals("/greylist")) return admin.adminPage(s, "greylist", r.method().equals(HttpMethod.POST) ? form : q,
                r.method().equals(HttpMethod.POST));
        if (path.equals("/ratelimit")) return admin.adminPage(s, "ratelimit", r.method().equals(HttpMethod.POST) ? form : q,
                r.method().equals(HttpMethod.POST));
        if (path.equals("/explain")) return explain.explainPage(s, Map.of(), null);
        if (path.equals("/lists")) return lists.lists(s, null, null);
        if (path.equals("/spam")) return spamPage(s, HttpResponseStatus.OK, Map.of());
        return out.notFound(s);
    }

    // ---- spam learning -------------------------------------------------------------------------

    /** Operators only, as in the API: one Bayes filter serves every domain, so a tenant's report would change everybody's verdicts. */
    static boolean mayLearn(Principal p) {
        return p.operator();
    }

    private FullHttpResponse spamPage(Sessions.Session s, HttpResponseStatus status, Map<String, Object> result) {
        if (!mayLearn(s.principal())) return out.notFound(s);
        Map<String, Object> m = new HashMap<>(result);
        m.putIfAbsent("v", Map.of());
        var c = org.mxfront.checks.spam.SpamLearner.config(backend.config().engine(), null);
        m.put("backend", c == null ? null : c.backend() == org.mxfront.checks.spam.SpamConfig.Backend.RSPAMD
                ? "rspamd's controller at " + c.rspamd().controller() : "spamd at " + c.spamd().address());
        m.put("maxBytes", c == null ? null : c.maxBytes());
        FullHttpResponse r = out.page("spam", s, m);
        r.setStatus(status);
        return r;
    }

    /** Teaches the classifier the uploaded (or pasted) message: the API's checks and outcomes, as a page. */
    private FullHttpResponse spamLearn(Sessions.Session s, Form f) {
        Principal p = s.principal();
        if (!mayLearn(p)) return out.notFound(s);
        Map<String, String> values = new HashMap<>();
        String as = Optional.ofNullable(f.value("as")).orElse("");
        String rawDomain = Optional.ofNullable(f.value("domain")).orElse("").strip();
        values.put("as", as);
        values.put("domain", rawDomain);
        Map<String, Object> m = new HashMap<>();
        m.put("v", values);
        if (!as.equals("spam") && !as.equals("ham")) {
            m.put("error", "Choose spam or not spam.");
            return spamPage(s, HttpResponseStatus.BAD_REQUEST, m);
        }
        String domain = null;
        if (!rawDomain.isEmpty()) {
            try {
                domain = org.mxfront.store.EntryValues.domain("domain", rawDomain);
            } catch (IllegalArgumentException e) {
                m.put("error", e.getMessage());
                return spamPage(s, HttpResponseStatus.BAD_REQUEST, m);
            }
        }
        byte[] message = f.file("message");
        String text = f.value("message-text");
        if (text != null && text.length() <= 65536) values.put("message-text", text);
        if ((message == null || message.length == 0) && text != null && !text.isBlank()) {
            message = text.strip().replace("\r\n", "\n").replace("\n", "\r\n").concat("\r\n").getBytes(StandardCharsets.UTF_8);
        }
        String problem = org.mxfront.checks.spam.SpamLearner.notAMessage(message);
        if (problem != null) {
            m.put("error", "The message: " + problem + ".");
            return spamPage(s, HttpResponseStatus.BAD_REQUEST, m);
        }
        var o = org.mxfront.checks.spam.SpamLearner.learn(backend.config().engine(), domain, as.equals("spam"), message, p.name());
        AUDIT.info("console spam: user={} learn as={} bytes={} outcome={}", p.name(), as, message.length, o.getClass().getSimpleName());
        String what = as.equals("spam") ? "spam" : "not spam";
        HttpResponseStatus status = HttpResponseStatus.OK;
        switch (o) {
            case org.mxfront.checks.spam.SpamLearner.Learned l -> {
                values.remove("message-text"); // done: an empty form, so that a second click does not report it again
                m.put("done", l.changed() ? "Learned as " + what + " by " + l.backend() + " (" + message.length + " bytes)."
                        : "Not learned again: " + l.unchanged() + "; nothing changed.");
                m.put("answer", l.answer());
            }
            case org.mxfront.checks.spam.SpamLearner.NotConfigured n -> {
                status = HttpResponseStatus.CONFLICT;
                m.put("error", "Not learned: " + n.why() + ".");
            }
            case org.mxfront.checks.spam.SpamLearner.TooLarge t -> {
                status = HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE;
                m.put("error", "Not learned: the message is larger than the spam check's max-bytes (" + t.limit()
                        + " bytes), so it would never be classified.");
            }
            case org.mxfront.checks.spam.SpamLearner.Failed fl -> {
                status = fl.down() ? HttpResponseStatus.SERVICE_UNAVAILABLE : HttpResponseStatus.BAD_GATEWAY;
                m.put("error", "Not learned: " + (fl.down() ? "" : fl.backend() + " refused: ") + fl.why());
            }
        }
        return spamPage(s, status, m);
    }

}
