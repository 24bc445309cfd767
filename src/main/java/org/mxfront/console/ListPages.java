// The block and safe lists page: the entries of the policy store's snapshot that the viewer may see
// and change (operators all, domain admins their domains and their addresses, users their own address),
// and the add and delete forms, with the API's validation (EntryValues) and the store's audit.
package org.mxfront.console;

import io.netty.handler.codec.http.FullHttpResponse;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mxfront.store.EntryValues;
import org.mxfront.store.ListEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** /lists. */
final class ListPages {
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleServer.class);
    private static final Logger AUDIT = LoggerFactory.getLogger("mxfront.audit");

    private ListPages() {}

    /** May the principal see and change entries of this scope and key? (domain admins: their domains and their addresses) */
    private static boolean mayEdit(Principal p, ListEntry.Scope scope, String key) {
        return switch (p.role()) {
            case OPERATOR -> true;
            case DOMAIN_ADMIN -> switch (scope) {
                case OPERATOR -> false;
                case DOMAIN -> p.seesDomain(key);
                case USER -> key.lastIndexOf('@') > 0 && p.seesDomain(key.substring(key.lastIndexOf('@') + 1));
            };
            case USER -> scope == ListEntry.Scope.USER && key.equalsIgnoreCase(p.address());
        };
    }

    /** The block and safe lists the principal may see (from the store's snapshot in memory), newest first. */
    static FullHttpResponse lists(ConsoleState st, Sessions.Session s, String error, String done) {
        Principal p = s.principal();
        Map<String, Object> m = new HashMap<>();
        m.put("enabled", st.store() != null);
        m.put("error", error);
        m.put("done", done);
        m.put("userOnly", p.role() == Role.USER);
        m.put("myAddress", p.address() == null ? "" : p.address());
        List<Map<String, Object>> rows = new ArrayList<>();
        if (st.store() != null) {
            Instant now = Instant.now();
            st.store().current().entries().values().stream()
                    .filter(e -> mayEdit(p, e.scope(), e.scopeKey()))
                    .sorted(Comparator.comparingLong(ListEntry::id).reversed())
                    .limit(1000)
                    .forEach(e -> {
                        Map<String, Object> row = new HashMap<>(e.fields());
                        row.put("expires", e.expiresAt() == null ? "never" : e.expiresAt().toString());
                        row.put("live", e.live(now));
                        row.put("comment", e.comment() == null ? "" : e.comment());
                        row.put("by", e.createdBy());
                        rows.add(row);
                    });
        }
        m.put("entries", rows);
        return st.out().page("lists", s, m);
    }

    /** Adds or deletes a list entry, with the API's validation (EntryValues) and the store's audit. */
    static FullHttpResponse listChange(ConsoleState st, Sessions.Session s, Form f) {
        Principal p = s.principal();
        if (st.store() == null) return lists(st, s, "The policy store is off (policy-store.enabled: false).", null);
        String action = Optional.ofNullable(f.value("action")).orElse("");
        try {
            if (action.equals("delete")) {
                long id = Long.parseLong(Optional.ofNullable(f.value("id")).orElse("-1"));
                ListEntry e = st.store().store().entry(id).orElse(null);
                if (e == null || !mayEdit(p, e.scope(), e.scopeKey())) return st.out().notFound(s);
                st.store().store().removeEntry(p.name(), id);
                AUDIT.info("console lists: user={} deleted entry {}", p.name(), id);
                return lists(st, s, null, "Deleted entry " + id + ".");
            }
            if (!action.equals("add")) return lists(st, s, "Unknown action.", null);
            var scope = ListEntry.Scope.of(Optional.ofNullable(f.value("scope")).orElse("user"));
            String key = EntryValues.scopeKey(scope, "key", p.role() == Role.USER ? p.address()
                    : Optional.ofNullable(f.value("key")).orElse(""));
            if (!mayEdit(p, scope, key)) return st.out().notFound(s);
            var kind = ListEntry.Kind.of(Optional.ofNullable(f.value("kind")).orElse("sender"));
            var act = ListEntry.Action.of(Optional.ofNullable(f.value("list")).orElse("safe"));
            String value = EntryValues.value(kind, "value", Optional.ofNullable(f.value("value")).orElse(""));
            String comment = Optional.ofNullable(f.value("comment")).orElse("").strip();
            comment = comment.isEmpty() ? null : EntryValues.text("comment", comment, 1000);
            String forText = Optional.ofNullable(f.value("for")).orElse("").strip();
            Instant expires = null;
            if (!forText.isEmpty()) {
                Matcher dm = Pattern.compile("(\\d{1,4})([hd])").matcher(forText);
                if (!dm.matches()) throw new IllegalArgumentException("for: expected hours or days such as 12h or 30d, or empty for never");
                long n = Long.parseLong(dm.group(1));
                expires = Instant.now().plus(dm.group(2).equals("h") ? Duration.ofHours(n) : Duration.ofDays(n));
            }
            ListEntry added = st.store().store().addEntry(p.name(), new ListEntry(0, scope, key,
                    act, kind, value, expires, comment, p.name(), Instant.now()));
            AUDIT.info("console lists: user={} added {} {} {}={} for {} {}", p.name(), act.key(), kind.key(), scope.key(), key,
                    value, added.id());
            return lists(st, s, null, "Added " + act.key() + " entry " + added.id() + " (in force within the store's poll interval).");
        } catch (IllegalArgumentException e) {
            return lists(st, s, e.getMessage(), null);
        } catch (SQLException e) {
            LOG.warn("console lists: the policy store does not answer: {}", e.getMessage());
            return lists(st, s, "The policy store does not answer: " + e.getMessage(), null);
        }
    }
}
