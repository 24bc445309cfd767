// Covers ConfigLoader.parse: the embedded defaults, merging, the checks list, per-domain policies, reply
// settings, and the file/line/key of every kind of configuration error.
package org.mxfront.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mxfront.Doors;
import org.mxfront.codes.Code;
import org.mxfront.mail.Mailbox;
import org.mxfront.milter.MilterDoor;
import org.mxfront.milter.MilterSettings;
import org.mxfront.policy.ConfiguredCheck;
import org.mxfront.policy.Mode;
import org.mxfront.policy.Policy;
import org.mxfront.policy.PolicyEngine;
import org.mxfront.policyserver.PolicyServerDoor;
import org.mxfront.relay.DownstreamSettings;
import org.mxfront.smtp.SmtpDoorSettings;
import org.mxfront.smtp.SmtpFrontDoor;
import org.mxfront.smtp.SmtpSettings;

class ConfigLoaderTest {
    /** Every check kind, as the loader lists them (grows as checks are added). */
    static final String KNOWN_CHECKS = String.join(", ", org.mxfront.checks.CheckTypes.BY_NAME.keySet().stream().sorted().toList());
    /** The top-level keys before "state-directory", as the loader lists them. */
    static final String TOP_LEVEL_KEYS = String.join(", ", Stream.concat(java.util.Arrays.stream(Settings.class.getRecordComponents())
            .map(c -> c.getName().replaceAll("([A-Z])", "-$1").toLowerCase(java.util.Locale.ROOT)),
                    Doors.ALL.stream().flatMap(t -> t.keys().stream()))
            .filter(n -> n.compareTo("state-directory") < 0).sorted().toList());

    /**
     * Every file sets the host name: left empty (the default) it is looked up from this machine,
     * which a unit test must not do. Everything else comes from the embedded defaults unless a test says so.
     */
    static final String H = "server:\n  hostname: mx.test\n";
    static final List<String> DEFAULT_CHECKS =
            List.of("connection-limit", "helo", "relay", "recipient-limit", "message-size", "received-hops", "headers",
            "attachments"); // virus is in the defaults but disabled

    static DaemonConfig parse(String yaml) throws ConfigException {
        return new ConfigLoader(Doors.ALL).parse("test.yml", yaml, new SimpleMeterRegistry());
    }

    static InetAddress ip(String literal) throws UnknownHostException {
        return InetAddress.getByName(literal);
    }

    static List<String> names(Policy p) {
        return p.checks().stream().map(ConfiguredCheck::name).toList();
    }

    /** The SMTP door's settings (on or off), as its DoorType finds them. */
    static SmtpDoorSettings smtp(DaemonConfig c) {
        return SmtpFrontDoor.TYPE.settings(c);
    }

    static Policy policyOf(PolicyEngine e, String domain) {
        return e.policyFor(new Mailbox("u", domain, false));
    }

    // ---- defaults ----------------------------------------------------------------------------------

    @Test
    void defaultsLoad() throws Exception {
        DaemonConfig c = parse(H);
        assertEquals("test.yml", c.source());
        assertEquals("mx.test", c.hostname());
        assertEquals(DEFAULT_CHECKS, names(c.engine().defaultPolicy()));
        assertTrue(c.engine().defaultPolicy().checks().stream().allMatch(cc -> cc.mode() == Mode.ENFORCE));
        assertEquals("127.0.0.1", smtp(c).listen().getAddress().getHostAddress());
        assertEquals(2525, smtp(c).listen().getPort());
        assertEquals("127.0.0.1", smtp(c).downstream().getAddress().getHostAddress());
        assertEquals(10025, smtp(c).downstream().getPort());
        assertTrue(c.relayNetworks().contains(ip("127.0.0.1")));
        assertTrue(c.relayNetworks().contains(ip("::1")));
        assertFalse(c.relayNetworks().contains(ip("127.0.0.2")));
        assertTrue(smtp(c).trustedProxies().isEmpty());
        assertEquals(Path.of("./data"), c.stateDirectory());
        assertEquals("XM-RJCT06", c.engine().catalogue().id(Code.RELAY_DENIED));
        assertEquals(52_428_800L, c.engine().defaultPolicy().maxMessageBytes());
        assertEquals(52_428_800L, c.engine().advertisedMaxSize());
        assertTrue(c.engine().isLocalDomain("example.com"));
        assertFalse(c.engine().isLocalDomain("example.org"));
    }

