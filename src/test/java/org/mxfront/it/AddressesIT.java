// Hard addresses, asked of mxfront (in front of a real Postfix set up as the deployment guide says)
// and of that Postfix directly from the same client address: long local parts and domains, the
// null sender, quoted local parts, address literals, SMTPUTF8. A table test: mxfront never accepts
// what Postfix refuses, and where it refuses what Postfix would take, the row says which rule.
package org.mxfront.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mxfront.address.PathParser;

class AddressesIT {
    static final PostfixFixture postfix = new PostfixFixture(); // started by mx, its sink first
    @RegisterExtension
    static final MxfrontFixture mx = MxfrontFixture.relayingTo(postfix);

    @BeforeAll
    static void awaitSmtputf8() {
        mx.get().awaitOffering("SMTPUTF8");
    }

    static final List<String> OK = List.of("250 2.1.5 Ok");

    static List<String> sender(String enhancedAndText) {
        return List.of("501-5.1.7 XM-RJCT54: Bad sender address syntax: " + enhancedAndText + ".", "501 5.1.7 [127.0.0.2] [mx.test]");
    }

    static List<String> recipient(String text) {
        return List.of("501-5.1.3 XM-RJCT53: Bad recipient address syntax: " + text + ".", "501 5.1.3 [127.0.0.2] [mx.test]");
    }

    static final List<String> RELAY = List.of("550-5.7.1 XM-RJCT06: Unauthorized relay attempt", "550 5.7.1 [127.0.0.2] [mx.test]");

    /**
     * One address case. mxfront: its reply to the first command that was not accepted (or to RCPT).
     * postfix: the code Postfix gives to the same commands. stricter: why mxfront refuses what Postfix takes.
     */
    record Row(String name, String mail, String rcpt, List<String> mxfront, int postfix, String stricter) {
        @Override
        public String toString() { return name; }
    }

    /** A syntactically valid domain of exactly this many octets. */
    static String domain(int octets) {
        String tail = ".example";
        int left = octets - tail.length();
        List<String> labels = new java.util.ArrayList<>();
        while (left > 0) {
            int label = Math.min(63, left);
            if (left - label == 1) label--; // else only a dot would be left
            labels.add("d".repeat(label));
            left -= label;
            if (left > 0) left--; // the dot before the next label
        }
        String d = String.join(".", labels) + tail;
        assertEquals(octets, d.length());
        return d;
    }

