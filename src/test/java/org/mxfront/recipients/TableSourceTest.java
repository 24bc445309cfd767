// Covers TableSource: addresses and catch-alls, case, the recipient delimiter, a bad line named by
// file and line, and a change of the file picked up (a bad change keeps the last good table).
package org.mxfront.recipients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TableSourceTest {
    @TempDir
    Path dir;

    private TableSource table(String text, String delimiter) throws Exception {
        Path f = dir.resolve("t.txt");
        Files.writeString(f, text);
        return new TableSource(f, delimiter, Duration.ZERO, Clock.systemUTC());
    }

    @Test
    void addressesCaseAndCatchAll() throws Exception {
        TableSource t = table("Bob@Example.com  OK   # a comment\n\n# only a comment\n@catch.example\n", "+");
        assertInstanceOf(Lookup.Found.class, t.lookup("BOB", "example.com"));
        assertInstanceOf(Lookup.Found.class, t.lookup("bob+news", "example.com"));
        assertInstanceOf(Lookup.NotFound.class, t.lookup("bob-news", "example.com"));
        assertInstanceOf(Lookup.NotFound.class, t.lookup("alice", "example.com"));
        assertInstanceOf(Lookup.Found.class, t.lookup("anyone", "catch.example"));
        assertInstanceOf(Lookup.NotFound.class, t.lookup("anyone", "sub.catch.example"));
        assertEquals(2, t.size());
    }

    @Test
    void aSecondColumnGivesTheAccountState() throws Exception {
        TableSource t = table("bob@example.com suspended\nfred@example.com over-quota\nmaud@example.com maintenance\n"
                + "ann@example.com OK\ncarl@example.com active\n", "+");
        assertEquals(AccountState.SUSPENDED, assertInstanceOf(Lookup.Found.class, t.lookup("bob", "example.com")).state());
        assertEquals(AccountState.SUSPENDED, assertInstanceOf(Lookup.Found.class, t.lookup("bob+x", "example.com")).state());
        assertEquals(AccountState.OVER_QUOTA, assertInstanceOf(Lookup.Found.class, t.lookup("fred", "example.com")).state());
        assertEquals(AccountState.MAINTENANCE, assertInstanceOf(Lookup.Found.class, t.lookup("maud", "example.com")).state());
        assertEquals(AccountState.ACTIVE, assertInstanceOf(Lookup.Found.class, t.lookup("ann", "example.com")).state());
        assertEquals(AccountState.ACTIVE, assertInstanceOf(Lookup.Found.class, t.lookup("carl", "example.com")).state());
    }

    @Test
    void withoutADelimiterExtensionsAreAddressesOfTheirOwn() throws Exception {
        TableSource t = table("bob@example.com\n", "");
        assertInstanceOf(Lookup.NotFound.class, t.lookup("bob+news", "example.com"));
    }

    @Test
    void aBadLineIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> table("bob@example.com\njust-a-name\n", "+"));
        assertEquals(dir.resolve("t.txt") + ":2: 'just-a-name' is neither user@domain nor @domain", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new TableSource(dir.resolve("missing"), "+", Duration.ZERO,
                Clock.systemUTC()));
    }

    @Test
    void changesArePickedUpAndABadChangeKeepsTheLastGoodTable() throws Exception {
        TableSource t = table("bob@example.com\n", "+");
        Path f = dir.resolve("t.txt");
        Files.writeString(f, "bob@example.com\ncarol@example.com\n");
        Files.setLastModifiedTime(f, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5000));
        assertInstanceOf(Lookup.Found.class, t.lookup("carol", "example.com"));
        Files.writeString(f, "broken line\n");
        assertInstanceOf(Lookup.Found.class, t.lookup("carol", "example.com"));
        Files.delete(f);
        assertInstanceOf(Lookup.Found.class, t.lookup("carol", "example.com"));
    }

    @Test
    void theFileIsLookedAtAtMostOncePerInterval() throws Exception {
        Path f = dir.resolve("t.txt");
        Files.writeString(f, "bob@example.com\n");
        Clock fixed = Clock.fixed(Instant.EPOCH, ZoneOffset.UTC);
        TableSource t = new TableSource(f, "+", Duration.ofSeconds(1), fixed);
        Files.writeString(f, "carol@example.com\nbob@example.com\n");
        assertInstanceOf(Lookup.NotFound.class, t.lookup("carol", "example.com"));
    }
}
