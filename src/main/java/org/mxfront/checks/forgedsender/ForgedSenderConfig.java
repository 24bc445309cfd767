// Settings of the forged-sender check: which of our local domains it protects.
package org.mxfront.checks.forgedsender;

import java.util.List;
import java.util.Locale;

/**
 * @param domains the local domains whose use by outside clients must be authenticated; empty: every local domain
 */
public record ForgedSenderConfig(List<String> domains) {
    public ForgedSenderConfig {
        domains = domains == null ? List.of() : domains.stream().map(d -> d.toLowerCase(Locale.ROOT)).toList();
    }
}
