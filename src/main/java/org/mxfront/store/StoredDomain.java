// A local domain as the policy store holds it: its check overrides as JSON text, the same shape as
// one entry of `domains:` in mxfront.yml ({"checks": {...}}), validated by the config loader's code.
package org.mxfront.store;

import java.time.Instant;

/**
 * @param name      the domain, lower-case
 * @param settings  its settings as JSON ({@code {}} when it only makes the domain local)
 * @param createdBy who added it
 * @param createdAt when
 */
public record StoredDomain(String name, String settings, String createdBy, Instant createdAt) {}
