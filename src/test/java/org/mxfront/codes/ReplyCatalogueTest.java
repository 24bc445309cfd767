// Covers ReplyCatalogue rendering (seed shape, prefix/text overrides, variable sanitizing) and Reply's wire form.
package org.mxfront.codes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ReplyCatalogueTest {
    private static final String IP = "192.0.2.7";
    private static final String HOST = "mx1.example.net";
    private final ReplyCatalogue defaults = ReplyCatalogue.defaults();

    @Test
    void relayDeniedHasTheSeedShapeWithEnhancedCodes() {
        Reply r = defaults.render(Code.RELAY_DENIED, Map.of(), IP, HOST);
        assertEquals(550, r.code());
        assertEquals("5.7.1", r.enhanced());
        assertEquals("550-5.7.1 XM-RJCT06: Unauthorized relay attempt\r\n550 5.7.1 [192.0.2.7] [mx1.example.net]",
                r.wire(true));
        assertEquals(List.of("550-5.7.1 XM-RJCT06: Unauthorized relay attempt", "550 5.7.1 [192.0.2.7] [mx1.example.net]"),
                r.wireLines(true));
    }

    @Test
    void relayDeniedWithoutEnhancedCodesHasTheXmissionShape() {
        Reply r = defaults.render(Code.RELAY_DENIED, Map.of(), IP, HOST);
        assertEquals("550-XM-RJCT06: Unauthorized relay attempt\r\n550 [192.0.2.7] [mx1.example.net]", r.wire(false));
    }

    @Test
    void invalidUsernameFillsTheRecipient() {
        Reply r = defaults.render(Code.INVALID_USERNAME, Map.of("recipient", "x@example.com"), IP, HOST);
        assertEquals(List.of("XM-RJCT01: Account <x@example.com> does not exist.", "[192.0.2.7] [mx1.example.net]"),
                r.lines());
        assertEquals("550-5.1.1 XM-RJCT01: Account <x@example.com> does not exist.\r\n550 5.1.1 [192.0.2.7] [mx1.example.net]",
                r.wire(true));
    }

    @Test
    void customPrefixAndTextOverride() {
        ReplyCatalogue c = new ReplyCatalogue("ACME-",
                Map.of(Code.RELAY_DENIED, "Relaying to <{recipient}> denied by {hostname} for {client_ip}."));
        assertEquals("ACME-06", c.id(Code.RELAY_DENIED));
        assertEquals("ACME-31", c.id(Code.TOO_MANY_RECIPIENTS));
        assertEquals("Relaying to <{recipient}> denied by {hostname} for {client_ip}.", c.template(Code.RELAY_DENIED));
        assertEquals("550-5.7.1 ACME-06: Relaying to <u@other.example> denied by mx1.example.net for 192.0.2.7.\r\n"
                + "550 5.7.1 [192.0.2.7] [mx1.example.net]",
                c.render(Code.RELAY_DENIED, Map.of("recipient", "u@other.example"), IP, HOST).wire(true));
        // entries without an override keep their built-in text
        assertEquals(Code.INVALID_USERNAME.template(), c.template(Code.INVALID_USERNAME));
        assertEquals("ACME-01: Account <x@example.com> does not exist.",
                c.render(Code.INVALID_USERNAME, Map.of("recipient", "x@example.com"), IP, HOST).lines().get(0));
    }

    @Test
    void overrideOfSmtpAndEnhancedCodeKeepsTheCatalogueText() {
        Reply r = defaults.render(Code.DOWNSTREAM_REJECTED, 554, "5.7.1", Map.of("downstream", "spam"), IP, HOST);
        assertEquals("554-5.7.1 XM-RJCT43: Refused: spam\r\n554 5.7.1 [192.0.2.7] [mx1.example.net]", r.wire(true));
    }

    record Injection(String value, String expectedFirstLine) {}

    static Stream<Injection> injections() {
        return Stream.of(
                new Injection("x@example.com\r\n250 2.0.0 Ok", "XM-RJCT01: Account <x@example.com??250 2.0.0 Ok> does not exist."),
                new Injection("a\nb", "XM-RJCT01: Account <a?b> does not exist."),
                new Injection("a\rb", "XM-RJCT01: Account <a?b> does not exist."),
                new Injection("nul\0byte", "XM-RJCT01: Account <nul?byte> does not exist."),
                new Injection("tab\tdel\u007f", "XM-RJCT01: Account <tab?del?> does not exist."),
                new Injection("x".repeat(300), "XM-RJCT01: Account <" + "x".repeat(256) + "...> does not exist."),
                new Injection("\n".repeat(300), "XM-RJCT01: Account <" + "?".repeat(256) + "...> does not exist."));
    }

    @ParameterizedTest
    @MethodSource("injections")
    void templateVariablesAreSanitized(Injection c) {
        Reply r = defaults.render(Code.INVALID_USERNAME, Map.of("recipient", c.value()), IP, HOST);
        assertEquals(c.expectedFirstLine(), r.lines().get(0));
        String wire = r.wire(true);
        assertEquals(2, wire.split("\r\n", -1).length, "exactly two reply lines on the wire");
        assertFalse(wire.replace("\r\n", "").contains("\r"), "no bare CR");
        assertFalse(wire.replace("\r\n", "").contains("\n"), "no bare LF");
        assertFalse(wire.contains("\0"), "no NUL");
    }

    @Test
    void clientIpVariableIsSanitizedToo() {
        Reply r = defaults.render(Code.OPS_BLOCKLIST, Map.of(), "1.2.3.4\r\n250 Ok", HOST);
        assertEquals("XM-RJCT15: IP address 1.2.3.4??250 Ok is blocked by local policy.", r.lines().get(0));
    }

    record Fill(String template, Map<String, String> vars, String expected) {}

    static Stream<Fill> fills() {
        return Stream.of(
                new Fill("Hello {nobody} and <{recipient}>", Map.of("recipient", "x@e.example"), "Hello {nobody} and <x@e.example>"),
                new Fill("Account <{recipient}>", Map.of(), "Account <{recipient}>"),
                new Fill("100% {unclosed", Map.of("unclosed", "no"), "100% {unclosed"),
                new Fill("{}", Map.of(), "{}"),
                new Fill("}{helo}{", Map.of("helo", "h.example"), "}h.example{"),
                new Fill("{client_ip} {hostname}", Map.of("client_ip", "ignored", "hostname", "ignored"), "192.0.2.7 mx1.example.net"),
                new Fill("{limit}/{limit}", Map.of("limit", "50"), "50/50"),
                new Fill("no variables", Map.of("x", "y"), "no variables"));
    }

    @ParameterizedTest
    @MethodSource("fills")
    void placeholders(Fill c) {
        assertEquals(c.expected(), ReplyCatalogue.fill(c.template(), c.vars(), IP, HOST));
    }

    @Test
    void replyRejectsBadCodesAndEmptyLines() {
        assertThrows(IllegalArgumentException.class, () -> Reply.of(199, null, "x"));
        assertThrows(IllegalArgumentException.class, () -> Reply.of(600, null, "x"));
        assertThrows(IllegalArgumentException.class, () -> new Reply(550, "5.7.1", List.of()));
    }

    @Test
    void singleLineReplyAndMissingEnhancedCode() {
        assertEquals("250 2.0.0 Ok", Reply.of(250, "2.0.0", "Ok").wire(true));
        assertEquals("250 Ok", Reply.of(250, "2.0.0", "Ok").wire(false));
        assertEquals("250-a\r\n250-b\r\n250 c", new Reply(250, null, List.of("a", "b", "c")).wire(true));
    }

    @Test
    void replyClasses() {
        Reply ok = Reply.of(250, null, "Ok");
        Reply temp = Reply.of(451, null, "later");
        Reply perm = Reply.of(550, null, "no");
        assertTrue(ok.positive() && !ok.transientFailure() && !ok.permanentFailure());
        assertTrue(!temp.positive() && temp.transientFailure() && !temp.permanentFailure());
        assertTrue(!perm.positive() && !perm.transientFailure() && perm.permanentFailure());
    }
}
