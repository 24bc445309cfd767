// The console's public side and its door: the reply-code catalogue (/codes), the login form with its
// own CSRF cookie, the login itself (the limiter on failed attempts, the account source, the audit
// line), logout, and the session cookie. The router finds the session with sessionToken and sends
// /codes, /login and POST /logout here; nothing here routes.
package org.mxfront.console;

import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.CookieHeaderNames;
import io.netty.handler.codec.http.cookie.DefaultCookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import io.netty.handler.codec.http.cookie.ServerCookieEncoder;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.mxfront.codes.Code;
import org.mxfront.codes.ReplyCatalogue;
import org.mxfront.metrics.HttpListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** /codes, /login and logout. */
final class LoginPages {
    /** The logger docs/logging.md names for refused logins. */
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleServer.class);
    private static final Logger AUDIT = LoggerFactory.getLogger("mxfront.audit");
    private static final String LOGIN_CSRF_COOKIE = "mxlogin";

    private LoginPages() {}

    /** The session cookie's value, or null. */
    static String sessionToken(HttpListener.Request r) {
        return cookie(r, Sessions.COOKIE);
    }

    static FullHttpResponse codes(ConsoleState st) {
        ReplyCatalogue cat = st.backend().config().engine().catalogue();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Code c : Code.values()) {
            Map<String, Object> row = new HashMap<>();
            row.put("id", cat.id(c));
            row.put("smtp", c.smtpCode());
            row.put("enhanced", c.enhanced());
            row.put("title", c.title());
            row.put("text", cat.template(c));
            row.put("status", c.status().name().toLowerCase(Locale.ROOT));
            rows.add(row);
        }
        Map<String, Object> m = new HashMap<>();
        m.put("codes", rows);
        m.put("hostname", st.backend().config().hostname());
        m.put("title", "Reply codes");
        return Responses.html(HttpResponseStatus.OK, st.out().render("codes", m));
    }

    static FullHttpResponse loginPage(ConsoleState st, HttpListener.Request r, String error, HttpResponseStatus status) {
        String token = Sessions.token();
        Map<String, Object> m = new HashMap<>();
        m.put("csrf", token);
        m.put("error", error);
        m.put("title", "Log in");
        FullHttpResponse resp = Responses.html(status, st.out().render("login", m));
        DefaultCookie c = new DefaultCookie(LOGIN_CSRF_COOKIE, token);
        c.setHttpOnly(true);
        c.setSecure(st.secure());
        c.setPath("/login");
        c.setSameSite(CookieHeaderNames.SameSite.Strict);
        resp.headers().add(HttpHeaderNames.SET_COOKIE, ServerCookieEncoder.STRICT.encode(c));
        return resp;
    }

    static FullHttpResponse login(ConsoleState st, HttpListener.Request r) throws IOException {
        Form f = Form.of(r);
        String expected = cookie(r, LOGIN_CSRF_COOKIE);
        String given = f.value("_csrf");
        if (expected == null || given == null || !MessageDigest.isEqual(expected.getBytes(), given.getBytes())) {
            return loginPage(st, r, "The form expired: please try again.", HttpResponseStatus.FORBIDDEN);
        }
        String name = Optional.ofNullable(f.value("user")).orElse("").strip();
        String password = Optional.ofNullable(f.value("password")).orElse("");
        String ip = r.remote().getAddress().getHostAddress();
        if (name.isEmpty() || name.length() > 320) return loginPage(st, r, "Wrong name or password.", HttpResponseStatus.UNAUTHORIZED);
        long wait = st.limiter().retryAfterSeconds(name, ip);
        if (wait > 0) {
            LOG.warn("console: login of {} from {} refused: too many failed attempts", name, ip);
            FullHttpResponse resp = loginPage(st, r, "Too many failed logins: try again in " + ((wait + 59) / 60) + " minutes.",
                    HttpResponseStatus.TOO_MANY_REQUESTS);
            resp.headers().set(HttpHeaderNames.RETRY_AFTER, wait);
            return resp;
        }
        Optional<Principal> p;
        try {
            p = st.auth().authenticate(name, password.toCharArray());
        } catch (Authenticator.Unavailable e) {
            LOG.error("console: login of {} from {} refused: {}", name, ip, e.getMessage());
            return loginPage(st, r, "Logins are not possible right now (the account source does not answer).",
                    HttpResponseStatus.SERVICE_UNAVAILABLE);
        }
        if (p.isEmpty()) {
            st.limiter().failed(name, ip);
            LOG.warn("console: failed login of {} from {}", name, ip);
            return loginPage(st, r, "Wrong name or password.", HttpResponseStatus.UNAUTHORIZED);
        }
        Sessions.Session s = st.sessions().create(p.get());
        AUDIT.info("console login: user={} role={} client={}", p.get().name(), p.get().role().key(), ip);
        FullHttpResponse resp = Responses.redirect("/");
        resp.headers().add(HttpHeaderNames.SET_COOKIE, sessionCookie(st, s.token(), -1));
        return resp;
    }

    /** Ends the session and clears its cookie. */
    static FullHttpResponse logout(ConsoleState st, Sessions.Session s) {
        st.sessions().end(s);
        FullHttpResponse resp = Responses.redirect("/login");
        resp.headers().add(HttpHeaderNames.SET_COOKIE, sessionCookie(st, "", 0));
        return resp;
    }

    private static String sessionCookie(ConsoleState st, String value, long maxAge) {
        DefaultCookie c = new DefaultCookie(Sessions.COOKIE, value);
        c.setHttpOnly(true);
        c.setSecure(st.secure());
        c.setPath("/");
        c.setSameSite(CookieHeaderNames.SameSite.Strict);
        if (maxAge >= 0) c.setMaxAge(maxAge);
        return ServerCookieEncoder.STRICT.encode(c);
    }

    private static String cookie(HttpListener.Request r, String name) {
        String header = r.headers().get(HttpHeaderNames.COOKIE);
        if (header == null) return null;
        for (Cookie c : ServerCookieDecoder.STRICT.decode(header)) if (c.name().equals(name)) return c.value();
        return null;
    }
}
