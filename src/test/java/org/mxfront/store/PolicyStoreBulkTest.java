// The bulk writes (`mxfront policy import`, the benchmarks): many domains or list entries in one
// change, every row stamped with the actor, the time and that change's version, and one audit record
// for them all. Run on the embedded database.
package org.mxfront.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyStoreBulkTest {
    @TempDir
    Path dir;

    @Test
    void domainsAndEntriesInOneChangeEachWithOneAuditRecord() throws Exception {
        try (PolicyStore s = new PolicyStore(PolicyStore.embeddedUrl(dir), "sa", null, Duration.ofSeconds(2), 2)) {
            s.migrate();
            long before = s.version();
            assertEquals(2, s.addDomains("importer", List.of("a.example", "b.example")));
            Instant expires = Instant.parse("2030-01-01T00:00:00Z");
            assertEquals(2, s.addEntries("importer", List.of(
                    new ListEntry(0, ListEntry.Scope.DOMAIN, "a.example", ListEntry.Action.BLOCK, ListEntry.Kind.SENDER,
                            "spam@bad.example", expires, "from a file", null, null),
                    new ListEntry(0, ListEntry.Scope.OPERATOR, "", ListEntry.Action.SAFE, ListEntry.Kind.IP, "192.0.2.0/24",
                            null, null, null, null))));
            assertEquals(before + 2, s.version(), "one version per bulk change");

            PolicyStore.Delta d = s.changesSince(before);
            assertEquals(List.of("a.example", "b.example"), d.domains().stream().map(StoredDomain::name).sorted().toList());
            assertEquals("{}", d.domains().get(0).settings());
            assertEquals("importer", d.domains().get(0).createdBy());
            List<ListEntry> entries = d.entries().stream().sorted(Comparator.comparing(ListEntry::value)).toList();
            assertEquals(2, entries.size(), entries.toString());
            ListEntry ip = entries.get(0);
            ListEntry sender = entries.get(1);
            assertEquals("operator safe ip 192.0.2.0/24 (#" + ip.id() + " by importer)", ip.describe());
            assertNull(ip.expiresAt());
            assertEquals("domain a.example block sender spam@bad.example (#" + sender.id() + " by importer)", sender.describe());
            assertEquals(expires, sender.expiresAt());
            assertEquals("from a file", sender.comment());

            List<String> audit = s.audit(0, 10).stream().map(a -> a.actor() + " " + a.action() + " " + a.object()).toList();
            assertEquals(List.of("importer domain.bulk-create 2 domains", "importer entry.bulk-create 2 entries"),
                    audit.stream().filter(a -> a.contains("bulk")).sorted().toList(), audit.toString());
        }
    }
}
