// The schema-upgrade scenarios of the policy store, run on H2 (PolicyStoreMigrationTest) and on a
// real PostgreSQL 15 (PolicyStoreUpgradeIT) with the same code: a database left at V1 by an older
// mxfront, filled through the store, opened by the current code (data intact, schema at the newest
// version this build ships); and a schema one version ahead of this build (a test-only migration
// under db/policystore-next stands in for N+1) that hosts still running this build must keep using.
package org.mxfront.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationVersion;

/** Upgrade scenarios shared by the H2 unit test and the PostgreSQL IT. */
public final class SchemaUpgrades {
    /** What the shipped code migrates: the same location and history table as {@link PolicyStore#migrate()}. */
    static final String LOCATION = "classpath:db/policystore";
    static final String TABLE = "policy_schema_history";
    /** The test-only stand-in for the next schema version. */
    static final String NEXT_LOCATION = "classpath:db/policystore-next";

    private SchemaUpgrades() {}

    static Flyway flyway(DataSource ds, String target, String... locations) {
        return Flyway.configure().dataSource(ds).locations(locations).table(TABLE).target(target).load();
    }

    /** The newest version this build ships (the highest V file under db/policystore). */
    public static MigrationVersion shippedLatest(DataSource ds) {
        return Arrays.stream(flyway(ds, "latest", LOCATION).info().all()).map(MigrationInfo::getVersion)
                .max(MigrationVersion::compareTo).orElseThrow();
    }

    /** The version recorded as applied in the database's history. */
    public static MigrationVersion applied(DataSource ds) {
        MigrationInfo current = flyway(ds, "latest", LOCATION).info().current();
        return current == null ? MigrationVersion.EMPTY : current.getVersion();
    }

    static ListEntry userBlock(String recipient, String sender) {
        return new ListEntry(0, ListEntry.Scope.USER, recipient, ListEntry.Action.BLOCK, ListEntry.Kind.SENDER,
                EntryValues.address("value", sender), null, "from the old version", null, null);
    }

    static ListEntry domainSafeIp(String domain, String cidr) {
        return new ListEntry(0, ListEntry.Scope.DOMAIN, domain, ListEntry.Action.SAFE, ListEntry.Kind.IP, cidr,
                Instant.parse("2099-01-01T00:00:00Z"), null, null, null);
    }

    static ListEntry decide(PolicySnapshot s, String client, String sender, String rcpt) throws Exception {
        return s.decide(InetAddress.getByName(client), sender, rcpt, rcpt.substring(rcpt.indexOf('@') + 1), Instant.now());
    }

