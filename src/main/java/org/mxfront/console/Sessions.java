// Console logins: a random token in a cookie (HttpOnly, SameSite=Strict, Secure under TLS) that
// names a server-side session holding the principal and its CSRF token. A session ends after
// session-timeout without use, at logout, or when the daemon stops (sessions live in memory).
package org.mxfront.console;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/** The logged-in sessions. Thread-safe. */
public final class Sessions {
    /** The session cookie's name. */
    public static final String COOKIE = "mxconsole";
    private static final int MAX = 100_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** One login. */
    public static final class Session {
        private final String token;
        private final Principal principal;
        private final String csrf;
        private volatile long lastUsed;

        Session(String token, Principal principal, String csrf, long now) {
            this.token = token;
            this.principal = principal;
            this.csrf = csrf;
            this.lastUsed = now;
        }

        public Principal principal() { return principal; }
        public String csrf() { return csrf; }
        String token() { return token; }

        /** True when {@code submitted} is this session's CSRF token (constant time). */
        public boolean csrfMatches(String submitted) {
            return submitted != null && MessageDigest.isEqual(csrf.getBytes(), submitted.getBytes());
        }
    }

    private final Map<String, Session> byToken = new ConcurrentHashMap<>();
    private final long timeoutMillis;
    private final LongSupplier clock;

    public Sessions(Duration timeout, LongSupplier clockMillis) {
        this.timeoutMillis = timeout.toMillis();
        this.clock = clockMillis;
    }

    /** A new session for a principal (after a successful login). */
    public Session create(Principal p) {
        long now = clock.getAsLong();
        if (byToken.size() >= MAX) byToken.values().removeIf(s -> now - s.lastUsed > timeoutMillis);
        if (byToken.size() >= MAX) throw new IllegalStateException("too many console sessions");
        Session s = new Session(token(), p, token(), now);
        byToken.put(s.token, s);
        return s;
    }

    /** The live session for a cookie value, or null. */
    public Session find(String token) {
        if (token == null) return null;
        Session s = byToken.get(token);
        if (s == null) return null;
        long now = clock.getAsLong();
        if (now - s.lastUsed > timeoutMillis) {
            byToken.remove(token);
            return null;
        }
        s.lastUsed = now;
        return s;
    }

    /** Ends a session. */
    public void end(Session s) {
        byToken.remove(s.token);
    }

    /** Sessions open now (expired ones included until touched). */
    public int size() { return byToken.size(); }

    /** 256 random bits, URL-safe. */
    static String token() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