    static Stream<Row> rows() {
        String rfc5321 = "RFC 5321 4.5.3.1: 64-octet local part";
        String rfc6531 = "RFC 6531 3.2: non-ASCII addresses need SMTPUTF8";
        return Stream.of(
                new Row("64-octet local part", "<a@sender.example>", "<" + "l".repeat(64) + "@example.com>", OK, 250, null),
                new Row("65-octet local part, recipient", "<a@sender.example>", "<" + "l".repeat(65) + "@example.com>",
                        recipient("local part longer than 64 octets"), 250, rfc5321),
                new Row("65-octet local part, sender", "<" + "l".repeat(65) + "@sender.example>", "<bob@example.com>",
                        sender("local part longer than 64 octets"), 250, rfc5321),
                new Row("255-octet domain, sender", "<a@" + domain(255) + ">", "<bob@example.com>", OK, 250, null),
                new Row("256-octet domain, sender", "<a@" + domain(256) + ">", "<bob@example.com>",
                        sender("domain longer than 255 octets"), 501, null),
                new Row("256-octet domain, recipient", "<a@sender.example>", "<bob@" + domain(256) + ">",
                        recipient("domain longer than 255 octets"), 501, null),
                new Row("null sender", "<>", "<bob@example.com>", OK, 250, null),
                new Row("null recipient", "<a@sender.example>", "<>", recipient("empty address"), 501, null),
                new Row("quoted local part with a space", "<a@sender.example>", "<\"john doe\"@example.com>", OK, 250, null),
                new Row("quoted local part with an escaped quote", "<a@sender.example>", "<\"a\\\"b\"@example.com>", OK, 250, null),
                new Row("quoted local part, sender", "<\"john doe\"@sender.example>", "<bob@example.com>", OK, 250, null),
                new Row("quoted local part hiding an @", "<a@sender.example>", "<\"a@elsewhere.example\"@example.com>", RELAY, 454, null),
                new Row("percent hack", "<a@sender.example>", "<bob%elsewhere.example@example.com>", RELAY, 454, null),
                new Row("source route", "<a@sender.example>", "<@relay.example:bob@example.com>", RELAY, 250,
                        "source routes from outside clients are relay tricks (RFC 5321 C: ignore them; mxfront refuses)"),
                new Row("IPv6 literal, sender", "<a@[IPv6:2001:db8::1]>", "<bob@example.com>", OK, 250, null),
                new Row("IPv4 literal, sender", "<a@[192.0.2.1]>", "<bob@example.com>", OK, 250, null),
                new Row("bad IPv6 literal", "<a@[IPv6:2001:db8::zz]>", "<bob@example.com>", sender("bad address literal"), 501, null),
                new Row("IPv6 literal without its tag", "<a@[2001:db8::1]>", "<bob@example.com>", sender("bad address literal"), 501, null),
                new Row("IPv6 literal, recipient", "<a@sender.example>", "<bob@[IPv6:::1]>", RELAY, 454, null),
                new Row("SMTPUTF8 sender", "<j\u00f6rg@sender.example> SMTPUTF8", "<bob@example.com>", OK, 250, null),
                new Row("SMTPUTF8 recipient", "<a@sender.example> SMTPUTF8", "<j\u00fcrgen@example.com>", OK, 250, null),
                new Row("SMTPUTF8 domain, sender", "<a@b\u00fccher.example> SMTPUTF8", "<bob@example.com>", OK, 250, null),
                new Row("non-ASCII sender without SMTPUTF8", "<j\u00f6rg@sender.example>", "<bob@example.com>",
                        sender(PathParser.NEEDS_SMTPUTF8), 250, rfc6531),
                new Row("non-ASCII recipient without SMTPUTF8", "<a@sender.example>", "<j\u00fcrgen@example.com>",
                        recipient(PathParser.NEEDS_SMTPUTF8), 250, rfc6531),
                new Row("domain ending with a dot", "<a@sender.example.>", "<bob@example.com>", sender("domain ends with '.'"), 250,
                        "RFC 5321 4.1.2: a Domain has no empty label"),
                new Row("two dots in a local part", "<a..b@sender.example>", "<bob@example.com>",
                        sender("misplaced '.' in local part"), 250, "RFC 5321 4.1.2: Dot-string"),
                new Row("no domain", "<a>", "<bob@example.com>", sender("missing domain"), 250,
                        "RFC 5321 4.1.2: a Mailbox has a domain (Postfix appends its own)"),
                new Row("<Postmaster> without a domain", "<a@sender.example>", "<Postmaster>", OK, 250, null),
                new Row("no domain, recipient", "<a@sender.example>", "<bob>", recipient("missing domain"), 454, null));
    }

    /** Sends MAIL and RCPT; returns the reply to the first one not accepted, else the RCPT reply. */
    static List<String> ask(SmtpClient c, Row row) throws Exception {
        List<String> r = c.command("MAIL FROM:" + row.mail());
        if (r.get(0).startsWith("250")) r = c.command("RCPT TO:" + row.rcpt());
        c.command("RSET");
        return r;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void mxfrontNeverAcceptsWhatPostfixRefuses(Row row) throws Exception {
        List<String> ours;
        try (SmtpClient c = FrontDoorIT.hello(mx.get(), "127.0.0.2", "client.sender.example")) {
            ours = ask(c, row);
        }
        List<String> theirs;
        try (SmtpClient c = new SmtpClient("127.0.0.2", postfix.port())) {
            c.reply();
            c.command("EHLO client.sender.example");
            theirs = ask(c, row);
        }
        System.out.printf("[addresses] %-40s mxfront: %-90s postfix: %s%n", row.name(), String.join(" / ", ours),
                String.join(" / ", theirs));
        assertEquals(row.mxfront(), ours, "mxfront's reply");
        assertEquals(row.postfix(), Integer.parseInt(theirs.get(0).substring(0, 3)), "Postfix's code: " + theirs);
        boolean weAccept = ours.get(0).startsWith("2");
        boolean theyAccept = theirs.get(0).startsWith("2");
        if (weAccept) assertTrue(theyAccept, "mxfront accepted what Postfix refuses");
        if (!weAccept && theyAccept) assertNotNull(row.stricter(), "mxfront refuses what Postfix takes: name the rule");
        // Still serving, and the downstream still takes mail after the case.
        HostileInputIT.completeATransaction(mx.get(), "after-" + row.name().replaceAll("\\W", "-"));
    }
}