    @Test
    void defaultSettings() throws Exception {
        DaemonConfig c = parse(H);
        Settings s = c.settings();
        SmtpSettings smtp = smtp(c).section();
        DownstreamSettings downstream = smtp(c).downstreamSettings();
        assertEquals(1000, smtp.maxConnections());
        assertEquals(true, smtp.enhancedStatusCodes());
        assertEquals(Duration.ofMinutes(5), smtp.commandTimeout());
        assertEquals(Duration.ofMinutes(10), smtp.dataTimeout());
        assertEquals(10, smtp.softErrorLimit());
        assertEquals(20, smtp.hardErrorLimit());
        assertEquals(Duration.ofSeconds(1), smtp.errorDelay());
        assertEquals(SmtpSettings.BareNewline.REJECT, smtp.bareNewline());
        assertEquals(true, s.server().delayReject());
        assertEquals(Duration.ofSeconds(10), downstream.connectTimeout());
        assertEquals(DownstreamSettings.ForwardClient.XFORWARD, downstream.forwardClient());
        assertEquals(16, downstream.maxIdle());
        assertEquals(Duration.ofSeconds(30), downstream.idleTimeout());
        assertEquals("127.0.0.1:9725", s.metrics().listen());
    }

    @Test
    void mapsMergeKeyByKeyAndListsReplace() throws Exception {
        DaemonConfig c = parse(H + "  delay-reject: false\nrelay-networks:\n  - 10.0.0.0/8\n");
        assertEquals(false, c.settings().server().delayReject());
        assertEquals(2525, smtp(c).listen().getPort(), "the rest of the file keeps its defaults");
        assertTrue(c.relayNetworks().contains(ip("10.1.2.3")));
        assertFalse(c.relayNetworks().contains(ip("127.0.0.1")), "the default list is replaced");
    }

    @Test
    void eachDoorIsOptionalAndThePolicyDoorNeedsNoDownstream() throws Exception {
        DaemonConfig c = parse(H + "smtp: {enabled: false}\npolicy-server: {enabled: true}\n");
        assertEquals(null, SmtpFrontDoor.TYPE.context(c), "the SMTP door is off");
        assertEquals(10040, PolicyServerDoor.TYPE.context(c).settings().listen().getPort());
        DaemonConfig d = parse(H);
        assertEquals(null, PolicyServerDoor.TYPE.context(d), "the policy door is off by default");
        assertEquals(2525, SmtpFrontDoor.TYPE.context(d).settings().listen().getPort(), "the SMTP door is on by default");
        assertEquals(null, MilterDoor.TYPE.context(d), "the milter door is off by default");
        DaemonConfig m = parse(H + "smtp: {enabled: false}\nmilter: {enabled: true}\n");
        MilterSettings milter = MilterDoor.TYPE.context(m).settings().section();
        assertEquals(10050, MilterDoor.TYPE.context(m).settings().listen().getPort());
        DaemonConfig without = parse(H + "smtp: {enabled: false}\nmilter: {enabled: true}\ndownstream: ~\n");
        assertEquals(null, smtp(without).downstream(), "the milter door needs no downstream: (it belongs to the SMTP door)");
        assertTrue(without.doorOn("milter"));
        assertEquals(1048576, milter.maxPacketLength());
        assertEquals(Duration.ofMinutes(10), milter.idleTimeout());
        assertEquals(MilterSettings.ContentReject.REJECT, milter.contentReject());
    }

    record Dur(String text, Duration expected) {}

    static Stream<Dur> durations() {
        return Stream.of(new Dur("500ms", Duration.ofMillis(500)), new Dur("30s", Duration.ofSeconds(30)),
                new Dur("30", Duration.ofSeconds(30)), new Dur("5m", Duration.ofMinutes(5)),
                new Dur("2h", Duration.ofHours(2)), new Dur("1d", Duration.ofDays(1)), new Dur("7 s", Duration.ofSeconds(7)));
    }

    @ParameterizedTest
    @MethodSource("durations")
    void durationsAsOperatorsWriteThem(Dur d) throws Exception {
        assertEquals(d.expected(), smtp(parse(H + "smtp:\n  command-timeout: " + d.text() + "\n")).section().commandTimeout());
    }

    // ---- checks ------------------------------------------------------------------------------------

