// Resolver addresses as operators write them, and the settings' bounds.
package org.mxfront.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DnsConfigTest {
    @ParameterizedTest
    @CsvSource({"127.0.0.1:5353, 127.0.0.1, 5353", "127.0.0.1, 127.0.0.1, 53", "[::1]:5300, 0:0:0:0:0:0:0:1, 5300",
            "::1, 0:0:0:0:0:0:0:1, 53", "2001:db8::53, 2001:db8:0:0:0:0:0:53, 53"})
    void resolverAddresses(String text, String address, int port) {
        InetSocketAddress a = DnsConfig.address(text);
        assertEquals(address, a.getAddress().getHostAddress());
        assertEquals(port, a.getPort());
    }

    @ParameterizedTest
    @ValueSource(strings = {"dns.google", "127.0.0.1:99999", "", "[::1", "1.2.3"})
    void badResolverAddresses(String text) {
        assertThrows(IllegalArgumentException.class, () -> DnsConfig.of(List.of(text), null, null, null));
    }

    @org.junit.jupiter.api.Test
    void configurationErrorsNameFileLineAndKey() {
        var registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        var loader = new org.mxfront.config.ConfigLoader(org.mxfront.Doors.ALL);
        var e = assertThrows(org.mxfront.config.ConfigException.class,
                () -> loader.parse("t.yml", "server:\n  hostname: mx.test\ndns:\n  resolvers: [resolver.example]\n", registry));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().startsWith("t.yml:4: dns.resolvers[0]: resolver 'resolver.example'"),
                e.getMessage());
        var e2 = assertThrows(org.mxfront.config.ConfigException.class, () -> loader.parse("t.yml",
                "checks:\n  dnsbl:\n    zones:\n      - zone: zen.test\n        answers: [{ addresses: [127.0.0.2], code: nope }]\n",
                registry));
        org.junit.jupiter.api.Assertions.assertTrue(e2.getMessage().startsWith("t.yml:5: "), e2.getMessage());
        org.junit.jupiter.api.Assertions.assertTrue(e2.getMessage().contains("code 'nope' is not a reply code key"), e2.getMessage());
    }

    @org.junit.jupiter.api.Test
    void embeddedDefaultsKeepTheDnsChecksOff() throws Exception {
        var cfg = new org.mxfront.config.ConfigLoader(org.mxfront.Doors.ALL).loadDefaults(new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
        var names = cfg.engine().defaultPolicy().checks().stream().map(org.mxfront.policy.ConfiguredCheck::name).toList();
        org.junit.jupiter.api.Assertions.assertFalse(names.contains("dnsbl") || names.contains("rdns")
                || names.contains("sender-domain") || names.contains("recipient-mx"), names.toString());
    }

    @org.junit.jupiter.api.Test
    void boundsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> new DnsConfig(null, Duration.ZERO, null, null));
        assertThrows(IllegalArgumentException.class,
                () -> new DnsConfig.CacheConfig(10, Duration.ofHours(2), Duration.ofHours(1)));
        DnsConfig d = DnsConfig.defaults();
        assertEquals(Duration.ofSeconds(2), d.timeout());
        assertEquals(Duration.ofSeconds(60), d.cache().minTtl());
        assertEquals(Duration.ofHours(1), d.cache().maxTtl());
    }
}