    /**
     * N -> current: Flyway stops the fresh database at V1 (an older mxfront), the store fills it, then
     * a daemon of this build starts on it: the schema is at the newest shipped version, nothing is lost,
     * and the store keeps changing it.
     *
     * @return the store version (change sequence) the upgraded daemon holds
     */
    public static long upgradeFromV1(String jdbcUrl, String user, Path dir) throws Exception {
        long filledVersion;
        long removedId;
        try (PolicyStore old = new PolicyStore(jdbcUrl, user, null, Duration.ofSeconds(2), 2)) {
            flyway(old.dataSource(), "1", LOCATION).migrate();
            assertEquals(MigrationVersion.fromVersion("1"), applied(old.dataSource()));
            old.putDomain("alice", "hosted.example", "{\"checks\":{\"greylisting\":{\"enabled\":false}}}");
            old.putDomain("alice", "gone.example", "{}");
            old.addEntry("alice", userBlock("bob@hosted.example", "spam@example.net"));
            old.addEntry("alice", domainSafeIp("hosted.example", "192.0.2.0/24"));
            removedId = old.addEntry("alice", userBlock("carol@hosted.example", "x@example.org")).id();
            assertTrue(old.removeEntry("alice", removedId));
            assertTrue(old.removeDomain("alice", "gone.example"));
            old.putUser("alice", new PolicyStore.User("dana", "domain-admin", List.of("hosted.example"), null, null));
            old.addToken("alice", new PolicyStore.Token("tok1", "dana", "argon2-hash", Instant.parse("2026-01-01T00:00:00Z"),
                    Instant.parse("2099-01-01T00:00:00Z")));
            filledVersion = old.version();
        }
        try (PolicyStoreService now = new PolicyStoreService(new PolicyStore(jdbcUrl, user, null, Duration.ofSeconds(2), 2),
                new SnapshotFile(dir.resolve("upgraded.snapshot.json.gz")), Duration.ofSeconds(60), new SimpleMeterRegistry())) {
            now.start();
            assertTrue(now.up(), "the upgraded daemon reads the old database");
            DataSource ds = now.store().dataSource();
            assertEquals(shippedLatest(ds), applied(ds), "schema at the newest shipped version");
            assertEquals(0, flyway(ds, "latest", LOCATION).info().pending().length);
            PolicySnapshot s = now.current();
            assertEquals(filledVersion, s.version());
            assertEquals(List.of("hosted.example"), List.copyOf(s.domains().keySet()));
            assertEquals("{\"checks\":{\"greylisting\":{\"enabled\":false}}}", s.domain("hosted.example").settings());
            assertEquals(2, s.entries().size());
            assertNull(s.entries().get(removedId));
            ListEntry blocked = decide(s, "198.51.100.7", "spam@example.net", "bob@hosted.example");
            assertNotNull(blocked);
            assertEquals(ListEntry.Action.BLOCK, blocked.action());
            assertEquals("alice", blocked.createdBy());
            assertEquals("from the old version", blocked.comment());
            ListEntry safe = decide(s, "192.0.2.9", "any@example.net", "eve@hosted.example");
            assertNotNull(safe);
            assertEquals(Instant.parse("2099-01-01T00:00:00Z"), safe.expiresAt());
            assertEquals("domain-admin", now.store().user("dana").orElseThrow().role());
            assertEquals("argon2-hash", now.store().token("tok1").orElseThrow().hash());
            assertTrue(now.store().audit(0, 100).size() >= 9, "the audit trail survives");
            // and it goes on changing: the change sequence continues from where V1 left it
            now.store().addEntry("alice", userBlock("frank@hosted.example", "y@example.org"));
            now.refresh();
            assertEquals(filledVersion + 1, now.current().version());
            assertNotNull(decide(now.current(), "198.51.100.7", "y@example.org", "frank@hosted.example"));
            return now.current().version();
        }
    }

    /**
     * A schema one version ahead of this build (test-only V1000): another host, already upgraded, has
     * migrated the shared database. A host still on this build starts on it (Flyway ignores the future
     * migration instead of failing validation, which would leave the host in an outage forever), reads
     * every row, and still writes (the new column has a default).
     */
    public static void olderHostOnNewerSchema(String jdbcUrl, String user, Path dir) throws Exception {
        try (PolicyStore newer = new PolicyStore(jdbcUrl, user, null, Duration.ofSeconds(2), 2)) {
            flyway(newer.dataSource(), "latest", LOCATION, NEXT_LOCATION).migrate();
            assertEquals(MigrationVersion.fromVersion("1000"),
                    flyway(newer.dataSource(), "latest", LOCATION, NEXT_LOCATION).info().current().getVersion());
            try (Connection c = newer.dataSource().getConnection(); Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT note FROM test_next_marker WHERE id = 1")) {
                assertTrue(rs.next(), "the N+1 migration ran");
            }
        }
        try (PolicyStoreService older = new PolicyStoreService(new PolicyStore(jdbcUrl, user, null, Duration.ofSeconds(2), 2),
                new SnapshotFile(dir.resolve("older.snapshot.json.gz")), Duration.ofSeconds(60), new SimpleMeterRegistry())) {
            older.start();
            assertTrue(older.up(), "a host of the previous version keeps using the upgraded schema");
            long before = older.current().version();
            int entries = older.current().entries().size();
            assertTrue(entries >= 1, "rows written before the upgrade are read");
            older.store().addEntry("bob", userBlock("gina@hosted.example", "z@example.org"));
            older.refresh();
            assertEquals(before + 1, older.current().version());
            assertEquals(entries + 1, older.current().entries().size());
            assertNotNull(decide(older.current(), "198.51.100.7", "z@example.org", "gina@hosted.example"));
            try (Connection c = older.store().dataSource().getConnection(); Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM list_entry WHERE hit_count = 0")) {
                rs.next();
                assertEquals(entries + 1, rs.getLong(1), "the new column's default filled the row written by the older host");
            }
        }
    }
}