    @Test
    void userChecksReplaceTheDefaultListInTheirOrder() throws Exception {
        DaemonConfig c = parse(H + "checks:\n  relay: {}\n  message-size:\n    max-bytes: 4096\n  helo:\n    mode: log-only\n");
        Policy p = c.engine().defaultPolicy();
        assertEquals(List.of("relay", "message-size", "helo"), names(p));
        assertEquals(List.of(Mode.ENFORCE, Mode.ENFORCE, Mode.LOG_ONLY), p.checks().stream().map(ConfiguredCheck::mode).toList());
        assertEquals(4096, p.maxMessageBytes());
    }

    @Test
    void aCheckWithoutSettingsTakesItsDefaults() throws Exception {
        Policy p = parse(H + "checks:\n  message-size:\n  relay:\n").engine().defaultPolicy();
        assertEquals(List.of("message-size", "relay"), names(p));
        assertEquals(52_428_800L, p.maxMessageBytes());
    }

    @Test
    void emptyValuesMeanNoSettings() throws Exception {
        DaemonConfig c = parse(H + "checks:\n  relay:\n    mode:\n  helo:\n    our-names:\n  message-size: {}\n"
                + "domains:\n  example.org:\n  example.net:\n");
        Policy p = c.engine().defaultPolicy();
        assertEquals(List.of("relay", "helo", "message-size"), names(p));
        assertEquals(List.of(Mode.ENFORCE, Mode.ENFORCE, Mode.ENFORCE), p.checks().stream().map(ConfiguredCheck::mode).toList());
        assertTrue(c.engine().isLocalDomain("example.org"));
        assertTrue(c.engine().isLocalDomain("example.net"));
        assertEquals(names(p), names(policyOf(c.engine(), "example.org")));
        assertEquals(p.contentKey(), policyOf(c.engine(), "example.org").contentKey());
    }

    @Test
    void enabledFalseRemovesACheck() throws Exception {
        assertEquals(List.of("relay"), names(parse(H + "checks:\n  helo:\n    enabled: false\n  relay:\n    enabled: true\n")
                .engine().defaultPolicy()));
    }

    @Test
    void aDomainCanSwitchACheckOff() throws Exception {
        PolicyEngine e = parse(H + "domains:\n  example.org:\n    checks:\n      helo: {enabled: false}\n").engine();
        assertEquals(List.of("connection-limit", "relay", "recipient-limit", "message-size", "received-hops", "headers", "attachments"),
                names(policyOf(e, "example.org")));
        assertEquals(DEFAULT_CHECKS, names(policyOf(e, "example.com")));
        assertEquals(DEFAULT_CHECKS, names(e.defaultPolicy()));
    }

    @Test
    void perDomainOverrideChangesThatDomainOnly() throws Exception {
        PolicyEngine e = parse(H + "domains:\n  example.com: {}\n  example.org:\n    checks:\n      message-size: {max-bytes: 2048}\n").engine();
        Policy org = policyOf(e, "example.org");
        Policy com = policyOf(e, "example.com");
        assertEquals("example.org", org.name());
        assertEquals(DEFAULT_CHECKS, names(org));
        assertEquals(2048, org.maxMessageBytes());
        assertEquals(52_428_800L, com.maxMessageBytes());
        assertEquals(52_428_800L, e.defaultPolicy().maxMessageBytes());
        assertEquals(52_428_800L, e.advertisedMaxSize());
        assertNotEquals(com.contentKey(), org.contentKey());
        assertEquals(e.defaultPolicy().contentKey(), com.contentKey());
        assertTrue(e.isLocalDomain("example.org"));
        assertTrue(e.isLocalDomain("example.com"));
    }

    @Test
    void aUsersDomainsReplaceTheDefaultOnes() throws Exception {
        PolicyEngine e = parse(H + "domains:\n  example.org: {}\n").engine();
        assertTrue(e.isLocalDomain("example.org"));
        assertFalse(e.isLocalDomain("example.com"));
    }

    @Test
    void overridesOfNonContentChecksKeepTheContentKey() throws Exception {
        PolicyEngine e = parse(H + "domains:\n  Example.ORG:\n    checks:\n      helo: {mode: log-only}\n"
                + "      recipient-limit: {max: 10}\n").engine();
        Policy org = policyOf(e, "example.org");
        assertEquals(Mode.LOG_ONLY, org.checks().get(1).mode());
        assertEquals(Mode.ENFORCE, policyOf(e, "example.com").checks().get(1).mode());
        assertEquals(policyOf(e, "example.com").contentKey(), org.contentKey());
    }

