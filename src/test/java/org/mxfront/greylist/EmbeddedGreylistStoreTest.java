// The embedded store on a real MVStore file: records survive closing and reopening (a daemon
// restart), expired records are invisible at once and removed by purge, a second opener of the
// same file is refused (the daemon's lock), and list/delete work.
package org.mxfront.greylist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mxfront.greylist.GreylistStore.Kind;

class EmbeddedGreylistStoreTest {
    @TempDir
    Path tmp;

    static final long NOW = 1_700_000_000_000L;

    @Test
    void recordsSurviveAReopen() {
        Path f = tmp.resolve("sub/greylist.mv.db");
        GreylistEntry t = new GreylistEntry(NOW, NOW, 0, 0, NOW + 172_800_000L);
        try (EmbeddedGreylistStore s = new EmbeddedGreylistStore(f)) {
            s.put(Kind.TUPLE, "192.0.2.0/24|a@x.example|bob@example.com", t, NOW);
            s.put(Kind.CLIENT, "198.51.100.0/24", new GreylistEntry(NOW, NOW, 1, NOW, NOW + 1000), NOW);
        }
        try (EmbeddedGreylistStore s = new EmbeddedGreylistStore(f)) {
            GreylistStore.Lookup l = s.lookup("192.0.2.0/24", "192.0.2.0/24|a@x.example|bob@example.com", NOW + 1);
            assertEquals(t, l.tuple());
            assertNull(l.client());
            assertEquals(1, s.lookup("198.51.100.0/24", null, NOW).client().passes());
            assertEquals(2, s.size());
        }
    }

    @Test
    void expiredRecordsAreInvisibleAndPurged() {
        try (EmbeddedGreylistStore s = new EmbeddedGreylistStore(tmp.resolve("g.mv.db"))) {
            for (int i = 0; i < 100; i++) {
                s.put(Kind.TUPLE, "n|" + i, new GreylistEntry(NOW, NOW, 0, 0, NOW + (i < 60 ? 10 : 100_000)), NOW);
            }
            assertNull(s.lookup("c", "n|1", NOW + 10).tuple(), "expired at expiresAt");
            assertEquals(100, s.size(), "not removed by reading");
            assertEquals(60, s.purge(NOW + 10));
            assertEquals(40, s.size());
            assertEquals(40, s.list(Kind.TUPLE, "", 1000, NOW + 10).size());
            assertEquals(0, s.purge(NOW + 10));
        }
    }

    @Test
    void aWriteOfAnExpiredEntryRemovesIt() {
        try (EmbeddedGreylistStore s = new EmbeddedGreylistStore(tmp.resolve("g.mv.db"))) {
            s.put(Kind.CLIENT, "c", new GreylistEntry(NOW, NOW, 1, NOW, NOW + 10), NOW);
            s.put(Kind.CLIENT, "c", new GreylistEntry(NOW, NOW, 1, NOW, NOW), NOW);
            assertEquals(0, s.size());
        }
    }

    @Test
    void listAndDelete() {
        try (EmbeddedGreylistStore s = new EmbeddedGreylistStore(tmp.resolve("g.mv.db"))) {
            s.put(Kind.TUPLE, "192.0.2.0/24|a@x|b@y", new GreylistEntry(NOW, NOW, 0, 0, NOW + 1000), NOW);
            s.put(Kind.TUPLE, "192.0.3.0/24|a@x|b@y", new GreylistEntry(NOW, NOW, 0, 0, NOW + 1000), NOW);
            List<GreylistStore.Listed> l = s.list(Kind.TUPLE, "192.0.2.", 10, NOW);
            assertEquals(List.of("192.0.2.0/24|a@x|b@y"), l.stream().map(GreylistStore.Listed::key).toList());
            assertEquals(1, s.list(Kind.TUPLE, "", 1, NOW).size(), "limit");
            assertTrue(s.delete(Kind.TUPLE, "192.0.2.0/24|a@x|b@y"));
            assertFalse(s.delete(Kind.TUPLE, "192.0.2.0/24|a@x|b@y"));
            assertEquals(1, s.size());
        }
    }

    @Test
    void aSecondOpenerOfTheFileIsRefused() {
        Path f = tmp.resolve("g.mv.db");
        try (EmbeddedGreylistStore s = new EmbeddedGreylistStore(f)) {
            GreylistStoreException e = assertThrows(GreylistStoreException.class, () -> new EmbeddedGreylistStore(f));
            assertTrue(e.getMessage().contains("locked"), e.getMessage());
        }
    }

    @Test
    void entriesEncodeAndDecode() {
        GreylistEntry e = new GreylistEntry(1, 2, 3, 4, 5);
        assertEquals("1,2,3,4,5", e.encode());
        assertEquals(e, GreylistEntry.decode("1,2,3,4,5"));
        assertNull(GreylistEntry.decode("1,2,3"));
        assertNull(GreylistEntry.decode("a,b,c,d,e"));
        assertNull(GreylistEntry.decode(null));
    }
}
