// The domains pages: the list of domains the viewer sees (operators: with the forms that add and remove
// a stored domain) and one domain's page (the checks in force, the refusals held in memory, a stored
// domain's settings, editable). Changes go through the API's validation (EntryValues.domain,
// StoreDomains.validate) and the policy store's audit, and are refused (the console's 404) outside
// the viewer's role or domains.
package org.mxfront.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.netty.handler.codec.http.FullHttpResponse;
import java.io.IOException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.mxfront.config.ConfigException;
import org.mxfront.config.StoreDomains;
import org.mxfront.policy.ConfiguredCheck;
import org.mxfront.policy.Policy;
import org.mxfront.store.EntryValues;
import org.mxfront.store.StoredDomain;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** /domains and /domains/NAME. */
final class DomainPages {
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleServer.class);
    private static final Logger AUDIT = LoggerFactory.getLogger("mxfront.audit");

    private DomainPages() {}

    static FullHttpResponse domains(ConsoleState st, Sessions.Session s) {
        return domains(st, s, Map.of());
    }

    /** The domains the viewer sees; operators also get the add and remove forms for stored domains. */
    private static FullHttpResponse domains(ConsoleState st, Sessions.Session s, Map<String, Object> extra) {
        Principal p = s.principal();
        if (p.role() == Role.USER) return st.out().notFound(s);
        TreeSet<String> all = new TreeSet<>(st.backend().config().engine().domainPolicies().keySet());
        if (st.store() != null) all.addAll(st.store().current().domains().keySet());
        List<Map<String, Object>> rows = new ArrayList<>();
        for (String d : all) {
            if (!p.seesDomain(d)) continue;
            rows.add(Map.of("name", d, "stored", st.store() != null && st.store().current().domain(d) != null));
        }
        Map<String, Object> m = new HashMap<>(extra);
        m.put("domains", rows);
        m.put("canEditStore", p.operator() && st.store() != null
                && st.backend().config().engine().directory() instanceof StoreDomains);
        return st.out().page("domains", s, m);
    }

    /**
     * Adds or removes a stored domain (operators only; others get the 404 the rest of the console
     * gives), with the API's validation (EntryValues.domain, StoreDomains.validate) and the store's audit.
     */
    static FullHttpResponse domainsChange(ConsoleState st, Sessions.Session s, Form f) {
        Principal p = s.principal();
        if (!p.operator() || st.store() == null
                || !(st.backend().config().engine().directory() instanceof StoreDomains sd)) return st.out().notFound(s);
        String action = Optional.ofNullable(f.value("action")).orElse("");
        String rawName = Optional.ofNullable(f.value("name")).orElse("").strip();
        String text = Optional.ofNullable(f.value("settings")).orElse("").strip();
        Map<String, Object> keep = new HashMap<>();
        keep.put("newName", rawName);
        keep.put("newSettings", text);
        String name;
        try {
            name = EntryValues.domain("name", rawName);
        } catch (IllegalArgumentException e) {
            keep.put("nameError", e.getMessage());
            return domains(st, s, keep);
        }
        try {
            if (action.equals("remove")) {
                if (!st.store().store().removeDomain(p.name(), name)) {
                    keep.put("nameError", "name: no such stored domain");
                    return domains(st, s, keep);
                }
                AUDIT.info("console domains: user={} removed {}", p.name(), name);
                st.store().refresh();
                return domains(st, s, Map.of("done", "Removed " + name + "."));
            }
            if (!action.equals("add")) return domains(st, s, Map.of("error", "Unknown action."));
            if (st.store().store().domain(name).isPresent()) {
                keep.put("nameError", "name: domain exists");
                return domains(st, s, keep);
            }
            String json;
            try {
                JsonNode node = st.out().mapper().readTree(text.isEmpty() ? "{}" : text);
                if (node == null || !node.isObject()) throw new IllegalArgumentException("settings: must be a JSON object");
                json = node.toString();
            } catch (JsonProcessingException e) {
                keep.put("settingsError", "settings: not JSON: " + e.getOriginalMessage());
                return domains(st, s, keep);
            } catch (IllegalArgumentException e) {
                keep.put("settingsError", e.getMessage());
                return domains(st, s, keep);
            }
            try {
                sd.validate(name, json);
            } catch (ConfigException e) {
                String key = e.key() == null ? "" : e.key().replaceFirst("^domains\\." + Pattern.quote(name) + "\\.?", "");
                keep.put("settingsError", "settings" + (key.isEmpty() ? "" : "." + key) + ": " + e.problem());
                return domains(st, s, keep);
            }
            st.store().store().putDomain(p.name(), name, json);
            AUDIT.info("console domains: user={} added {} with {}", p.name(), name, json);
            st.store().refresh();
            return domains(st, s, Map.of("done", "Added " + name + "."));
        } catch (SQLException e) {
            LOG.warn("console domains: the policy store does not answer: {}", e.getMessage());
            return domains(st, s, Map.of("error", "The policy store does not answer: " + e.getMessage()));
        } catch (Exception e) {
            // refresh failed: the change is stored; the poller brings it in
            return domains(st, s, Map.of("done", "Saved (in force within the store's poll interval)."));
        }
    }

    static FullHttpResponse domain(ConsoleState st, Sessions.Session s, String name) {
        return domain(st, s, name, null, null, null);
    }

    /** A domain's page: the checks in force; a stored domain's settings, editable (the API's validation). */
    private static FullHttpResponse domain(ConsoleState st, Sessions.Session s, String name, String settingsText, String error, String done) {
        Principal p = s.principal();
        String d = name.toLowerCase(Locale.ROOT);
        if (!p.seesDomain(d)) return st.out().notFound(s);
        StoredDomain stored = st.store() == null ? null : st.store().current().domain(d);
        Policy policy = stored != null ? st.backend().config().engine().directory().policy(d)
                : st.backend().config().engine().domainPolicies().get(d);
        if (policy == null && stored == null) return st.out().notFound(s);
        List<Map<String, Object>> checks = new ArrayList<>();
        if (policy != null) {
            for (ConfiguredCheck c : policy.checks()) checks.add(Map.of("name", c.name(), "mode", c.mode().name().toLowerCase(Locale.ROOT)));
        }
        long refused = st.feed().recent(e -> e.recipientDomains().contains(d) && e.outcome().equals("refused")).size();
        Map<String, Object> m = new HashMap<>();
        m.put("domain", d);
        m.put("checks", checks);
        m.put("refused", refused);
        m.put("stored", stored != null);
        m.put("settings", settingsText != null ? settingsText : stored != null ? stored.settings() : "");
        m.put("error", error);
        m.put("done", done);
        return st.out().page("domain", s, m);
    }

    /** Saves a stored domain's settings after the config loader's validation (as the API does); errors name the key. */
    static FullHttpResponse domainChange(ConsoleState st, Sessions.Session s, String name, Form f) {
        Principal p = s.principal();
        String d = name.toLowerCase(Locale.ROOT);
        if (st.store() == null || !p.seesDomain(d) || st.store().current().domain(d) == null) return st.out().notFound(s);
        String text = Optional.ofNullable(f.value("settings")).orElse("").strip();
        if (text.isEmpty()) text = "{}";
        String json;
        try {
            JsonNode node = st.out().mapper().readTree(text);
            if (node == null || !node.isObject()) return domain(st, s, d, text, "settings: must be a JSON object", null);
            json = node.toString();
        } catch (IOException e) {
            return domain(st, s, d, text, "settings: not JSON: " + (e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()), null);
        }
        if (!(st.backend().config().engine().directory() instanceof StoreDomains sd)) return st.out().notFound(s);
        try {
            sd.validate(d, json);
        } catch (ConfigException e) {
            String key = e.key() == null ? "" : e.key().replaceFirst("^domains\\." + Pattern.quote(d) + "\\.?", "");
            return domain(st, s, d, text, "settings" + (key.isEmpty() ? "" : "." + key) + ": " + e.problem(), null);
        }
        try {
            st.store().store().putDomain(p.name(), d, json);
        } catch (SQLException e) {
            return domain(st, s, d, text, "The policy store does not answer: " + e.getMessage(), null);
        }
        AUDIT.info("console domains: user={} set {} to {}", p.name(), d, json);
        return domain(st, s, d, text, null, "Saved (in force within the store's poll interval).");
    }
}
