// Schema upgrades of the policy store on a real PostgreSQL 15, the same scenarios as on H2
// (org.mxfront.store.SchemaUpgrades): a database left at V1 by an older mxfront and filled through
// the store is upgraded by this build with its data intact; a host of this build keeps working after
// another host migrated the shared database one version further (test-only V1000). Two hosts
// migrating a fresh database at once is PolicyStorePostgresIT's first step (Flyway's lock).
package org.mxfront.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mxfront.store.SchemaUpgrades;

class PolicyStoreUpgradeIT {
    @TempDir Path dir;

    @Test
    void upgradesAV1DatabaseAndAnOlderHostKeepsWorkingOnTheNextSchema() throws Exception {
        assumeTrue(PostgresServer.available(), "needs PostgreSQL 15 (.ci/test installs postgresql)");
        try (PostgresServer pg = PostgresServer.start(dir)) {
            SchemaUpgrades.upgradeFromV1(pg.jdbcUrl(), "mx", dir);
            SchemaUpgrades.olderHostOnNewerSchema(pg.jdbcUrl(), "mx", dir);
        }
    }
}
