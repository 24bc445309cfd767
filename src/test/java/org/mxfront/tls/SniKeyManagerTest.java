// The SNI table: exact names, one-label wildcards, and the first chain when nothing matches.
package org.mxfront.tls;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SniKeyManagerTest {
    @Test
    void namesAndWildcards() {
        List<String> names = List.of("mx.example.net", "*.mail.example.net");
        assertTrue(SniKeyManager.covers(names, "mx.example.net"));
        assertTrue(SniKeyManager.covers(names, "a.mail.example.net"));
        assertFalse(SniKeyManager.covers(names, "a.b.mail.example.net"), "a wildcard covers one label");
        assertFalse(SniKeyManager.covers(names, "mail.example.net"));
        assertFalse(SniKeyManager.covers(names, "other.example.net"));
    }
}