    @Test
    void contentKeysFollowTheContentChecksSettings() throws Exception {
        PolicyEngine e = parse(H + "domains:\n"
                + "  a.example:\n    checks:\n      received-hops: {max: 10}\n"
                + "  b.example:\n    checks:\n      received-hops: {max: 10}\n"
                + "  c.example:\n    checks:\n      received-hops: {mode: log-only}\n").engine();
        assertEquals(policyOf(e, "a.example").contentKey(), policyOf(e, "b.example").contentKey());
        assertNotEquals(policyOf(e, "a.example").contentKey(), policyOf(e, "example.com").contentKey());
        assertNotEquals(policyOf(e, "c.example").contentKey(), policyOf(e, "example.com").contentKey());
    }

    // ---- replies -----------------------------------------------------------------------------------

    @Test
    void repliesPrefixAndTexts() throws Exception {
        PolicyEngine e = parse(H + "replies:\n  prefix: ACME-\n  texts:\n    relay-denied: Relaying denied, <{recipient}>.\n")
                .engine();
        assertEquals("ACME-06", e.catalogue().id(Code.RELAY_DENIED));
        assertEquals("Relaying denied, <{recipient}>.", e.catalogue().template(Code.RELAY_DENIED));
        assertEquals("550-5.7.1 ACME-06: Relaying denied, <u@x.example>.\r\n550 5.7.1 [192.0.2.7] [mx.test]",
                e.catalogue().render(Code.RELAY_DENIED, Map.of("recipient", "u@x.example"), "192.0.2.7", "mx.test").wire(true));
        assertEquals(Code.INVALID_USERNAME.template(), e.catalogue().template(Code.INVALID_USERNAME));
    }

    // ---- errors ------------------------------------------------------------------------------------

    /** A file with one mistake, and where and what the error says it is. */
    record Bad(String title, String yaml, int line, String key, String problem) {
        @Override
        public String toString() { return title; }
    }

