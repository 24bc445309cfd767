// Property-based fuzz of the MAIL/RCPT argument parser (jqwik): arguments built from the tokens that
// break parsers (brackets, quotes, backslashes, literals, controls, non-ASCII) never throw, always
// give a mailbox or a reason, and what is accepted is safe to forward: it parses back to itself with
// no parameters, has no control characters, respects the RFC 5321 length limits, and is ASCII
// unless SMTPUTF8 is allowed. Tries: jqwik.tries.default (src/test/resources/junit-platform.properties).
package org.mxfront.address;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.mxfront.mail.Mailbox;

class PathParserFuzzTest {
    static final List<String> TOKENS = List.of("FROM:", "TO:", "from:", "<", ">", "<>", "@", "@", "\"", "\\", ".", "..", " ", "  ",
            "a", "bob", "x.y", "example.com", "B\u00dcCHER", "j\u00f6rg", "\u5c71\u7530", "[", "]", "IPv6:", "ipv6:", "::1",
            "2001:db8::1", "192.0.2.1", "256.1.1.1", ":", ",", "%", "!", "-", "SIZE=", "100", "BODY=8BITMIME", "SMTPUTF8", "=",
            "\u0000", "\r", "\n", "\t", "\u007f", "\u0085", "\u2028", "\ud83d\udce7", "\ufffd", "l".repeat(64), "d".repeat(63),
            "x".repeat(300));

    @Provide
    Arbitrary<String> args() {
        Arbitrary<String> junk = Arbitraries.of(TOKENS).list().ofMaxSize(6).map(l -> String.join("", l));
        Arbitrary<String> local = Arbitraries.oneOf(junk, junk.map(s -> "\"" + s + "\""), Arbitraries.of("bob", "a.b", "\"a b\""));
        Arbitrary<String> domain = Arbitraries.oneOf(junk, junk.map(s -> "[" + s + "]"), junk.map(s -> "[IPv6:" + s + "]"),
                Arbitraries.of("example.com", "[IPv6:::1]", "[192.0.2.1]", "b\u00fccher.example"));
        Arbitrary<String> address = Combinators.combine(local, domain).as((l, d) -> l + "@" + d);
        Arbitrary<String> shaped = Combinators.combine(
                Arbitraries.of("FROM:<", "TO:<", "FROM:", "TO: <", "from:<@a.example:", "TO:<@a.example,@b.example:"), address,
                Arbitraries.of(">", "> SIZE=10", "", ">>", "> x=y=z", "> BODY=8BITMIME SMTPUTF8", " >", ">x")).as((a, b, c) -> a + b + c);
        Arbitrary<String> tokens = Arbitraries.of(TOKENS).list().ofMaxSize(24).map(l -> String.join("", l));
        Arbitrary<String> noise = Arbitraries.strings().all().ofMaxLength(80);
        return Arbitraries.frequencyOf(Tuple.of(6, shaped), Tuple.of(2, tokens), Tuple.of(1, noise));
    }

    @Property
    void anyArgumentGivesAMailboxOrAReasonAndWhatIsAcceptedIsSafeToForward(@ForAll("args") String arg,
            @ForAll boolean mail, @ForAll boolean utf8) {
        String keyword = mail ? "FROM" : "TO";
        PathParser.Parsed p = PathParser.parse(arg, keyword, mail, utf8);
        assertTrue(p.mailbox() == null ^ p.error() == null, "a mailbox or a reason: " + p);
        if (p.error() != null) {
            assertFalse(p.error().isBlank());
            return;
        }
        Mailbox m = p.mailbox();
        for (Map.Entry<String, String> e : p.params().entrySet()) {
            assertTrue(e.getKey().matches("[A-Z0-9][A-Z0-9-]*"), e.getKey());
            assertTrue(e.getValue() == null || e.getValue().indexOf(' ') < 0, e.getValue());
        }
        if (m.isNullSender()) {
            assertTrue(mail, "<> only as a sender");
            return;
        }
        String a = m.address();
        assertTrue(a.chars().noneMatch(c -> c < 0x20 || c == 0x7f), "no control characters: " + a);
        if (!utf8) assertTrue(a.chars().allMatch(c -> c < 0x80), "ASCII without SMTPUTF8: " + a);
        assertTrue(m.localPart().getBytes(StandardCharsets.UTF_8).length <= 64, a);
        assertTrue(m.domain().getBytes(StandardCharsets.UTF_8).length <= 255, a);
        assertFalse(m.localPart().isEmpty() || m.domain().isEmpty(), a);
        // What mxfront forwards ("FROM:<" + address + ">") means exactly this mailbox downstream.
        PathParser.Parsed again = PathParser.parse(keyword + ":<" + a + ">", keyword, mail, utf8);
        assertNull(again.error(), a);
        assertEquals(Map.of(), again.params());
        assertEquals(m.localPart(), again.mailbox().localPart());
        assertEquals(m.domain(), again.mailbox().domain());
    }

    @Provide
    Arbitrary<String> localParts() {
        Arbitrary<String> atom = Arbitraries.strings().withChars("abcXYZ019!#$%&'*+-/=?^_`{|}~").ofMinLength(1).ofMaxLength(20);
        return atom.list().ofMinSize(1).ofMaxSize(4).map(l -> String.join(".", l)).filter(s -> s.length() <= 64);
    }

    @Provide
    Arbitrary<String> domains() {
        Arbitrary<String> label = Arbitraries.strings().withChars("abcXYZ019-").ofMinLength(1).ofMaxLength(63)
                .filter(s -> !s.startsWith("-") && !s.endsWith("-"));
        return label.list().ofMinSize(1).ofMaxSize(5).map(l -> String.join(".", l)).filter(s -> s.length() <= 255);
    }

    @Property
    void everyValidAddressIsAccepted(@ForAll("localParts") String local, @ForAll("domains") String domain,
            @ForAll boolean brackets) {
        String path = brackets ? "<" + local + "@" + domain + ">" : local + "@" + domain;
        PathParser.Parsed p = PathParser.parse("TO:" + path + " ", "TO", false, false);
        assertNull(p.error(), path);
        assertNotNull(p.mailbox());
        assertEquals(local, p.mailbox().localPart());
        assertEquals(domain.toLowerCase(java.util.Locale.ROOT), p.mailbox().domain());
    }
}
