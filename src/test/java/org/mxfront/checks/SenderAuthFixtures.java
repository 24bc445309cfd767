// Fixtures for the sender-authentication check tests: a context whose resolver points at a closed
// port (the tests put results into the session state, so nothing is asked), and header sections.
package org.mxfront.checks;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.mxfront.dns.DnsConfig;
import org.mxfront.dns.DnsResolver;
import org.mxfront.policy.HeaderSection;

/** Builders shared by the spf, dmarc, forged-sender and authentication-results tests. */
public final class SenderAuthFixtures {
    private SenderAuthFixtures() {}

    /** mx.test, local domain example.com, a resolver that would fail fast if asked. */
    public static CheckContext withDns() {
        SimpleMeterRegistry r = new SimpleMeterRegistry();
        DnsResolver dns = new DnsResolver(DnsConfig.of(List.of("127.0.0.1:1"), Duration.ofMillis(200), false, null), r,
                Clock.systemUTC());
        return new CheckContext(CheckFixtures.HOSTNAME, List.of(CheckFixtures.address("127.0.0.1")),
                Set.of(CheckFixtures.LOCAL_DOMAIN), Clock.systemUTC(), r, dns);
    }

    /** A header section of "Name: value" pairs. */
    public static HeaderSection headers(String... fields) {
        List<HeaderSection.Field> out = new ArrayList<>();
        for (String f : fields) {
            int colon = f.indexOf(':');
            out.add(new HeaderSection.Field(f.substring(0, colon), f.substring(colon + 1)));
        }
        return new HeaderSection(out, 100);
    }

    public static Set<String> none() {
        return Set.of();
    }
}
