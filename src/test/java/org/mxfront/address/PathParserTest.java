// Covers PathParser.parse: valid and invalid MAIL FROM/RCPT TO arguments, parameters, relay tricks, limits, SMTPUTF8.
package org.mxfront.address;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mxfront.mail.Mailbox;

class PathParserTest {
    private static final String LOCAL_64 = "l".repeat(64);
    private static final String LOCAL_65 = "l".repeat(65);
    /** 63 + 1 + 63 + 1 + 63 + 1 + 63 = 255 octets. */
    private static final String DOMAIN_255 = String.join(".", List.of("a".repeat(63), "b".repeat(63), "c".repeat(63), "d".repeat(63)));
    private static final String DOMAIN_256 = DOMAIN_255 + "e";

    /** An accepted argument and what it parses to. */
    record Valid(String arg, String keyword, boolean allowNull, boolean utf8, String local, String domain,
            boolean sourceRoute, boolean relayTrick, Map<String, String> params) {
        @Override
        public String toString() { return keyword + " " + arg + (utf8 ? " (utf8)" : ""); }
    }

    static Valid mail(String arg, String local, String domain) {
        return new Valid(arg, "FROM", true, false, local, domain, false, false, Map.of());
    }

    static Valid rcpt(String arg, String local, String domain) {
        return new Valid(arg, "TO", false, false, local, domain, false, false, Map.of());
    }

    static Valid trick(String arg, String local, String domain, boolean route) {
        return new Valid(arg, "TO", false, false, local, domain, route, true, Map.of());
    }

    static Map<String, String> params(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
        return m;
    }