    static Stream<Bad> bad() {
        return Stream.of(
                new Bad("unknown top-level key", H + "bogus: 1\n", 3, "bogus",
                        "unknown key (known keys here: " + TOP_LEVEL_KEYS + ", "
                                + "state-directory)"),
                new Bad("unknown key in server", H + "  bogus: 1\n", 3, "server.bogus",
                        "unknown key (known keys here: delay-reject, hostname, shutdown-grace)"),
                new Bad("SMTP key under server: (an older file)", H + "  listen: 0.0.0.0:25\n", 3, "server.listen",
                        "this key is now under smtp: (write smtp: {listen: ...})"),
                new Bad("no door enabled", H + "smtp:\n  enabled: false\n", 4, "smtp.enabled",
                        "no door is enabled: enable smtp, policy-server, milter or several"),
                new Bad("bad policy-server listen", H + "policy-server:\n  listen: nowhere\n", 4, "policy-server.listen",
                        "expected ADDRESS:PORT (e.g. 127.0.0.1:2525 or [::1]:2525), got 'nowhere'"),
                new Bad("bad milter listen", H + "milter:\n  listen: 10050\n", 4, "milter.listen",
                        "expected ADDRESS:PORT (e.g. 127.0.0.1:2525 or [::1]:2525), got '10050'"),
                new Bad("small milter max-packet-length", H + "milter:\n  max-packet-length: 1000\n", 4,
                        "milter.max-packet-length", "must be at least 65536"),
                new Bad("unknown check in milter skip-checks", H + "milter:\n  skip-checks: [helo, bayes]\n", 4,
                        "milter.skip-checks[1]", "unknown check 'bayes' (known: "
                        + String.join(", ", new java.util.TreeSet<>(org.mxfront.checks.CheckTypes.BY_NAME.keySet())) + ")"),
                new Bad("bad milter content-reject", H + "milter:\n  content-reject: bounce\n", 4, "milter.content-reject",
                        "invalid value 'bounce' (expected one of: reject, discard)"),
                new Bad("zero policy-server max-attributes", H + "policy-server:\n  max-attributes: 0\n", 4,
                        "policy-server.max-attributes", "must be at least 1"),
                new Bad("bad check mode", H + "checks:\n  helo:\n    mode: sometimes\n", 5, "checks.helo.mode",
                        "invalid value 'sometimes' (expected one of: enforce, log-only)"),
                new Bad("old max-errors", H + "smtp:\n  max-errors: 10\n", 4, "smtp.max-errors",
                        "max-errors was replaced by smtp: {soft-error-limit: 10, hard-error-limit: 20, error-delay: 1s} "
                                + "(errors now count since the last delivered message)"),
                new Bad("old max-errors under server", H + "  max-errors: 10\n", 3, "server.max-errors",
                        "max-errors was replaced by smtp: {soft-error-limit: 10, hard-error-limit: 20, error-delay: 1s} "
                                + "(errors now count since the last delivered message)"),
                new Bad("zero hard-error-limit", H + "smtp:\n  hard-error-limit: 0\n", 4, "smtp.hard-error-limit",
                        "must be at least 1"),
                new Bad("bad bare-newline", H + "smtp:\n  bare-newline: fix\n", 4, "smtp.bare-newline",
                        "invalid value 'fix' (expected one of: reject, normalize)"),
                new Bad("bad forward-client", H + "downstream:\n  forward-client: smtp\n", 4, "downstream.forward-client",
                        "invalid value 'smtp' (expected one of: xforward, xclient, none)"),
                new Bad("empty quoted mode", H + "checks:\n  relay:\n    mode: \"\"\n", 5, "checks.relay.mode",
                        "invalid value '' (expected one of: enforce, log-only)"),
                new Bad("empty listen", H + "smtp:\n  listen:\n", 4, "smtp.listen", "missing value"),
                new Bad("bad boolean", H + "  delay-reject: maybe\n", 3, "server.delay-reject",
                        "invalid value 'maybe' (expected true or false)"),
                new Bad("bad boolean in a check", H + "checks:\n  helo:\n    reject-localhost: maybe\n", 5,
                        "checks.helo.reject-localhost", "invalid value 'maybe' (expected true or false)"),
                new Bad("enabled not a boolean", H + "checks:\n  helo:\n    enabled: maybe\n", 5, "checks.helo.enabled",
                        "must be true or false"),
                new Bad("unknown spam backend", H + "checks:\n  spam:\n    backend: spamassassin\n", 5, "checks.spam.backend",
                        "invalid value 'spamassassin' (expected one of: rspamd, spamd)"),
                new Bad("spam reply code not a refusal", H + "checks:\n  spam:\n    reply-code: 250\n", 4, "checks.spam",
                        "reply-code must be 550, 551 or 554"),
                new Bad("unknown spam action", H + "checks:\n  spam:\n    actions: {maybe: reject}\n", 4, "checks.spam",
                        "actions: unknown action 'maybe' (known: reject, soft-reject, rewrite-subject, add-header, greylist, no-action)"),
                new Bad("rspamd url not http", H + "checks:\n  spam:\n    rspamd: {url: \"https://127.0.0.1:11333\"}\n", 5,
                        "checks.spam.rspamd", "url: expected http://HOST:PORT or unix:/PATH (rspamd's socket), got 'https://127.0.0.1:11333'"),
                new Bad("rspamd socket path not absolute", H + "checks:\n  spam:\n    rspamd: {controller: \"unix:rspamd.sock\"}\n", 5,
                        "checks.spam.rspamd", "controller: expected http://HOST:PORT or unix:/PATH (rspamd's socket), got 'unix:rspamd.sock'"),
                new Bad("unknown spam key", H + "checks:\n  spam:\n    treshold: 5\n", 5, "checks.spam.treshold",
                        "unknown key (known keys here: actions, backend, connect-timeout, headers, log-symbols, max-bytes,"
                                + " on-failure, reply-code, rspamd, spamd, subject-prefix, thresholds, timeout)"),
                new Bad("bad whole number", H + "smtp:\n  max-connections: 1.5\n", 4, "smtp.max-connections",
                        "invalid value '1.5' (expected a whole number)"),
                new Bad("zero max-connections", H + "smtp:\n  max-connections: 0\n", 4, "smtp.max-connections", "must be at least 1"),
                new Bad("bad CIDR", H + "relay-networks:\n  - 127.0.0.1/32\n  - not-a-net\n", 5, "relay-networks[1]",
                        "'not-a-net' is not an IP address or CIDR block"),
                new Bad("bad CIDR in a flow list", H + "smtp:\n  trusted-proxies: [10.0.0.0/8, 300.1.1.1]\n", 4, "smtp.trusted-proxies[1]", "'300.1.1.1' is not an IP address or CIDR block"),
                new Bad("scalar for a list", H + "relay-networks: 127.0.0.1\n", 3, "relay-networks",
                        "wrong type of value (expected a list)"),
                new Bad("unknown check", H + "checks:\n  bogus-check: {}\n", 4, "checks.bogus-check",
                        "unknown check (known: " + KNOWN_CHECKS + ")"),
                new Bad("unknown key in a check", H + "checks:\n  helo:\n    reject-foo: true\n", 5, "checks.helo.reject-foo",
                        "unknown key (known keys here: exempt-relay-networks, our-names, reject-bare-ip, reject-claims-us, "
                                + "reject-invalid, reject-literal-mismatch, reject-localhost, reject-non-fqdn, require-helo)"),
                new Bad("check settings not a mapping", H + "checks:\n  helo: off\n", 4, "checks.helo",
                        "must be a mapping of the check's settings"),
                new Bad("check setting out of range", H + "checks:\n  recipient-limit:\n    max: 0\n", 4,
                        "checks.recipient-limit", "max must be at least 1"),
                new Bad("unknown reply text key", H + "replies:\n  texts:\n    no-such-code: hi\n", 5,
                        "replies.texts.no-such-code", "unknown reply code (see `mxfront codes` for the keys)"),
                new Bad("multi-line reply text", H + "replies:\n  texts:\n    relay-denied: |\n      Relaying denied.\n", 5,
                        "replies.texts.relay-denied", "must be one line without control characters"),
                new Bad("reply text with CR", H + "replies:\n  texts:\n    relay-denied: \"a\\rb\"\n", 5,
                        "replies.texts.relay-denied", "must be one line without control characters"),
                new Bad("bad reply prefix", H + "replies:\n  prefix: \"XM RJCT\"\n", 4, "replies.prefix",
                        "must be 1-20 letters, digits, '.', '_' or '-'"),
                new Bad("listen without port", H + "smtp:\n  listen: 127.0.0.1\n", 4, "smtp.listen",
                        "expected ADDRESS:PORT (e.g. 127.0.0.1:2525 or [::1]:2525), got '127.0.0.1'"),
                new Bad("listen port out of range", H + "smtp:\n  listen: 127.0.0.1:70000\n", 4, "smtp.listen",
                        "port 70000 is out of range"),
                new Bad("bad downstream address", H + "downstream:\n  address: \"[::1]\"\n", 4, "downstream.address",
                        "expected ADDRESS:PORT (e.g. 127.0.0.1:2525 or [::1]:2525), got '[::1]'"),
                new Bad("duplicate key", H + "  hostname: other.test\n", 3, "server.hostname", "duplicate key"),
                new Bad("duplicate check", H + "checks:\n  helo: {}\n  relay: {}\n  helo: {}\n", 6, "checks.helo", "duplicate key"),
                new Bad("duplicate top-level key", H + "state-directory: a\nstate-directory: b\n", 4, "state-directory",
                        "duplicate key"),
                new Bad("YAML syntax error", H + "smtp:\n  listen: [unclosed\n", 4, null,
                        "YAML syntax error: while parsing a flow sequence"),
                new Bad("not a mapping", "- a\n- b\n", 1, null, "the file must be a YAML mapping"),
                new Bad("zero duration", H + "smtp:\n  command-timeout: 0s\n", 4, "smtp.command-timeout", "must be longer than zero"),
                new Bad("zero downstream duration", H + "downstream:\n  idle-timeout: 0\n", 4, "downstream.idle-timeout",
                        "must be longer than zero"),
                new Bad("negative duration", H + "smtp:\n  command-timeout: -5s\n", 4, "smtp.command-timeout",
                        "invalid value '-5s' (expected a duration such as 30s, 5m, 2h, 1d)"),
                new Bad("duration with a bad unit", H + "smtp:\n  data-timeout: 5w\n", 4, "smtp.data-timeout",
                        "invalid value '5w' (expected a duration such as 30s, 5m, 2h, 1d)"),
                new Bad("bad domain name", H + "domains:\n  \"bad domain\": {}\n", 4, "domains.bad domain", "not a domain name"),
                new Bad("domain override not a mapping", H + "domains:\n  example.org:\n    checks:\n      helo: off\n", 6,
                        "domains.example.org.checks.helo", "must be a mapping of the check's settings"),
                new Bad("domain override unknown check", H + "domains:\n  example.org:\n    checks:\n      bogus: {}\n", 6,
                        "domains.example.org.checks.bogus",
                        "unknown check (known: " + KNOWN_CHECKS + ")"),
                new Bad("domain override out of range",
                        H + "domains:\n  example.org:\n    checks:\n      message-size: {max-bytes: 10}\n", 6,
                        "domains.example.org.checks.message-size", "max-bytes must be at least 1024"),
                new Bad("dmarc before the dkim check it reads",
                        H + "dns: {resolvers: [\"127.0.0.1:53\"]}\nchecks:\n  dmarc: {}\n  dkim: {}\n", 5, "checks.dmarc",
                        "must come after dkim in the checks list (it reads dkim's result at the same stage)"),
                new Bad("list file missing", H + "checks:\n  sender-blocklist: {files: [/nonexistent/senders]}\n", 4,
                        "checks.sender-blocklist", "cannot read list file /nonexistent/senders: /nonexistent/senders"),
                new Bad("spf action unknown", H + "dns: {resolvers: [\"127.0.0.1:53\"]}\nchecks:\n  spf: {fail: bounce}\n", 5,
                        "checks.spf.fail", "invalid value 'bounce' (expected one of: accept, tag, reject, reject-unless-dmarc, tempfail)"),
                new Bad("spf reject-unless-dmarc without dmarc (the default fail action)",
                        H + "dns: {resolvers: [\"127.0.0.1:53\"]}\nchecks:\n  relay: {}\n  spf: {}\n", 6, "checks.spf.fail", SPF_NEEDS_DMARC),
                new Bad("spf reject-unless-dmarc written, dmarc disabled",
                        H + "dns: {resolvers: [\"127.0.0.1:53\"]}\nchecks:\n  spf:\n    fail: reject-unless-dmarc\n  dmarc: {enabled: false}\n",
                        6, "checks.spf.fail", SPF_NEEDS_DMARC),
                new Bad("spf reject-unless-dmarc, dmarc switched off for one domain",
                        H + "dns: {resolvers: [\"127.0.0.1:53\"]}\nchecks:\n  spf: {}\n  dmarc: {}\ndomains:\n  example.org:\n"
                                + "    checks:\n      dmarc: {enabled: false}\n", 5, "checks.spf.fail",
                        SPF_NEEDS_DMARC + " (in the policy of domain example.org)"));
    }

