// The policy store's JSON API, transport-free: a request (method, path, query, Authorization header,
// body) in, a status and a JSON body out. The admin HTTP listener serves it under /api/v1/; the
// console (a later issue) reuses the same handlers with a session instead of a token (resolve a
// Principal, then call handle(principal, request)). Routes are a table (ROUTES) that the OpenAPI
// document (openapi/policy-api.json) is tested against.
//
// Rules: no token, a bad or expired one: 401. A role that may never do something: 403. Another
// tenant's domain, address or entry: 404, as for one that does not exist (never confirm it exists).
// Bad input: 400 with {"error": "...", "field": "..."}, and nothing is stored. Every change is
// audited by the store (who, when, what, before and after) and applied on this host at once.
// POST /spam/learn?as=spam|ham teaches the spam check's classifier the raw message in the body
// (checks/spam/SpamLearner, as `mxfront spam learn` and the console do): operators only, since one
// Bayes filter serves every tenant; its size limit is the spam check's max-bytes, not MAX_BODY.
package org.mxfront.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mxfront.checks.spam.SpamLearner;
import org.mxfront.config.ConfigException;
import org.mxfront.config.StoreDomains;
import org.mxfront.policy.PolicyEngine;
import org.mxfront.store.EntryValues;
import org.mxfront.store.ListEntry;
import org.mxfront.store.PolicySnapshot;
import org.mxfront.store.PolicyStore;
import org.mxfront.store.PolicyStoreService;
import org.mxfront.store.StoredDomain;
import org.mxfront.store.Tokens;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The policy API. Thread-safe. */
public final class PolicyApi {
    private static final Logger LOG = LoggerFactory.getLogger(PolicyApi.class);
    /** The largest request body accepted, in bytes. */
    public static final int MAX_BODY = 1024 * 1024;
    public static final String PREFIX = "/api/v1";
    private static final int MAX_LIMIT = 1000;

    /** A request as the transport gives it. */
    public record Request(String method, String path, Map<String, List<String>> query, String authorization, byte[] body) {}

    /** A response: status and JSON text. */
    public record Response(int status, String json) {}

    /** One route: method, path template ({name} for a segment), the handler. */
    public record Route(String method, String template, Handler handler) {
        Pattern pattern() {
            return Pattern.compile(template.replaceAll("\\{[a-z]+}", "([^/]+)"));
        }
    }

    @FunctionalInterface
    public interface Handler {
        Response handle(PolicyApi api, Principal who, List<String> params, Request r) throws Exception;
    }

    /** Every route, as the OpenAPI document must describe them. */
    public static final List<Route> ROUTES = List.of(
            new Route("GET", PREFIX + "/domains", PolicyApi::listDomains),
            new Route("POST", PREFIX + "/domains", PolicyApi::createDomain),
            new Route("GET", PREFIX + "/domains/{name}", PolicyApi::getDomain),
            new Route("PUT", PREFIX + "/domains/{name}", PolicyApi::setDomain),
            new Route("DELETE", PREFIX + "/domains/{name}", PolicyApi::deleteDomain),
            new Route("GET", PREFIX + "/entries", PolicyApi::listEntries),
            new Route("POST", PREFIX + "/entries", PolicyApi::createEntry),
            new Route("GET", PREFIX + "/entries/{id}", PolicyApi::getEntry),
            new Route("DELETE", PREFIX + "/entries/{id}", PolicyApi::deleteEntry),
            new Route("GET", PREFIX + "/audit", PolicyApi::audit),
            new Route("GET", PREFIX + "/me", PolicyApi::me),
            new Route("POST", PREFIX + "/spam/learn", PolicyApi::learn));

    /** The largest message POST /spam/learn reads at all (the spam check's max-bytes limits it further). */
    public static final int MAX_LEARN_BODY = 10 * 1024 * 1024 - 64 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    private final PolicyStoreService service;
    private final Supplier<StoreDomains> domains;
    private final Predicate<String> isLocal;
    /** The running policy (the spam check's settings), or null: learning is not available. */
    private final Supplier<PolicyEngine> engine;
    private final Cache<String, Principal> verified = Caffeine.newBuilder().maximumSize(10_000)
            .expireAfterWrite(Duration.ofSeconds(30)).build();