    static Stream<Valid> valid() {
        return Stream.of(
                mail("FROM:<a@b.example>", "a", "b.example"),
                mail("FROM:<>", "", ""),
                mail("from:<a@b.example>", "a", "b.example"),
                mail("FROM: <a@b.example>", "a", "b.example"),
                mail("  FROM:<a@b.example>", "a", "b.example"),
                mail("FROM:a@b.example", "a", "b.example"),
                mail("FROM:<A.B+tag@Mail.B.EXAMPLE>", "A.B+tag", "mail.b.example"),
                new Valid("FROM:<a@b.example> SIZE=100 BODY=8BITMIME", "FROM", true, false, "a", "b.example", false, false,
                        params("SIZE", "100", "BODY", "8BITMIME")),
                new Valid("FROM:<a@b.example> size=100  body=8bitmime ", "FROM", true, false, "a", "b.example", false, false,
                        params("SIZE", "100", "BODY", "8bitmime")),
                new Valid("FROM:<> SIZE=0", "FROM", true, false, "", "", false, false, params("SIZE", "0")),
                new Valid("FROM:<a@b.example> SMTPUTF8", "FROM", true, false, "a", "b.example", false, false,
                        params("SMTPUTF8", null)),
                new Valid("FROM:a@b.example SIZE=5", "FROM", true, false, "a", "b.example", false, false, params("SIZE", "5")),
                rcpt("TO:<u@c.example>", "u", "c.example"),
                rcpt("TO:<" + LOCAL_64 + "@c.example>", LOCAL_64, "c.example"),
                rcpt("TO:<u@" + DOMAIN_255 + ">", "u", DOMAIN_255),
                rcpt("TO:<u@[IPv6:2001:db8::1]>", "u", "[IPv6:2001:db8::1]"),
                rcpt("TO:<u@[192.0.2.1]>", "u", "[192.0.2.1]"),
                rcpt("TO:<u@C.EXAMPLE>", "u", "c.example"),
                rcpt("TO:<\"a b\"@c.example>", "\"a b\"", "c.example"),
                rcpt("TO:<\"a>b\"@c.example>", "\"a>b\"", "c.example"),
                rcpt("TO:<\"a\\\"b\"@c.example>", "\"a\\\"b\"", "c.example"),
                trick("TO:<@a.example,@b.example:u@c.example>", "u", "c.example", true),
                trick("TO:<@a.example:u@c.example>", "u", "c.example", true),
                trick("TO:<\"a@b\"@c.example>", "\"a@b\"", "c.example", false),
                trick("TO:<u%other.example@c.example>", "u%other.example", "c.example", false),
                trick("TO:<other.example!u@c.example>", "other.example!u", "c.example", false),
                new Valid("TO:<jörg@c.example>", "TO", false, true, "jörg", "c.example", false, false, Map.of()),
                new Valid("TO:<u@BÜCHER.example>", "TO", false, true, "u", "bücher.example", false, false, Map.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valid")
    void accepts(Valid c) {
        PathParser.Parsed p = PathParser.parse(c.arg(), c.keyword(), c.allowNull(), c.utf8());
        assertNull(p.error(), "error");
        Mailbox m = p.mailbox();
        assertEquals(c.local(), m.localPart(), "local part");
        assertEquals(c.domain(), m.domain(), "domain");
        assertEquals(c.sourceRoute(), m.sourceRoute(), "source route");
        assertEquals(c.relayTrick(), m.hasRelayTrick(), "relay trick");
        assertEquals(List.copyOf(c.params().keySet()), List.copyOf(p.params().keySet()), "parameter order");
        assertEquals(c.params(), p.params(), "parameters");
    }

    @Test
    void nullSenderIsTheNullSenderConstant() {
        PathParser.Parsed p = PathParser.parse("FROM:<>", "FROM", true, false);
        assertEquals(Mailbox.NULL_SENDER, p.mailbox());
        assertEquals("", p.mailbox().address());
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"TO:<postmaster>", "TO:<Postmaster>", "TO:<POSTMASTER>"})
    void postmasterWithoutADomainIsARecipient(String arg) {
        PathParser.Parsed p = PathParser.parse(arg, "TO", false, false);
        assertEquals(null, p.error());
        assertTrue(p.mailbox().isBarePostmaster());
        assertEquals(arg.substring(4, arg.length() - 1), p.mailbox().address());
    }

    @Test
    void postmasterWithoutADomainIsNoSender() {
        assertEquals("missing domain", PathParser.parse("FROM:<postmaster>", "FROM", true, false).error());
    }

    /** A refused argument and the reason given. */
    record Invalid(String arg, String keyword, boolean allowNull, boolean utf8, String error) {
        @Override
        public String toString() { return keyword + " " + arg + (utf8 ? " (utf8)" : ""); }
    }

    static Invalid badMail(String arg, String error) {
        return new Invalid(arg, "FROM", true, false, error);
    }

    static Invalid badRcpt(String arg, String error) {
        return new Invalid(arg, "TO", false, false, error);
    }

    static Stream<Invalid> invalid() {
        return Stream.of(
                badRcpt("TO:<>", "empty address"),
                badRcpt("TO:<> NOTIFY=NEVER", "empty address"),
                badMail("FROM:", "empty address"),
                badMail("FROM:<a@b.example", "missing '>'"),
                badMail("FROM:<a@b.example>x", "text after '>'"),
                badMail("FROM:<a@b.example>SIZE=100", "text after '>'"),
                badMail("FROM<a@b.example>", "expected FROM:<address>"),
                badMail("TO:<a@b.example>", "expected FROM:<address>"),
                badRcpt("FROM:<a@b.example>", "expected TO:<address>"),
                badMail("FROM:<a@b.example> BAD_PARAM=1", "bad parameter 'BAD_PARAM=1'"),
                badMail("FROM:<a@b.example> =1", "bad parameter '=1'"),
                badRcpt("TO:<" + LOCAL_65 + "@c.example>", "local part longer than 64 octets"),
                badRcpt("TO:<u@" + DOMAIN_256 + ">", "domain longer than 255 octets"),
                badRcpt("TO:<u>", "missing domain"),
                badRcpt("TO:<u@>", "missing domain"),
                badRcpt("TO:<@c.example>", "bad source route"),
                badRcpt("TO:<@a.example:>", "missing domain"),
                badRcpt("TO:<.u@c.example>", "misplaced '.' in local part"),
                badRcpt("TO:<u.@c.example>", "misplaced '.' in local part"),
                badRcpt("TO:<a..b@c.example>", "misplaced '.' in local part"),
                badRcpt("TO:<a(b)@c.example>", "invalid character in local part"),
                badRcpt("TO:<jörg@c.example>", PathParser.NEEDS_SMTPUTF8),
                badRcpt("TO:<u@bücher.example>", PathParser.NEEDS_SMTPUTF8),
                badRcpt("TO:<u@c_d.example>", "invalid character in domain"),
                badRcpt("TO:<u@c.example.>", "domain ends with '.'"),
                badRcpt("TO:<u@-c.example>", "invalid domain"),
                badRcpt("TO:<u@c-.example>", "invalid domain"),
                badRcpt("TO:<u@c..example>", "invalid domain"),
                badRcpt("TO:<u@" + "x".repeat(64) + ".example>", "invalid domain"),
                badRcpt("TO:<u@[192.0.2.1>", "bad address literal"),
                badRcpt("TO:<u@[IPv6:zz::1]>", "bad address literal"),
                badRcpt("TO:<u@[host.example]>", "bad address literal"),
                badRcpt("TO:<u@[999.1.1.1]>", "bad address literal"),
                badRcpt("TO:<u@[1.2]>", "bad address literal"),
                badRcpt("TO:<\"j\u00f6rg\"@c.example>", PathParser.NEEDS_SMTPUTF8),
                badRcpt("TO:<\"a\\\u0001\"@c.example>", "control character in quoted local part"),
                badRcpt("TO:\"ab", "unterminated quoted local part"),
                badRcpt("TO:<\"a\u0001b\"@c.example>", "control character in quoted local part"),
                badRcpt("TO:<\"ab\"c@d.example>", "missing domain"),
                badRcpt("TO:<\"ab\">", "missing domain"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void refuses(Invalid c) {
        PathParser.Parsed p = PathParser.parse(c.arg(), c.keyword(), c.allowNull(), c.utf8());
        assertEquals(c.error(), p.error());
        assertNull(p.mailbox());
        assertEquals(Map.of(), p.params());
    }
}