    static final String SPF_NEEDS_DMARC = "reject-unless-dmarc leaves the refusal to the dmarc check when the sender domain"
            + " publishes DMARC, and no enabled dmarc check runs after spf, so that mail would be accepted: enable dmarc after"
            + " spf (checks: dmarc: {}), or set fail: reject";

    @Test
    void spfRejectUnlessDmarcWithDmarcAfterItOrAPlainRejectIsFine() throws Exception {
        parse(H + "dns: {resolvers: [\"127.0.0.1:53\"]}\nchecks:\n  spf: {}\n  dmarc: {}\n");
        parse(H + "dns: {resolvers: [\"127.0.0.1:53\"]}\nchecks:\n  spf: {fail: reject}\n");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bad")
    void errorsNameFileLineAndKey(Bad c) {
        ConfigException e = assertThrows(ConfigException.class, () -> parse(c.yaml()));
        assertEquals("test.yml", e.file());
        assertEquals(c.line(), e.line(), "line");
        assertEquals(c.key(), e.key(), "key");
        assertEquals(c.problem(), e.problem(), "problem");
    }

    @Test
    void errorMessageReadsFileLineKeyProblem() {
        ConfigException e = assertThrows(ConfigException.class, () -> parse(H + "  bogus: 1\n"));
        assertTrue(e.getMessage().startsWith("test.yml:3: server.bogus: unknown key (known keys here: "), e.getMessage());
        assertEquals("f.yml: no such file", new ConfigException("f.yml", 0, null, "no such file").getMessage());
    }

    @Test
    void missingFileIsAnError(@TempDir Path dir) {
        Path missing = dir.resolve("missing.yml");
        ConfigException e = assertThrows(ConfigException.class,
                () -> new ConfigLoader(Doors.ALL).load(missing, new SimpleMeterRegistry()));
        assertEquals(missing.toString(), e.file());
        assertEquals(0, e.line());
        assertEquals("no such file", e.problem());
    }
}