    /**
     * @param service the store
     * @param domains the running configuration's stored-domain compiler (validates settings)
     * @param isLocal whether a domain is ours (the file's or the store's)
     */
    public PolicyApi(PolicyStoreService service, Supplier<StoreDomains> domains, Predicate<String> isLocal) {
        this(service, domains, isLocal, null);
    }

    /** @param engine the policy in force now (a reload changes it), for learning; null: no learning */
    public PolicyApi(PolicyStoreService service, Supplier<StoreDomains> domains, Predicate<String> isLocal,
            Supplier<PolicyEngine> engine) {
        this.service = service;
        this.domains = domains;
        this.isLocal = isLocal;
        this.engine = engine;
    }

    /** Thrown for a 4xx; rendered as {"error": message, "field": field}. */
    public static final class ApiError extends RuntimeException {
        final int status;
        final String field;

        public ApiError(int status, String field, String message) {
            super(message);
            this.status = status;
            this.field = field;
        }
    }

    // --- entry points ------------------------------------------------------------------------------

    /** Authenticates the request's bearer token, then handles it. */
    public Response handle(Request r) {
        try {
            if (r.path().equals(PREFIX + "/openapi.json")) return new Response(200, openApi());
            return handle(authenticate(r.authorization()), r);
        } catch (ApiError e) {
            return error(e);
        }
    }

    /** Handles a request for a principal already authenticated (a token, or a console session). */
    public Response handle(Principal who, Request r) {
        try {
            // a message to learn has its own limit, checked after the role (a raw message, not JSON)
            if (r.body() != null && r.body().length > MAX_BODY && !r.path().equals(PREFIX + "/spam/learn")) {
                throw new ApiError(413, "body", "larger than " + MAX_BODY + " bytes");
            }
            boolean pathKnown = false;
            for (Route route : ROUTES) {
                Matcher m = route.pattern().matcher(r.path());
                if (!m.matches()) continue;
                pathKnown = true;
                if (!route.method().equals(r.method())) continue;
                List<String> params = new ArrayList<>();
                for (int i = 1; i <= m.groupCount(); i++) params.add(URLDecoder.decode(m.group(i), StandardCharsets.UTF_8));
                return route.handler().handle(this, who, params, r);
            }
            if (pathKnown) throw new ApiError(405, null, "method not allowed");
            throw new ApiError(404, null, "no such resource");
        } catch (ApiError e) {
            return error(e);
        } catch (EntryValues.BadValue e) {
            return error(new ApiError(400, e.field(), e.getMessage()));
        } catch (SQLException e) {
            LOG.warn("policy API: the store failed: {}", e.toString());
            return error(new ApiError(503, null, "the policy store is unavailable, try again later"));
        } catch (Exception e) {
            LOG.error("policy API: {} {} failed", r.method(), r.path(), e);
            return error(new ApiError(500, null, "internal error"));
        }
    }

    Principal authenticate(String authorization) {
        if (authorization == null || !authorization.startsWith("Bearer ")) throw new ApiError(401, null, "a bearer token is required");
        String token = authorization.substring(7).trim();
        Principal cached = verified.getIfPresent(token);
        if (cached != null) return cached;
        Tokens.Parsed p = Tokens.parse(token);
        if (p == null) throw new ApiError(401, null, "invalid token");
        try {
            Optional<PolicyStore.Token> t = service.store().token(p.id());
            if (t.isEmpty() || !Tokens.verify(p.secret(), t.get().hash())) throw new ApiError(401, null, "invalid token");
            if (t.get().expiresAt() != null && !Instant.now().isBefore(t.get().expiresAt())) throw new ApiError(401, null, "token expired");
            PolicyStore.User u = service.store().user(t.get().user()).orElseThrow(() -> new ApiError(401, null, "invalid token"));
            Principal who = new Principal(u.name(), Principal.Role.of(u.role()), u.domains(), u.address());
            // cached only until the token's own expiry would pass
            if (t.get().expiresAt() == null || t.get().expiresAt().isAfter(Instant.now().plusSeconds(30))) verified.put(token, who);
            return who;
        } catch (SQLException e) {
            throw new ApiError(503, null, "the policy store is unavailable, try again later");
        }
    }

