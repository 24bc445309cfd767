// What the DNS checks' unit tests share: a resolver on a fake DNS server and hand-made facts.
package org.mxfront.dns;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.mxfront.checks.CheckContext;
import org.mxfront.mail.ClientInfo;
import org.mxfront.mail.Mailbox;
import org.mxfront.policy.Facts;

public final class DnsTestSupport {
    private DnsTestSupport() {}

    /** A check context with local domain example.com, host name mx.test, and a resolver asking the server. */
    public static CheckContext context(FakeDnsServer server, MutableClock clock, SimpleMeterRegistry registry) {
        DnsResolver dns = new DnsResolver(DnsConfig.of(List.of(server.address()), Duration.ofMillis(500), false, null),
                registry, clock);
        return new CheckContext("mx.test", List.of(), Set.of("example.com"), clock, registry, dns);
    }

    /** A connected client from an outside address. */
    public static Facts client(String ip) {
        return client(ip, false);
    }

    public static Facts client(String ip, boolean relayPermitted) {
        try {
            return Facts.connect(new ClientInfo(InetAddress.getByName(ip), 40000, null, relayPermitted, 1));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(ip, e);
        }
    }

    /** Waits (up to 5 s) for something that happens on the resolver's threads. */
    public static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) throw new AssertionError("timed out waiting");
            Thread.sleep(10);
        }
    }

    public static Mailbox mailbox(String address) {
        return org.mxfront.checks.CheckFixtures.mailbox(address);
    }
}
