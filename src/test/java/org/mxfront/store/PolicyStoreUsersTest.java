// Changing a user (its role, domains or address) must keep its API tokens and leave an audit record
// with the user before and after: the store once deleted and re-inserted the row, and the tokens went
// with it (ON DELETE CASCADE).
package org.mxfront.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyStoreUsersTest {
    @TempDir
    Path dir;

    @Test
    void changingAUserKeepsItsTokensAndAuditsBeforeAndAfter() throws Exception {
        try (PolicyStore s = new PolicyStore(PolicyStore.embeddedUrl(dir), "sa", null, Duration.ofSeconds(2), 2)) {
            s.migrate();
            s.putUser("op", new PolicyStore.User("dana", "domain-admin", List.of("a.example"), null, null));
            s.addToken("op", new PolicyStore.Token("tok1", "dana", "hash", Instant.parse("2026-01-01T00:00:00Z"), null));
            s.putUser("op", new PolicyStore.User("dana", "domain-admin", List.of("a.example", "b.example"), null, null));

            assertEquals(List.of("a.example", "b.example"), s.user("dana").orElseThrow().domains());
            assertTrue(s.token("tok1").isPresent(), "the token survives the change of its user");
            List<PolicyStore.AuditRecord> audit = s.audit(0, 10).stream().filter(a -> a.action().equals("user.put")).toList();
            assertEquals(2, audit.size(), audit.toString());
            PolicyStore.AuditRecord created = audit.stream().filter(a -> a.before() == null).findFirst().orElseThrow();
            PolicyStore.AuditRecord changed = audit.stream().filter(a -> a.before() != null).findFirst().orElseThrow();
            assertEquals("domain-admin a.example", created.after());
            assertEquals("domain-admin a.example", changed.before());
            assertEquals("domain-admin a.example,b.example", changed.after());
            assertNull(created.before());
        }
    }
}