    // --- domains -----------------------------------------------------------------------------------

    record DomainBody(@JsonProperty("name") String name, @JsonProperty("settings") JsonNode settings) {}

    private static Response listDomains(PolicyApi api, Principal who, List<String> p, Request r) {
        if (who.role() == Principal.Role.USER) throw new ApiError(403, null, "users have no domains");
        String q = param(r, "q");
        List<StoredDomain> all = api.service.current().domains().values().stream()
                .filter(d -> who.ownsDomain(d.name()))
                .filter(d -> q == null || d.name().contains(q.toLowerCase(Locale.ROOT)))
                .sorted(Comparator.comparing(StoredDomain::name)).toList();
        return page(r, all, PolicyApi::domainJson);
    }

    private static Response getDomain(PolicyApi api, Principal who, List<String> p, Request r) {
        String name = EntryValues.domain("name", p.get(0));
        StoredDomain d = api.service.current().domain(name);
        if (d == null || !who.ownsDomain(name)) throw new ApiError(404, null, "no such domain");
        return new Response(200, domainJson(d).toString());
    }

    private static Response createDomain(PolicyApi api, Principal who, List<String> p, Request r) throws Exception {
        operator(who);
        DomainBody b = body(r, DomainBody.class);
        String name = EntryValues.domain("name", b.name());
        if (api.service.store().domain(name).isPresent()) throw new ApiError(409, "name", "domain exists");
        return api.putDomain(who, name, b, 201);
    }

    private static Response setDomain(PolicyApi api, Principal who, List<String> p, Request r) throws Exception {
        String name = EntryValues.domain("name", p.get(0));
        if (!who.ownsDomain(name) || api.service.store().domain(name).isEmpty()) throw new ApiError(404, null, "no such domain");
        DomainBody b = body(r, DomainBody.class);
        if (b.name() != null && !b.name().equalsIgnoreCase(name)) throw new ApiError(400, "name", "does not match the path");
        return api.putDomain(who, name, b, 200);
    }

    /** Creates or replaces the domain with the body's (checked) settings and answers with it. */
    private Response putDomain(Principal who, String name, DomainBody b, int status) throws Exception {
        String settings = settings(name, b.settings());
        service.store().putDomain(who.name(), name, settings);
        applied();
        return new Response(status, domainJson(service.store().domain(name).orElseThrow()).toString());
    }

    private static Response deleteDomain(PolicyApi api, Principal who, List<String> p, Request r) throws Exception {
        String name = EntryValues.domain("name", p.get(0));
        if (!who.ownsDomain(name)) throw new ApiError(404, null, "no such domain");
        operator(who);
        if (!api.service.store().removeDomain(who.name(), name)) throw new ApiError(404, null, "no such domain");
        api.applied();
        return new Response(204, "");
    }

    /** The settings as JSON text after the config loader's validation; 400 naming the key otherwise. */
    private String settings(String domain, JsonNode settings) {
        String json = settings == null || settings.isNull() ? "{}" : settings.toString();
        if (settings != null && !settings.isNull() && !settings.isObject()) throw new ApiError(400, "settings", "must be an object");
        try {
            domains.get().validate(domain, json);
        } catch (ConfigException e) {
            String key = e.key() == null ? "settings" : e.key().replaceFirst("^domains\\." + Pattern.quote(domain) + "\\.?", "");
            String field = key.isEmpty() ? "settings" : "settings." + key;
            throw new ApiError(400, field, field + ": " + e.problem());
        }
        return json;
    }

    private static ObjectNode domainJson(StoredDomain d) {
        ObjectNode o = JSON.createObjectNode();
        o.put("name", d.name());
        try {
            o.set("settings", JSON.readTree(d.settings()));
        } catch (JsonProcessingException e) {
            o.put("settings", d.settings());
        }
        o.put("created_by", d.createdBy());
        o.put("created_at", d.createdAt() == null ? null : d.createdAt().toString());
        return o;
    }

