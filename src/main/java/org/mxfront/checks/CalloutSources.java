// The callout wiring that the recipients check (source: callout) and sender-verify share: one pooled
// Callout per HELO name and timeouts, kept in SharedResources across reloads, asking the configured
// host:port overrides first and the domain's MX otherwise.
package org.mxfront.checks;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mxfront.recipients.Callout;
import org.mxfront.recipients.CalloutSource;
import org.mxfront.recipients.MxTargets;

/** Callout sources for checks. */
public final class CalloutSources {
    private CalloutSources() {}

    /**
     * @param targets        host:port by domain, asked instead of its MX
     * @param port           the port of MX hosts
     * @param maxIdle        idle connections kept per target
     */
    public static CalloutSource of(CheckContext ctx, Map<String, String> targets, int port, Duration connectTimeout,
            Duration commandTimeout, int maxIdle) {
        Callout callout = ctx.resources().get(List.of("callout", ctx.hostname(), connectTimeout, commandTimeout, maxIdle),
                () -> new Callout(new Callout.Settings(ctx.hostname(), connectTimeout, commandTimeout, maxIdle)));
        Map<String, InetSocketAddress> fixed = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : targets.entrySet()) {
            fixed.put(e.getKey().toLowerCase(Locale.ROOT), MxTargets.hostPort(e.getValue()));
        }
        return new CalloutSource(callout, new MxTargets(fixed, ctx.dns(), port));
    }
}
