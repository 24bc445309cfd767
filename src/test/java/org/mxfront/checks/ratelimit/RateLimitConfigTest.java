// The rate-limit settings as the loader reads them: defaults by what a rule counts, rates with
// periods and K/M/G, and each mistake reported with file, line and key (the rule's).
package org.mxfront.checks.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import org.mxfront.Doors;
import org.mxfront.checks.ratelimit.RateLimitConfig.Count;
import org.mxfront.checks.ratelimit.RateLimitConfig.KeyPart;
import org.mxfront.checks.ratelimit.RateLimitConfig.Rule;
import org.mxfront.checks.ratelimit.RateLimitConfig.RuleStage;
import org.mxfront.config.ConfigException;
import org.mxfront.config.ConfigLoader;
import org.mxfront.ratelimit.RateLimitStoreConfig;

class RateLimitConfigTest {
    static final String HEAD = "server: {hostname: mx.test}\nchecks:\n  rate-limit:\n    enabled: true\n    rules:\n      r1:\n";

    static RateLimitConfig load(String rule) throws ConfigException {
        var c = new ConfigLoader(Doors.ALL).parse("test.yml", HEAD + rule, new SimpleMeterRegistry());
        return c.engine().find(RateLimitCheck.class).orElseThrow().config();
    }

    @Test
    void defaultsFollowWhatIsCounted() throws Exception {
        Rule r = load("        rate: 100/1h\n").rules().get("r1");
        assertEquals(List.of(KeyPart.CLIENT_IP), r.key());
        assertEquals(Count.MESSAGES, r.count());
        assertEquals(RuleStage.MAIL, r.stage());
        assertEquals(100L, r.burst());
        assertEquals(Duration.ofHours(1), r.period());
        assertEquals("rate-exceeded", r.reply());
        assertEquals(32, r.ipv4Prefix());
        assertEquals(64, r.ipv6Prefix());
        assertEquals(RateLimitStoreConfig.Type.EMBEDDED, load("        rate: 1/1h\n").store().type());
        Rule c = load("        count: connections\n        rate: 30/m\n        burst: 5\n").rules().get("r1");
        assertEquals(RuleStage.CONNECT, c.stage());
        assertEquals("connection-rate-exceeded", c.reply());
        assertEquals(Duration.ofMinutes(1), c.period());
        Rule b = load("        count: bytes\n        rate: 50M/1d\n").rules().get("r1");
        assertEquals(RuleStage.END_OF_DATA, b.stage());
        assertEquals(50L * 1024 * 1024, b.amount());
        Rule rd = load("        key: [recipient-domain, sender]\n        rate: 10/30s\n").rules().get("r1");
        assertEquals(RuleStage.RCPT, rd.stage(), "a key naming the recipient counts messages at rcpt");
        assertEquals(Duration.ofSeconds(30), rd.period());
    }

    record Bad(String rule, int line, String key, String problem) {}

    static Stream<Bad> bad() {
        return Stream.of(
                new Bad("        rate: 10 per hour\n", 6, "checks.rate-limit.rules.r1",
                        "rate: '10 per hour' is not N/PERIOD (e.g. 100/1h, 30/m, 50M/1d)"),
                new Bad("        burst: 3\n", 6, "checks.rate-limit.rules.r1", "rate is required (e.g. 100/1h)"),
                new Bad("        rate: 0/1h\n", 6, "checks.rate-limit.rules.r1", "rate: the count must be at least 1"),
                new Bad("        key: [recipient]\n        stage: mail\n        rate: 1/1h\n", 6, "checks.rate-limit.rules.r1",
                        "key recipient is known at stage rcpt only"),
                new Bad("        count: connections\n        key: [sender]\n        rate: 1/1h\n", 6, "checks.rate-limit.rules.r1",
                        "connections are counted per client-ip only"),
                new Bad("        count: recipients\n        stage: mail\n        rate: 1/1h\n", 6, "checks.rate-limit.rules.r1",
                        "recipients are counted at stage rcpt"),
                new Bad("        rate: 1/1h\n        reply: relay-denie\n", 6, "checks.rate-limit.rules.r1",
                        "reply: 'relay-denie' is not a 4xx or 5xx entry of the code table (e.g. rate-exceeded, connection-rate-exceeded)"),
                new Bad("        rate: 1/1h\n        tarpit: 2m\n", 6, "checks.rate-limit.rules.r1", "tarpit must be 0s..60s"),
                new Bad("        rate: 1/1h\n        action: delay\n", 6, "checks.rate-limit.rules.r1",
                        "action: delay needs a tarpit longer than 0s"),
                new Bad("        rate: 1/1h\n        ipv6-prefix: 8\n", 6, "checks.rate-limit.rules.r1", "ipv6-prefix must be 16..128"),
                new Bad("        rate: 1/1h\n        count: parcels\n", 8, "checks.rate-limit.rules.r1.count",
                        "invalid value 'parcels' (expected one of: connections, messages, recipients, bytes)"));
    }

    @ParameterizedTest
    @MethodSource("bad")
    void mistakesNameFileLineAndKey(Bad b) {
        ConfigException e = assertThrows(ConfigException.class, () -> load(b.rule()));
        assertEquals(b.problem(), e.problem());
        assertEquals(b.key(), e.key());
        assertEquals(b.line(), e.line());
        assertEquals("test.yml", e.file());
    }
}