    // --- list entries ------------------------------------------------------------------------------

    record EntryBody(@JsonProperty("scope") String scope, @JsonProperty("key") String key, @JsonProperty("action") String action,
            @JsonProperty("kind") String kind, @JsonProperty("value") String value,
            @JsonProperty("expires_at") String expiresAt, @JsonProperty("comment") String comment) {}

    private boolean visible(Principal who, ListEntry e) {
        return switch (e.scope()) {
            case OPERATOR -> who.role() == Principal.Role.OPERATOR;
            case DOMAIN -> who.role() != Principal.Role.USER && who.ownsDomain(e.scopeKey());
            case USER -> who.ownsAddress(e.scopeKey());
        };
    }

    private static Response listEntries(PolicyApi api, Principal who, List<String> p, Request r) {
        String scope = param(r, "scope");
        String key = param(r, "key");
        String q = param(r, "q");
        ListEntry.Scope sc = scope == null ? null : enumValue("scope", scope, ListEntry.Scope::of);
        List<ListEntry> all = api.service.current().entries().values().stream()
                .filter(e -> api.visible(who, e))
                .filter(e -> sc == null || e.scope() == sc)
                .filter(e -> key == null || e.scopeKey().equals(key.toLowerCase(Locale.ROOT)))
                .filter(e -> q == null || e.value().contains(q.toLowerCase(Locale.ROOT))
                        || e.comment() != null && e.comment().contains(q))
                .sorted(Comparator.comparingLong(ListEntry::id)).toList();
        return page(r, all, PolicyApi::entryJson);
    }

    private static Response getEntry(PolicyApi api, Principal who, List<String> p, Request r) {
        ListEntry e = api.service.current().entries().get(id(p.get(0)));
        if (e == null || !api.visible(who, e)) throw new ApiError(404, null, "no such entry");
        return new Response(200, entryJson(e).toString());
    }

    private static Response createEntry(PolicyApi api, Principal who, List<String> p, Request r) throws Exception {
        EntryBody b = body(r, EntryBody.class);
        if (b.scope() == null) throw new ApiError(400, "scope", "missing value");
        ListEntry.Scope scope = enumValue("scope", b.scope(), ListEntry.Scope::of);
        if (b.action() == null) throw new ApiError(400, "action", "missing value");
        ListEntry.Action action = enumValue("action", b.action(), ListEntry.Action::of);
        if (b.kind() == null) throw new ApiError(400, "kind", "missing value");
        ListEntry.Kind kind = enumValue("kind", b.kind(), ListEntry.Kind::of);
        String key = EntryValues.scopeKey(scope, "key", b.key());
        String value = EntryValues.value(kind, "value", b.value());
        String comment = EntryValues.text("comment", b.comment(), 1000);
        Instant expires = null;
        if (b.expiresAt() != null) {
            try {
                expires = Instant.parse(b.expiresAt());
            } catch (DateTimeParseException e) {
                throw new ApiError(400, "expires_at", "not a time (expected 2026-12-31T23:59:59Z)");
            }
        }
        ListEntry e = new ListEntry(0, scope, key, action, kind, value, expires, comment, who.name(), null);
        if (!api.visible(who, e)) {
            if (scope == ListEntry.Scope.OPERATOR || who.role() == Principal.Role.USER && scope == ListEntry.Scope.DOMAIN) {
                throw new ApiError(403, "scope", "your role cannot add " + scope.key() + "-level entries");
            }
            throw new ApiError(404, "key", "no such " + (scope == ListEntry.Scope.DOMAIN ? "domain" : "address"));
        }
        String domain = scope == ListEntry.Scope.DOMAIN ? key : scope == ListEntry.Scope.USER ? key.substring(key.lastIndexOf('@') + 1) : null;
        if (domain != null && !api.isLocal.test(domain)) throw new ApiError(400, "key", "not one of our domains: " + domain);
        ListEntry stored;
        try {
            stored = api.service.store().addEntry(who.name(), e);
        } catch (SQLException ex) {
            if (ex.getSQLState() != null && ex.getSQLState().startsWith("23")) throw new ApiError(409, "value", "this entry exists");
            throw ex;
        }
        api.applied();
        return new Response(201, entryJson(stored).toString());
    }

