// Greylisting as the configuration file sets it up: per-domain on/off and delay through the
// domain check overrides, one shared store for all policies, log-only mode still recording tuples
// (learning), explain's dry run recording nothing, and configuration errors naming file and key.
package org.mxfront.checks.greylist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mxfront.config.ConfigException;
import org.mxfront.config.DaemonConfig;
import org.mxfront.explain.Explainer;
import org.mxfront.greylist.GreylistStore.Kind;
import org.mxfront.mail.Mailbox;
import org.mxfront.policy.ConfiguredCheck;
import org.mxfront.policy.Decision;
import org.mxfront.policy.Policy;
import org.mxfront.policy.PolicySession;

class GreylistConfigTest {
    @TempDir
    Path tmp;

    DaemonConfig parse(String yaml) throws ConfigException {
        return org.mxfront.config.TestConfigs.parse(tmp, yaml);
    }

    static Optional<GreylistCheck> greylist(Policy p) {
        return p.checks().stream().map(ConfiguredCheck::check).filter(GreylistCheck.class::isInstance)
                .map(GreylistCheck.class::cast).findFirst();
    }

    static Policy policy(DaemonConfig c, String domain) {
        return c.engine().policyFor(new Mailbox("u", domain, false));
    }

    static final String CHECKS = "checks:\n  relay: {}\n  greylist: {allow-clients-file: ''}\n";

    @Test
    void offByDefault() throws Exception {
        DaemonConfig c = parse("");
        assertFalse(c.engine().find(GreylistCheck.class).isPresent());
        assertFalse(c.engine().admin("greylist").isPresent(), "no admin actions without the check");
    }

    @Test
    void perDomainOnOffAndDelay() throws Exception {
        DaemonConfig c = parse(CHECKS + "domains:\n  example.com: {}\n  example.org:\n    checks:\n      greylist: {enabled: false}\n"
                + "  example.net:\n    checks:\n      greylist: {delay: 10m}\n");
        try (var r = c.resources()) {
            assertEquals(Duration.ofMinutes(5), greylist(policy(c, "example.com")).orElseThrow().config().delay());
            assertFalse(greylist(policy(c, "example.org")).isPresent());
            GreylistCheck net = greylist(policy(c, "example.net")).orElseThrow();
            assertEquals(Duration.ofMinutes(10), net.config().delay());
            assertTrue(net.store() == greylist(policy(c, "example.com")).orElseThrow().store(), "one store for every policy");

            PolicySession s = c.engine().newSession(InetAddress.getByName("192.0.2.7"), 1, 1);
            s.helo("client.example");
            s.mail(new Mailbox("a", "x.example", false), 0);
            assertEquals("451-4.7.1 XM-RJCT23: Greylisted, please try again in 600 seconds.\r\n451 4.7.1 [192.0.2.7] [mx.test]",
                    s.rcpt(new Mailbox("bob", "example.net", false)).reply().wire(true));
            assertEquals("451-4.7.1 XM-RJCT23: Greylisted, please try again in 300 seconds.\r\n451 4.7.1 [192.0.2.7] [mx.test]",
                    s.rcpt(new Mailbox("bob", "example.com", false)).reply().wire(true));
            assertTrue(s.rcpt(new Mailbox("bob", "example.org", false)).proceed(), "greylisting off for example.org");
        }
    }

    @Test
    void logOnlyStillRecordsTuples() throws Exception {
        DaemonConfig c = parse("checks:\n  relay: {}\n  greylist: {mode: log-only, allow-clients-file: ''}\n");
        try (var r = c.resources()) {
            PolicySession s = c.engine().newSession(InetAddress.getByName("192.0.2.7"), 1, 1);
            s.helo("client.example");
            s.mail(new Mailbox("a", "x.example", false), 0);
            Decision d = s.rcpt(new Mailbox("bob", "example.com", false));
            assertTrue(d.proceed(), "log-only applies nothing");
            var store = c.engine().find(GreylistCheck.class).orElseThrow().store();
            assertEquals(List.of("192.0.2.0/24|a@x.example|bob@example.com"),
                    store.list(Kind.TUPLE, "", 10, System.currentTimeMillis()).stream().map(l -> l.key()).toList());
            // the same store through the admin hook the CLI and the HTTP endpoint use
            assertEquals(java.util.Set.of("greylist"), c.engine().adminNames());
            String listed = c.engine().admin("greylist").orElseThrow().run(java.util.Map.of("action", List.of("list")));
            assertTrue(listed.contains("192.0.2.0/24|a@x.example|bob@example.com"), listed);
        }
    }

    @Test
    void explainRecordsNothing() throws Exception {
        DaemonConfig c = parse(CHECKS);
        try (var r = c.resources()) {
            String report = Explainer.explain(c.engine(), new Explainer.Request(InetAddress.getByName("192.0.2.7"), "client.example",
                    "a@x.example", List.of("bob@example.com"), null), true);
            assertTrue(report.contains("451 4.7.1 XM-RJCT23: Greylisted, please try again in 300 seconds."), report);
            var store = c.engine().find(GreylistCheck.class).orElseThrow().store();
            assertEquals(0, store.list(Kind.TUPLE, "", 10, System.currentTimeMillis()).size());
        }
    }

    @Test
    void errorsNameTheFileAndKey() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> parse("checks:\n  greylist:\n    allow-clients-file: " + tmp.resolve("nope.txt") + "\n"));
        assertEquals("test.yml:5: checks.greylist: allow-clients-file: no such file " + tmp.resolve("nope.txt"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> parse("checks:\n  greylist:\n    delay: 3d\n"));
        assertEquals("test.yml:5: checks.greylist: retry-window must be longer than delay", e.getMessage());
        e = assertThrows(ConfigException.class, () -> parse("checks:\n  greylist:\n    store: {type: memcached}\n"));
        assertTrue(e.getMessage().startsWith("test.yml:6: checks.greylist.store.type: invalid value 'memcached'"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> parse("checks:\n  greylist:\n    enabled: false\n    ipv4-prefix: 40\n"));
        assertTrue(e.getMessage().contains("ipv4-prefix must be 8..32"), e.getMessage());
    }
}
