// Covers the Code table's invariants: unique numbers and keys, the seed's ids 01..22, statuses, and markdown().
package org.mxfront.codes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class CodeTest {

    @Test
    void numbersAreUnique() {
        List<Integer> numbers = Arrays.stream(Code.values()).map(Code::number).toList();
        assertEquals(numbers.size(), new HashSet<>(numbers).size(), "duplicate numbers in " + numbers);
    }

    @Test
    void numbersRunFromOneWithoutGaps() {
        Set<Integer> numbers = Arrays.stream(Code.values()).map(Code::number).collect(Collectors.toSet());
        int max = numbers.stream().mapToInt(Integer::intValue).max().orElse(0);
        for (int n = 1; n <= max; n++) assertTrue(numbers.contains(n), "missing number " + n);
    }

    @Test
    void keysAreUniqueAndRoundTrip() {
        Set<String> keys = new HashSet<>();
        for (Code c : Code.values()) {
            assertTrue(keys.add(c.key()), "duplicate key " + c.key());
            assertSame(c, Code.byKey(c.key()));
        }
        assertEquals("relay-denied", Code.RELAY_DENIED.key());
        assertEquals("too-many-recipients", Code.TOO_MANY_RECIPIENTS.key());
        assertNull(Code.byKey("no-such-code"));
        assertNull(Code.byKey("RELAY_DENIED"));
    }

    record Seed(int number, Code code, String title, Code.Status status) {}

    /** XM-RJCT01..22 as the seed page names them; these never change. */
    static Stream<Seed> seeds() {
        return Stream.of(
                new Seed(1, Code.INVALID_USERNAME, "Invalid Username", Code.Status.ACTIVE),
                new Seed(2, Code.INVALID_VIRTUAL_RECIPIENT, "Invalid Virtual Mail Recipient", Code.Status.ACTIVE),
                new Seed(3, Code.OPEN_RELAY_LISTED, "IP Address is listed as an open relay", Code.Status.ACTIVE),
                new Seed(4, Code.SBL_LISTED, "IP address listed in SBL", Code.Status.ACTIVE),
                new Seed(5, Code.XBL_LISTED, "IP address listed in XBL", Code.Status.ACTIVE),
                new Seed(6, Code.RELAY_DENIED, "Unauthorized relay attempt", Code.Status.ACTIVE),
                new Seed(7, Code.RCPT_RBL_DEFUNCT, "User listed in rcpt-rbl", Code.Status.DEFUNCT),
                new Seed(8, Code.INVALID_FILTERED_RECIPIENT, "Invalid \"Spamcatcher\" recipient", Code.Status.ACTIVE),
                new Seed(9, Code.SPF_FAIL_RELAYED, "SPF Record Fail (relayed domain)", Code.Status.ACTIVE),
                new Seed(10, Code.VIRUS_FOUND, "Mail failed virus scan", Code.Status.ACTIVE),
                new Seed(11, Code.INTERNAL, "Internal", Code.Status.INTERNAL),
                new Seed(12, Code.PHISHING_ADDRESS, "Known Phishing Address", Code.Status.ACTIVE),
                new Seed(13, Code.FORGED_SENDER, "Forged sender address", Code.Status.ACTIVE),
                new Seed(14, Code.BOTNET_RBL_DEFUNCT, "Botnet RBL", Code.Status.DEFUNCT),
                new Seed(15, Code.OPS_BLOCKLIST, "IP address in local blocklist", Code.Status.ACTIVE),
                new Seed(16, Code.SPF_FAIL, "SPF Failure", Code.Status.ACTIVE),
                new Seed(17, Code.DKIM_FAIL, "DomainKey Failure", Code.Status.ACTIVE),
                new Seed(18, Code.SPAM_SCORE_DEFUNCT, "High SpamAssassin Score", Code.Status.DEFUNCT),
                new Seed(19, Code.PBL_LISTED, "IP address listed in PBL", Code.Status.ACTIVE),
                new Seed(20, Code.INVALID_HOSTED_RECIPIENT, "Invalid hosted recipient", Code.Status.ACTIVE),
                new Seed(21, Code.DOMAIN_NO_HOSTING, "Domain has no hosting", Code.Status.ACTIVE),
                new Seed(22, Code.OWN_RBL_LISTED, "IP listed in our RBL", Code.Status.ACTIVE));
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void seedIdsKeepTheirTitles(Seed s) {
        assertEquals(s.number(), s.code().number());
        assertEquals(s.title(), s.code().title());
        assertEquals(s.status(), s.code().status());
        assertEquals(String.format("XM-RJCT%02d", s.number()), ReplyCatalogue.defaults().id(s.code()));
    }

    @Test
    void onlySeedEntriesAreDefunctOrInternal() {
        List<Integer> defunct = Arrays.stream(Code.values()).filter(c -> c.status() == Code.Status.DEFUNCT)
                .map(Code::number).toList();
        List<Integer> internal = Arrays.stream(Code.values()).filter(c -> c.status() == Code.Status.INTERNAL)
                .map(Code::number).toList();
        assertEquals(List.of(7, 14, 18), defunct);
        assertEquals(List.of(11), internal);
    }

    @ParameterizedTest
    @EnumSource(Code.class)
    void smtpCodeAndEnhancedCodeAgree(Code c) {
        assertTrue(c.smtpCode() >= 400 && c.smtpCode() <= 599, c + " " + c.smtpCode());
        assertTrue(c.enhanced().matches("[45]\\.\\d{1,3}\\.\\d{1,3}"), c + " " + c.enhanced());
        assertEquals(c.smtpCode() / 100, c.enhanced().charAt(0) - '0', c + ": class of " + c.enhanced());
        assertTrue(!c.title().isBlank() && !c.template().isBlank(), c.name());
    }

    @Test
    void markdownHasOneRowPerCode() {
        String md = ReplyCatalogue.defaults().markdown();
        List<String> lines = md.lines().toList();
        assertEquals(2 + Code.values().length, lines.size());
        assertEquals("| Id | SMTP | Enhanced | Config key | Meaning | Reply text |", lines.get(0));
        assertEquals("|---|---|---|---|---|---|", lines.get(1));
        Code[] codes = Code.values();
        for (int i = 0; i < codes.length; i++) {
            assertTrue(lines.get(i + 2).startsWith("| " + String.format("XM-RJCT%02d", codes[i].number()) + " | "),
                    lines.get(i + 2));
        }
        assertTrue(md.endsWith("\n"));
    }

    @Test
    void markdownRows() {
        List<String> lines = ReplyCatalogue.defaults().markdown().lines().toList();
        assertEquals("| XM-RJCT06 | 550 | 5.7.1 | `relay-denied` | Unauthorized relay attempt | Unauthorized relay attempt |",
                lines.get(2 + 5));
        assertEquals("| XM-RJCT07 | 550 | 5.7.1 | `rcpt-rbl-defunct` | User listed in rcpt-rbl (defunct: reserved, never sent) | Defunct. |",
                lines.get(2 + 6));
        assertEquals("| XM-RJCT11 | 451 | 4.3.0 | `internal` | Internal (internal use) | Internal error, please try again later. |",
                lines.get(2 + 10));
    }

    @Test
    void markdownEscapesPipesAndUsesOverrides() {
        ReplyCatalogue c = new ReplyCatalogue("ACME", java.util.Map.of(Code.RELAY_DENIED, "a|b"));
        String row = c.markdown().lines().filter(l -> l.startsWith("| ACME06 ")).findFirst().orElseThrow();
        assertEquals("| ACME06 | 550 | 5.7.1 | `relay-denied` | Unauthorized relay attempt | a\\|b |", row);
    }
}