    private static Response deleteEntry(PolicyApi api, Principal who, List<String> p, Request r) throws Exception {
        long id = id(p.get(0));
        Optional<ListEntry> e = api.service.store().entry(id);
        if (e.isEmpty() || !api.visible(who, e.get())) throw new ApiError(404, null, "no such entry");
        if (!api.service.store().removeEntry(who.name(), id)) throw new ApiError(404, null, "no such entry");
        api.applied();
        return new Response(204, "");
    }

    private static ObjectNode entryJson(ListEntry e) {
        ObjectNode o = JSON.valueToTree(e.fields());
        o.put("expires_at", e.expiresAt() == null ? null : e.expiresAt().toString());
        o.put("comment", e.comment());
        o.put("created_by", e.createdBy());
        o.put("created_at", e.createdAt() == null ? null : e.createdAt().toString());
        return o;
    }

    // --- audit, me ---------------------------------------------------------------------------------

    private static Response audit(PolicyApi api, Principal who, List<String> p, Request r) throws Exception {
        operator(who);
        int offset = intParam(r, "offset", 0, Integer.MAX_VALUE, 0);
        int limit = intParam(r, "limit", 1, MAX_LIMIT, 100);
        ArrayNode items = JSON.createArrayNode();
        for (PolicyStore.AuditRecord a : api.service.store().audit(offset, limit)) {
            ObjectNode o = items.addObject();
            o.put("id", a.id());
            o.put("at", a.at().toString());
            o.put("actor", a.actor());
            o.put("action", a.action());
            o.put("object", a.object());
            o.put("before", a.before());
            o.put("after", a.after());
        }
        ObjectNode out = JSON.createObjectNode();
        out.put("offset", offset);
        out.put("limit", limit);
        out.set("items", items);
        return new Response(200, out.toString());
    }

    private static Response me(PolicyApi api, Principal who, List<String> p, Request r) {
        ObjectNode o = JSON.createObjectNode();
        o.put("name", who.name());
        o.put("role", who.role().key());
        ArrayNode d = o.putArray("domains");
        who.domains().forEach(d::add);
        o.put("address", who.address());
        return new Response(200, o.toString());
    }

    // --- spam learning -----------------------------------------------------------------------------

    private static Response learn(PolicyApi api, Principal who, List<String> p, Request r) {
        if (who.role() != Principal.Role.OPERATOR) {
            throw new ApiError(403, null, "operators only: one Bayes filter serves every domain, so only operators teach it");
        }
        String as = param(r, "as");
        if (as == null) throw new ApiError(400, "as", "missing value (spam or ham)");
        boolean spam = switch (as) {
            case "spam" -> true;
            case "ham" -> false;
            default -> throw new ApiError(400, "as", "unknown value '" + as.replaceAll("[^\\x20-\\x7e]", "?") + "' (spam or ham)");
        };
        String domain = param(r, "domain") == null ? null : EntryValues.domain("domain", param(r, "domain"));
        byte[] message = r.body() == null ? new byte[0] : r.body();
        if (r.body() != null && r.body().length > MAX_LEARN_BODY) throw new ApiError(413, "body", "larger than " + MAX_LEARN_BODY + " bytes");
        if (api.engine == null) throw new ApiError(409, null, "spam learning is not available here");
        String problem = SpamLearner.notAMessage(message);
        if (problem != null) throw new ApiError(400, "body", problem);
        SpamLearner.Outcome o = SpamLearner.learn(api.engine.get(), domain, spam, message, who.name());
        return switch (o) {
            case SpamLearner.Learned l -> {
                ObjectNode out = JSON.createObjectNode();
                out.put("learned", l.changed());
                out.put("as", as);
                out.put("backend", l.backend());
                if (!l.changed()) out.put("note", l.unchanged() + ": nothing changed");
                out.put("answer", l.answer());
                yield new Response(200, out.toString());
            }
            case SpamLearner.NotConfigured n -> throw new ApiError(409, null, n.why());
            case SpamLearner.TooLarge t -> throw new ApiError(413, "body",
                    "larger than the spam check's max-bytes (" + t.limit() + " bytes): it would never be classified");
            case SpamLearner.Failed f -> throw new ApiError(f.down() ? 503 : 502, null,
                    (f.down() ? "" : f.backend() + " did not learn the message: ") + f.why());
        };
    }

