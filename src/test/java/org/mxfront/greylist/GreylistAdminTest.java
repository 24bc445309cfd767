// The admin operations behind `mxfront greylist`: client keys from addresses, networks and
// domains; list output; allow (a manual entry); delete of a tuple, a client, a client's tuples;
// and the command line against an embedded store file with no daemon running.
package org.mxfront.greylist;

import org.mxfront.Cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mxfront.greylist.GreylistStore.Kind;

class GreylistAdminTest {
    static final long NOW = 1_767_225_600_000L; // 2026-01-01T00:00:00Z

    @TempDir
    Path tmp;

    @Test
    void clientKeys() {
        assertEquals("192.0.2.0/24", GreylistAdmin.clientKey("192.0.2.7", 24, 64));
        assertEquals("192.0.2.7/32", GreylistAdmin.clientKey("192.0.2.7", 32, 64));
        assertEquals("198.51.0.0/16", GreylistAdmin.clientKey("198.51.100.0/16", 24, 64));
        assertEquals("2001:db8:1:2::/64", GreylistAdmin.clientKey("2001:db8:1:2::99", 24, 64));
        assertEquals("192.0.2.0/24", GreylistAdmin.clientKey("::ffff:192.0.2.7", 24, 64));
        assertEquals("outlook.com", GreylistAdmin.clientKey("Outlook.COM", 24, 64));
        assertThrows(IllegalArgumentException.class, () -> GreylistAdmin.clientKey("not a client", 24, 64));
    }

    @Test
    void allowListAndDelete() {
        MemoryGreylistStore s = new MemoryGreylistStore();
        assertEquals("allowed 192.0.2.0/24 until 2026-01-08T00:00:00Z\n",
                GreylistAdmin.allow(s, "192.0.2.7", Duration.ofDays(7), 24, 64, NOW));
        assertTrue(s.raw(Kind.CLIENT, "192.0.2.0/24").manual());
        s.put(Kind.TUPLE, "192.0.2.0/24|a@x|b@y", new GreylistEntry(NOW, NOW, 0, 0, NOW + 1000), NOW);
        s.put(Kind.TUPLE, "192.0.2.0/24|c@x|b@y", new GreylistEntry(NOW, NOW, 1, 0, NOW + 1000), NOW);
        s.put(Kind.TUPLE, "198.51.100.0/24|a@x|b@y", new GreylistEntry(NOW, NOW, 0, 0, NOW + 1000), NOW);
        assertEquals("""
                kind\tkey\tfirst-seen\tlast-seen\tpasses\texpires
                client\t192.0.2.0/24\t2026-01-01T00:00:00Z\t2026-01-01T00:00:00Z\tmanual\t2026-01-08T00:00:00Z
                tuple\t192.0.2.0/24|a@x|b@y\t2026-01-01T00:00:00Z\t2026-01-01T00:00:00Z\t0\t2026-01-01T00:00:01Z
                tuple\t192.0.2.0/24|c@x|b@y\t2026-01-01T00:00:00Z\t2026-01-01T00:00:00Z\t1\t2026-01-01T00:00:01Z
                3 entries (memory)
                """, GreylistAdmin.run(s, Map.of("action", List.of("list"), "match", List.of("192.0.2.")), 24, 64, NOW));
        assertEquals("deleted tuple 192.0.2.0/24|a@x|b@y\n", GreylistAdmin.delete(s, "192.0.2.0/24|a@x|b@y", false, 24, 64, NOW));
        assertEquals("no tuple 192.0.2.0/24|a@x|b@y", assertThrows(java.util.NoSuchElementException.class,
                () -> GreylistAdmin.delete(s, "192.0.2.0/24|a@x|b@y", false, 24, 64, NOW)).getMessage());
        assertEquals("deleted client 192.0.2.0/24\ndeleted 1 tuples of 192.0.2.0/24\n",
                GreylistAdmin.delete(s, "192.0.2.1", true, 24, 64, NOW));
        assertEquals(1, s.size(), "the other network's tuple stays");
        assertThrows(IllegalArgumentException.class, () -> GreylistAdmin.run(s, Map.of("action", List.of("drop")), 24, 64, NOW));
        assertThrows(IllegalArgumentException.class, () -> GreylistAdmin.run(s, Map.of("action", List.of("allow")), 24, 64, NOW));
    }


    static Cli.Run cli(String... args) {
        return Cli.run(args);
    }

    @Test
    void commandLineOnTheEmbeddedStore() throws Exception {
        Path cfg = tmp.resolve("mxfront.yml");
        Files.writeString(cfg, "server: {hostname: mx.test}\nstate-directory: " + tmp.resolve("state")
                + "\nmetrics: {listen: ''}\nchecks:\n  greylist: {}\n");
        Cli.Run allow = cli("greylist", "allow", "2001:db8::7", "--for", "2d", "-c", cfg.toString());
        assertEquals(0, allow.exit(), allow.err());
        assertTrue(allow.out().startsWith("allowed 2001:db8::/64 until "), allow.out());
        Cli.Run list = cli("greylist", "list", "--clients", "-c", cfg.toString());
        assertTrue(list.out().contains("client\t2001:db8::/64\t"), list.out());
        assertTrue(list.out().endsWith("1 entries (embedded " + tmp.resolve("state/greylist.mv.db").toAbsolutePath() + ")\n"), list.out());
        assertEquals("deleted client 2001:db8::/64\n", cli("greylist", "delete", "2001:db8::1", "-c", cfg.toString()).out());
        Cli.Run again = cli("greylist", "delete", "2001:db8::1", "-c", cfg.toString());
        assertEquals(1, again.exit(), "deleting an entry that is not there fails");
        assertTrue(again.err().contains("\nmxfront greylist: no client 2001:db8::/64\n"), again.err());
        Cli.Run tuple = cli("greylist", "delete", "2001:db8::/64|a@x|b@y", "-c", cfg.toString());
        assertEquals(1, tuple.exit());
        assertTrue(tuple.err().contains("\nmxfront greylist: no tuple 2001:db8::/64|a@x|b@y\n"), tuple.err());
        Cli.Run bad = cli("greylist", "allow", "not a client", "-c", cfg.toString());
        assertEquals(2, bad.exit());
        assertTrue(bad.err().contains("not an address, network or domain"), bad.err());
    }

    @Test
    void commandLineWithGreylistingOff() {
        Cli.Run r = cli("greylist", "list");
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("greylisting is not enabled in <embedded defaults>"), r.err());
    }
}
