// Schema upgrades of the embedded store (H2 file, as under state-directory): a database left at V1
// by an older mxfront is upgraded by this build with its data intact, and a host of this build keeps
// working on a schema one version ahead (test-only V1000). The same scenarios run on PostgreSQL in
// PolicyStoreUpgradeIT.
package org.mxfront.store;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyStoreMigrationTest {
    @TempDir Path dir;

    @Test
    void upgradesAV1DatabaseWithItsData() throws Exception {
        SchemaUpgrades.upgradeFromV1(PolicyStore.embeddedUrl(dir), null, dir);
    }

    @Test
    void aHostOfThisVersionKeepsWorkingOnTheNextSchema() throws Exception {
        Path state = dir.resolve("state");
        java.nio.file.Files.createDirectories(state);
        SchemaUpgrades.upgradeFromV1(PolicyStore.embeddedUrl(state), null, dir);
        SchemaUpgrades.olderHostOnNewerSchema(PolicyStore.embeddedUrl(state), null, dir);
    }

    @Test
    void aPoolOfOneStillMigrates() throws Exception {
        // pool-size: 1 is a valid setting; Flyway needs a second connection while it holds its lock
        try (PolicyStore s = new PolicyStore(PolicyStore.embeddedUrl(dir), null, null, java.time.Duration.ofSeconds(2), 1)) {
            s.migrate();
            org.junit.jupiter.api.Assertions.assertEquals(0, s.version());
        }
    }
}
