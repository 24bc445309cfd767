// Covers HeloCheck: each HELO rule (table), its switch, literals against the client address, relay exemption.
package org.mxfront.checks.helo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mxfront.checks.CheckFixtures.client;
import static org.mxfront.checks.CheckFixtures.context;
import static org.mxfront.checks.CheckFixtures.outsider;
import static org.mxfront.checks.CheckFixtures.relayClient;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mxfront.codes.Code;
import org.mxfront.policy.Facts;
import org.mxfront.policy.Stage;
import org.mxfront.policy.Verdict;

class HeloCheckTest {
    static final HeloConfig DEFAULTS = new HeloConfig(null, null, null, null, null, null, null, null, null);

    static HeloCheck check(HeloConfig config) {
        return new HeloCheck(config, context());
    }

    static Verdict reject(Code code, String helo) {
        return new Verdict.Reject(code, Map.of("helo", helo));
    }

    record Case(String helo, Stage stage, Verdict expected) {
        @Override
        public String toString() { return stage + " " + helo + " -> " + (expected.code() == null ? "continue" : expected.code()); }
    }

    static Case helo(String helo, Code code) {
        return new Case(helo, Stage.HELO, code == null ? Verdict.CONTINUE : reject(code, helo));
    }

    static Stream<Case> defaults() {
        return Stream.of(
                new Case(null, Stage.RCPT, reject(Code.HELO_MISSING, "")),
                new Case("mail.example.net", Stage.RCPT, Verdict.CONTINUE),
                new Case("bad_name!", Stage.RCPT, Verdict.CONTINUE), // judged at HELO, not again at RCPT
                new Case(null, Stage.HELO, Verdict.CONTINUE),
                helo("localhost", Code.HELO_LOCALHOST),
                helo("LOCALHOST", Code.HELO_LOCALHOST),
                helo("localhost.localdomain", Code.HELO_LOCALHOST),
                helo("localhost.", Code.HELO_LOCALHOST),
                helo("ip6-localhost", Code.HELO_LOCALHOST),
                helo("mx.test", Code.HELO_CLAIMS_US),
                helo("MX.Test.", Code.HELO_CLAIMS_US),
                helo("example.com", Code.HELO_CLAIMS_US),
                helo("[127.0.0.1]", Code.HELO_CLAIMS_US),
                helo("1.2.3.4", Code.HELO_BARE_IP),
                helo("127.0.0.2", Code.HELO_BARE_IP),
                helo("2001:db8::1", Code.HELO_BARE_IP),
                helo("[10.0.0.1]", Code.HELO_LITERAL_MISMATCH),
                helo("[IPv6:2001:db8::1]", Code.HELO_LITERAL_MISMATCH),
                helo("[127.0.0.2]", null),
                helo("[IPv6:::ffff:127.0.0.2]", null),
                helo("[999.0.0.1]", Code.HELO_INVALID),
                helo("[1.2.3]", Code.HELO_INVALID),
                helo("[IPv6:zz::1]", Code.HELO_INVALID),
                helo("[mail.example.net]", Code.HELO_INVALID),
                helo("bad_name!", Code.HELO_INVALID),
                helo("-mail.example.net", Code.HELO_INVALID),
                helo("mail..example.net", Code.HELO_INVALID),
                helo("mail.example.123", Code.HELO_INVALID),
                helo(".", Code.HELO_INVALID),
                helo("", Code.HELO_INVALID),
                helo("a".repeat(64) + ".example.net", Code.HELO_INVALID),
                helo("foo", Code.HELO_NOT_FQDN),
                helo("FOO", Code.HELO_NOT_FQDN),
                helo("mail.example.net", null),
                helo("MAIL.Example.NET.", null),
                helo("under_score.example.net", null),
                helo("a".repeat(63) + ".example.net", null),
                helo("mx.test.example.net", null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("defaults")
    void rulesWithDefaultSettings(Case c) {
        Facts f = outsider().withHelo(c.helo());
        assertEquals(c.expected(), check(DEFAULTS).evaluate(c.stage(), f));
    }

    /** One switch: a name it catches with the switch on, and what that name gets with the switch off. */
    record Switch(String name, UnaryOperator<HeloConfig> off, String helo, Stage stage, Verdict on, Verdict whenOff) {
        @Override
        public String toString() { return name + " " + helo; }
    }

    static HeloConfig with(String setting) {
        Boolean f = Boolean.FALSE;
        return switch (setting) {
            case "require-helo" -> new HeloConfig(f, null, null, null, null, null, null, null, null);
            case "reject-invalid" -> new HeloConfig(null, f, null, null, null, null, null, null, null);
            case "reject-non-fqdn" -> new HeloConfig(null, null, f, null, null, null, null, null, null);
            case "reject-localhost" -> new HeloConfig(null, null, null, f, null, null, null, null, null);
            case "reject-bare-ip" -> new HeloConfig(null, null, null, null, f, null, null, null, null);
            case "reject-literal-mismatch" -> new HeloConfig(null, null, null, null, null, f, null, null, null);
            case "reject-claims-us" -> new HeloConfig(null, null, null, null, null, null, f, null, null);
            default -> throw new IllegalArgumentException(setting);
        };
    }

    static Switch sw(String setting, String helo, Stage stage, Code on, Code whenOff) {
        String v = helo == null ? "" : helo;
        return new Switch(setting, c -> with(setting), helo, stage, reject(on, v),
                whenOff == null ? Verdict.CONTINUE : reject(whenOff, v));
    }

    static Stream<Switch> switches() {
        return Stream.of(
                sw("require-helo", null, Stage.RCPT, Code.HELO_MISSING, null),
                sw("reject-invalid", "bad!name.example.net", Stage.HELO, Code.HELO_INVALID, null),
                sw("reject-invalid", "[999.0.0.1]", Stage.HELO, Code.HELO_INVALID, null),
                // a one-label invalid name still lacks a dot
                sw("reject-invalid", "bad_name!", Stage.HELO, Code.HELO_INVALID, Code.HELO_NOT_FQDN),
                sw("reject-non-fqdn", "foo", Stage.HELO, Code.HELO_NOT_FQDN, null),
                sw("reject-localhost", "localhost.localdomain", Stage.HELO, Code.HELO_LOCALHOST, null),
                sw("reject-localhost", "localhost", Stage.HELO, Code.HELO_LOCALHOST, Code.HELO_NOT_FQDN),
                sw("reject-bare-ip", "1.2.3.4", Stage.HELO, Code.HELO_BARE_IP, null),
                sw("reject-literal-mismatch", "[10.0.0.1]", Stage.HELO, Code.HELO_LITERAL_MISMATCH, null),
                sw("reject-claims-us", "mx.test", Stage.HELO, Code.HELO_CLAIMS_US, null),
                sw("reject-claims-us", "example.com", Stage.HELO, Code.HELO_CLAIMS_US, null),
                // our own literal from someone else is still not the client's address
                sw("reject-claims-us", "[127.0.0.1]", Stage.HELO, Code.HELO_CLAIMS_US, Code.HELO_LITERAL_MISMATCH));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("switches")
    void eachSwitchTurnsItsRuleOff(Switch s) {
        Facts f = outsider().withHelo(s.helo());
        assertEquals(s.on(), check(DEFAULTS).evaluate(s.stage(), f), "switch on");
        assertEquals(s.whenOff(), check(s.off().apply(DEFAULTS)).evaluate(s.stage(), f), "switch off");
    }

    @Test
    void aSwitchOffLeavesTheOtherRulesOn() {
        HeloCheck noLocalhost = check(with("reject-localhost"));
        Facts f = outsider();
        assertEquals(reject(Code.HELO_NOT_FQDN, "foo"), noLocalhost.evaluate(Stage.HELO, f.withHelo("foo")));
        assertEquals(reject(Code.HELO_CLAIMS_US, "mx.test"), noLocalhost.evaluate(Stage.HELO, f.withHelo("mx.test")));
        assertEquals(reject(Code.HELO_MISSING, ""), noLocalhost.evaluate(Stage.RCPT, f));
    }

    @Test
    void allSwitchesOffAcceptsAnything() {
        Boolean f = Boolean.FALSE;
        HeloCheck none = check(new HeloConfig(f, f, f, f, f, f, f, null, null));
        for (String h : List.of("localhost", "mx.test", "1.2.3.4", "[10.0.0.1]", "bad_name!", "foo", "[999.0.0.1]")) {
            assertEquals(Verdict.CONTINUE, none.evaluate(Stage.HELO, outsider().withHelo(h)), h);
        }
        assertEquals(Verdict.CONTINUE, none.evaluate(Stage.RCPT, outsider()));
    }

    @Test
    void ourNamesAreUsToo() {
        HeloCheck c = check(new HeloConfig(null, null, null, null, null, null, null, null, List.of("MX2.Test")));
        assertEquals(reject(Code.HELO_CLAIMS_US, "mx2.test"), c.evaluate(Stage.HELO, outsider().withHelo("mx2.test")));
        assertEquals(Verdict.CONTINUE, c.evaluate(Stage.HELO, outsider().withHelo("mx3.test")));
    }

    @Test
    void relayClientsAreExempt() {
        HeloCheck c = check(DEFAULTS);
        assertEquals(Verdict.CONTINUE, c.evaluate(Stage.HELO, relayClient().withHelo("localhost")));
        assertEquals(Verdict.CONTINUE, c.evaluate(Stage.HELO, relayClient().withHelo("[10.0.0.1]")));
        assertEquals(Verdict.CONTINUE, c.evaluate(Stage.RCPT, relayClient()));
    }

    @Test
    void relayClientsAreJudgedWhenTheExemptionIsOff() {
        HeloCheck c = check(new HeloConfig(null, null, null, null, null, null, null, false, null));
        assertEquals(reject(Code.HELO_LOCALHOST, "localhost"), c.evaluate(Stage.HELO, relayClient().withHelo("localhost")));
        assertEquals(reject(Code.HELO_MISSING, ""), c.evaluate(Stage.RCPT, relayClient()));
        // the relay client is 127.0.0.1, one of our addresses: its own literal is fine
        assertEquals(Verdict.CONTINUE, c.evaluate(Stage.HELO, relayClient().withHelo("[127.0.0.1]")));
    }

    @Test
    void ipv6LiteralsAreComparedInCanonicalForm() {
        Facts v6 = Facts.connect(client("2001:db8::1", false, 1));
        HeloCheck c = check(DEFAULTS);
        assertEquals(Verdict.CONTINUE, c.evaluate(Stage.HELO, v6.withHelo("[IPv6:2001:db8::1]")));
        assertEquals(Verdict.CONTINUE, c.evaluate(Stage.HELO, v6.withHelo("[ipv6:2001:DB8:0:0:0:0:0:1]")));
        assertEquals(reject(Code.HELO_LITERAL_MISMATCH, "[IPv6:2001:db8::2]"),
                c.evaluate(Stage.HELO, v6.withHelo("[IPv6:2001:db8::2]")));
    }

    @Test
    void wantsHeloAndRcpt() {
        assertEquals(Set.of(Stage.HELO, Stage.RCPT), check(DEFAULTS).stages());
    }

    record Hostname(String name, boolean valid) {}

    static Stream<Hostname> hostnames() {
        return Stream.of(
                new Hostname("mail.example.net", true),
                new Hostname("a", true),
                new Hostname("a-b.c_d.example", true),
                new Hostname("1host.example", true),
                new Hostname("a".repeat(63) + ".example", true),
                new Hostname("a".repeat(64) + ".example", false),
                new Hostname(("a".repeat(63) + ".").repeat(3) + "a".repeat(61), true),
                new Hostname(("a".repeat(63) + ".").repeat(3) + "a".repeat(62), false),
                new Hostname("", false),
                new Hostname("a-.example", false),
                new Hostname("-a.example", false),
                new Hostname("a.example.", false),
                new Hostname("a.123", false),
                new Hostname("a b.example", false),
                new Hostname("ä.example", false));
    }

    @ParameterizedTest
    @MethodSource("hostnames")
    void hostnameSyntax(Hostname h) {
        assertEquals(h.valid(), HeloCheck.validHostname(h.name()), h.name());
    }
}
