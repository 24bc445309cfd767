// One block or safe entry of the policy store's lists, as stored and as the in-memory index holds it.
package org.mxfront.store;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A list entry.
 *
 * @param id        the store's id (0 before it is stored)
 * @param scope     operator (everyone), domain (every recipient in one of our domains) or user (one recipient)
 * @param scopeKey  "" for operator scope, the domain for domain scope, the recipient address for user scope (lower-case)
 * @param action    block or safe
 * @param kind      what {@code value} is: a client IP or network, a sender address, a sender domain
 * @param value     the normalised value: a CIDR block ({@code 192.0.2.0/24}, {@code 2001:db8::/32}), an address,
 *                  a domain; a sender domain written {@code .example.net} also matches its subdomains
 * @param expiresAt when the entry stops applying, or null for never
 * @param comment   free text, or null
 * @param createdBy who added it
 * @param createdAt when
 */
public record ListEntry(long id, Scope scope, String scopeKey, Action action, Kind kind, String value,
        Instant expiresAt, String comment, String createdBy, Instant createdAt) {

    public enum Scope {
        OPERATOR, DOMAIN, USER;

        public String key() { return name().toLowerCase(Locale.ROOT); }

        public static Scope of(String s) { return valueOf(s.toUpperCase(Locale.ROOT)); }
    }

    public enum Action {
        BLOCK, SAFE;

        public String key() { return name().toLowerCase(Locale.ROOT); }

        public static Action of(String s) { return valueOf(s.toUpperCase(Locale.ROOT)); }
    }

    public enum Kind {
        IP, SENDER, SENDER_DOMAIN;

        public String key() { return name().toLowerCase(Locale.ROOT).replace('_', '-'); }

        public static Kind of(String s) { return valueOf(s.toUpperCase(Locale.ROOT).replace('-', '_')); }
    }

    /**
     * The fields that name an entry, by the names the API and the console both show them under
     * (id, scope, key, action, kind, value), in that order.
     */
    public Map<String, Object> fields() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("scope", scope.key());
        m.put("key", scopeKey);
        m.put("action", action.key());
        m.put("kind", kind.key());
        m.put("value", value);
        return m;
    }

    /** Whether the entry still applies at {@code now}. */
    public boolean live(Instant now) {
        return expiresAt == null || now.isBefore(expiresAt);
    }

    /** How the entry is named in logs, explain output and replies: {@code domain example.com block sender spam@example.net (#12 by alice)}. */
    public String describe() {
        return scope.key() + (scopeKey.isEmpty() ? "" : " " + scopeKey) + " " + action.key() + " " + kind.key() + " "
                + value + " (#" + id + " by " + createdBy + ")";
    }
}
