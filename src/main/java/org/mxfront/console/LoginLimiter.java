// Failed console logins are limited per user name and per client address, with the rate-limit
// engine the ratelimit check uses (GCRA buckets in the embedded store): login-limit failures per
// 15 minutes, then every attempt is refused (even with the right password) until the bucket drains.
package org.mxfront.console;

import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;
import org.mxfront.ratelimit.EmbeddedRateLimitStore;
import org.mxfront.ratelimit.Gcra;
import org.mxfront.ratelimit.RateLimitStore;

/** Login attempt limits. Thread-safe. */
public final class LoginLimiter implements AutoCloseable {
    private static final long PERIOD_MICROS = 15L * 60 * 1_000_000;

    private final RateLimitStore store;
    private final Gcra.Limit limit;

    public LoginLimiter(int failuresPer15Minutes, LongSupplier micros) {
        this.store = new EmbeddedRateLimitStore(micros, 100_000);
        this.limit = Gcra.Limit.of(failuresPer15Minutes, PERIOD_MICROS, failuresPer15Minutes);
    }

    private List<RateLimitStore.Bucket> buckets(String user, String clientIp) {
        return List.of(new RateLimitStore.Bucket("console-login:user:" + user.toLowerCase(Locale.ROOT), limit, 1),
                new RateLimitStore.Bucket("console-login:client:" + clientIp, limit, 1));
    }

    /** 0 when an attempt may be made now, else the seconds until one may. */
    public long retryAfterSeconds(String user, String clientIp) {
        RateLimitStore.Outcome o = store.acquire(buckets(user, clientIp), true);
        return o.allowed() ? 0 : Math.max(1, o.retryAfterMicros() / 1_000_000);
    }

    /** Counts a failed attempt against the user and the client. */
    public void failed(String user, String clientIp) {
        store.acquire(buckets(user, clientIp), false);
    }

    @Override
    public void close() {
        store.close();
    }
}