    // --- helpers -----------------------------------------------------------------------------------

    /** After a change: this host applies it now rather than at the next poll. */
    private void applied() {
        try {
            service.refresh();
        } catch (Exception e) {
            LOG.warn("policy API: the change is stored; this host applies it at the next poll ({})", e.toString());
        }
    }

    private static void operator(Principal who) {
        if (who.role() != Principal.Role.OPERATOR) throw new ApiError(403, null, "operators only");
    }

    private static <T> T body(Request r, Class<T> type) {
        if (r.body() == null || r.body().length == 0) throw new ApiError(400, "body", "a JSON object is required");
        try {
            T t = JSON.readValue(r.body(), type);
            if (t == null) throw new ApiError(400, "body", "a JSON object is required");
            return t;
        } catch (UnrecognizedPropertyException e) {
            throw new ApiError(400, e.getPropertyName(), "unknown field");
        } catch (JsonMappingException e) {
            String field = e.getPath().isEmpty() ? "body" : e.getPath().get(e.getPath().size() - 1).getFieldName();
            throw new ApiError(400, field, "wrong type of value");
        } catch (IOException e) {
            throw new ApiError(400, "body", "not JSON");
        }
    }

    private static <E> E enumValue(String field, String s, Function<String, E> of) {
        try {
            return of.apply(s);
        } catch (IllegalArgumentException e) {
            throw new ApiError(400, field, "unknown value '" + s.replaceAll("[^\\x20-\\x7e]", "?") + "'");
        }
    }

    private static long id(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new ApiError(404, null, "no such entry");
        }
    }

    private static String param(Request r, String name) {
        List<String> v = r.query() == null ? null : r.query().get(name);
        return v == null || v.isEmpty() || v.get(0).isEmpty() ? null : v.get(0);
    }

    private static int intParam(Request r, String name, int min, int max, int dflt) {
        String v = param(r, name);
        if (v == null) return dflt;
        try {
            int n = Integer.parseInt(v);
            if (n < min || n > max) throw new ApiError(400, name, "must be between " + min + " and " + max);
            return n;
        } catch (NumberFormatException e) {
            throw new ApiError(400, name, "not a number");
        }
    }

    private static <T> Response page(Request r, List<T> all, Function<T, ObjectNode> json) {
        int offset = intParam(r, "offset", 0, Integer.MAX_VALUE, 0);
        int limit = intParam(r, "limit", 1, MAX_LIMIT, 100);
        ArrayNode items = JSON.createArrayNode();
        for (int i = offset; i < Math.min(all.size(), offset + (long) limit); i++) items.add(json.apply(all.get(i)));
        ObjectNode out = JSON.createObjectNode();
        out.put("total", all.size());
        out.put("offset", offset);
        out.put("limit", limit);
        out.set("items", items);
        return new Response(200, out.toString());
    }

    private static Response error(ApiError e) {
        ObjectNode o = JSON.createObjectNode();
        o.put("error", e.getMessage());
        if (e.field != null) o.put("field", e.field);
        return new Response(e.status, o.toString());
    }

    /** The OpenAPI document (a resource of the jar). */
    public static String openApi() {
        try (var in = PolicyApi.class.getResourceAsStream("/openapi/policy-api.json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("the OpenAPI document is missing from the jar", e);
        }
    }

    /** For tests and the CLI: the snapshot this API reads. */
    PolicySnapshot snapshot() { return service.current(); }
}
