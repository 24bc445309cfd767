// Loads mxfront.yml: the embedded defaults (config/mxfront.yml, packed into the jar) with the
// operator's file laid over them, bound to records with unknown keys as errors, validated, and
// turned into a policy engine. Every error names the file, the line and the key. The doors' sections
// are bound here too, generically: each door (a DoorSection in the list the loader is given) names
// its sections' record and validates them itself, as each check does through CheckType.
//
// Merge rules: maps merge key by key; lists and scalars replace; a `checks:` map in the operator's
// file replaces the default list entirely (so that its order is the evaluation order), and so does a
// `domains:` map (the shipped example.com is a placeholder that must not stay local beside the
// operator's domains).
package org.mxfront.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.RecordComponent;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mxfront.checks.CheckContext;
import org.mxfront.checks.CheckType;
import org.mxfront.checks.CheckTypes;
import org.mxfront.checks.NeedsLaterCheck;
import org.mxfront.checks.SharedResources;
import org.mxfront.codes.Code;
import org.mxfront.codes.ReplyCatalogue;
import org.mxfront.dns.DnsConfig;
import org.mxfront.dns.DnsResolver;
import org.mxfront.dns.ReverseNameEnricher;
import org.mxfront.mail.ClientEnricher;
import org.mxfront.net.Networks;
import org.mxfront.policy.Check;
import org.mxfront.policy.ConfiguredCheck;
import org.mxfront.policy.DecisionFeed;
import org.mxfront.policy.DecisionLog;
import org.mxfront.policy.DomainDirectory;
import org.mxfront.policy.Mode;
import org.mxfront.policy.Policy;
import org.mxfront.policy.PolicyEngine;
import org.mxfront.policy.Stage;
import org.mxfront.store.PolicyStore;
import org.mxfront.store.PolicyStoreService;
import org.mxfront.store.SnapshotFile;
import org.mxfront.store.StoreSettings;
import org.mxfront.tls.ServerTls;

/** Reads and validates configuration files. */
public final class ConfigLoader {
    /** The classpath resource holding the defaults (a copy of config/mxfront.yml). */
    public static final String DEFAULTS_RESOURCE = "/mxfront.yml";

    public static final String EMBEDDED = "<embedded defaults>";

    private final ObjectMapper mapper;
    private final Clock clock;
    private final SharedResources resources;
    private final List<DoorSection<?, ?>> doors;

    /** @param doors the door kinds (org.mxfront.Doors.ALL): each binds and validates its own sections */
    public ConfigLoader(List<? extends DoorSection<?, ?>> doors) {
        this(doors, Clock.systemUTC());
    }

    public ConfigLoader(List<? extends DoorSection<?, ?>> doors, Clock clock) {
        this(doors, clock, new SharedResources());
    }

    /**
     * @param doors     the door kinds (org.mxfront.Doors.ALL): each binds and validates its own sections
     * @param resources the daemon's long-lived objects (stores): a daemon passes the same ones to every
     *                  reload, so a reload does not reopen them; other loaders use their own
     */
    public ConfigLoader(List<? extends DoorSection<?, ?>> doors, Clock clock, SharedResources resources) {
        this.doors = List.copyOf(doors);
        this.clock = clock;
        this.resources = resources;
        // The builder starts without the parser features a plain YAMLFactory has: without EMPTY_STRING_AS_NULL,
        // "example.org:" with nothing after it would be "" instead of null (no settings) and be refused.
        YAMLFactory yf = YAMLFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL).build();
        SimpleModule durations = new SimpleModule().addDeserializer(Duration.class, new DurationDeserializer());
        this.mapper = new YAMLMapper(yf)
                .setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .registerModule(durations);
    }

    /** Loads the embedded defaults alone. */
    public DaemonConfig loadDefaults(MeterRegistry registry) throws ConfigException {
        return load(null, registry);
    }

    /**
     * Loads a file over the embedded defaults.
     *
     * @param file the operator's file, or null for the defaults alone
     */
    public DaemonConfig load(Path file, MeterRegistry registry) throws ConfigException {
        String name = file == null ? EMBEDDED : file.toString();
        String text;
        if (file == null) {
            text = "{}";
        } else {
            try {
                text = Files.readString(file, StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                throw new ConfigException(name, 0, null, "no such file");
            } catch (IOException e) {
                throw new ConfigException(name, 0, null, "cannot read: " + e.getMessage());
            }
        }
        return parse(name, text, registry);
    }

    /** Parses configuration text (named {@code name} in errors) over the embedded defaults. */
    public DaemonConfig parse(String name, String text, MeterRegistry registry) throws ConfigException {
        Ctx c = new Ctx(name, text);
        JsonNode user = c.tree(text);
        if (user == null || user.isMissingNode() || user.isNull()) user = mapper.createObjectNode();
        if (!user.isObject()) throw new ConfigException(name, 1, null, "the file must be a YAML mapping");
        ObjectNode merged = defaults();
        // A user's checks (their order is the evaluation order) and local domains replace the defaults'.
        if (user.has("checks")) merged.remove("checks");
        if (user.has("domains")) merged.remove("domains");
        for (DoorSection<?, ?> d : doors) d.older(user, c);
        merge(merged, (ObjectNode) user);
        knownKeys(c, merged);
        // each door's sections are its own: taken out of the tree and bound onto its record
        Map<DoorSection<?, ?>, Record> sections = new LinkedHashMap<>();
        for (DoorSection<?, ?> d : doors) {
            ObjectNode own = mapper.createObjectNode();
            for (String k : d.keys()) {
                if (merged.has(k)) own.set(k, merged.remove(k));
            }
            sections.put(d, c.bind(own, "", d.sections()));
        }
        Settings s = c.bind(merged, "", Settings.class);
        return build(c, s, sections, registry);
    }

    /** Top-level keys: the shared sections' and the doors'; another is an error that lists them. */
    private void knownKeys(Ctx c, ObjectNode merged) throws ConfigException {
        Set<String> known = new TreeSet<>();
        for (RecordComponent rc : Settings.class.getRecordComponents()) known.add(DoorSection.KEBAB.translate(rc.getName()));
        for (DoorSection<?, ?> d : doors) known.addAll(d.keys());
        Iterator<String> names = merged.fieldNames();
        while (names.hasNext()) {
            String k = names.next();
            if (!known.contains(k)) throw c.error("/" + k, "unknown key (known keys here: " + String.join(", ", known) + ")");
        }
    }

    /** A door's bound sections, validated by the door. */
    private static <R extends Record, S extends DoorSettings> S validate(ConfigFile c, DoorSection<R, S> d, Record r)
            throws ConfigException {
        return d.validate(d.sections().cast(r), c);
    }

    private ObjectNode defaults() {
        try (InputStream in = ConfigLoader.class.getResourceAsStream(DEFAULTS_RESOURCE)) {
            if (in == null) throw new IllegalStateException("missing " + DEFAULTS_RESOURCE + " in the jar");
            return (ObjectNode) mapper.readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException("embedded defaults are broken", e);
        }
    }

    /** Lays one YAML tree over another: mappings merge key by key, lists and values replace. */
    public static void merge(ObjectNode base, ObjectNode over) {
        Iterator<Map.Entry<String, JsonNode>> it = over.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode b = base.get(e.getKey());
            if (b instanceof ObjectNode bo && e.getValue() instanceof ObjectNode eo) merge(bo, eo);
            else base.set(e.getKey(), e.getValue().deepCopy());
        }
    }

    private DaemonConfig build(Ctx c, Settings s, Map<DoorSection<?, ?>, Record> sections, MeterRegistry registry) throws ConfigException {
        Settings.ServerSettings srv = c.require(s.server(), "/server");
        String hostname = srv.hostname() == null ? "" : srv.hostname().trim();
        if (hostname.isEmpty()) hostname = localHostname();
        else if (!hostname.matches("[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?")) {
            throw c.error("/server/hostname", "not a host name");
        }
        c.positiveDuration(srv.shutdownGrace(), "/server/shutdown-grace");
        c.require(srv.delayReject(), "/server/delay-reject");
        // Every door validates its own sections, on or off, so that switching one on later cannot fail.
        Map<String, DoorSettings> doorSettings = new LinkedHashMap<>();
        for (Map.Entry<DoorSection<?, ?>, Record> e : sections.entrySet()) {
            doorSettings.put(e.getKey().name(), validate(c, e.getKey(), e.getValue()));
        }
        if (!doors.isEmpty() && doorSettings.values().stream().noneMatch(DoorSettings::enabled)) {
            List<String> names = doors.stream().map(d -> d.keys().get(0)).toList();
            throw c.error("/" + names.get(0) + "/enabled", "no door is enabled: enable " + String.join(", ", names) + " or several");
        }
        Networks relay = c.networks(s.relayNetworks(), "/relay-networks");
        String state = c.require(s.stateDirectory(), "/state-directory");

        Settings.RepliesSettings rs = c.require(s.replies(), "/replies");
        Map<Code, String> texts = new EnumMap<>(Code.class);
        if (rs.texts() != null) {
            for (Map.Entry<String, String> e : rs.texts().entrySet()) {
                Code code = Code.byKey(e.getKey());
                if (code == null) {
                    throw c.error("/replies/texts/" + e.getKey(), "unknown reply code (see `mxfront codes` for the keys)");
                }
                String text = e.getValue() == null ? "" : e.getValue();
                if (text.chars().anyMatch(ch -> ch < 0x20 || ch == 0x7f)) {
                    // a line break would split the reply line on the wire (a YAML block scalar ends with one)
                    throw c.error("/replies/texts/" + e.getKey(), "must be one line without control characters");
                }
                texts.put(code, text);
            }
        }
        String prefix = c.require(rs.prefix(), "/replies/prefix");
        if (!prefix.matches("[A-Za-z0-9._-]{1,20}")) {
            throw c.error("/replies/prefix", "must be 1-20 letters, digits, '.', '_' or '-'");
        }
        ReplyCatalogue catalogue = new ReplyCatalogue(prefix, texts);

        Map<String, Settings.DomainSettings> domains = s.domains() == null ? Map.of() : s.domains();
        Set<String> localDomains = new LinkedHashSet<>();
        for (String d : domains.keySet()) {
            String lower = d.toLowerCase(Locale.ROOT);
            if (!lower.matches("[a-z0-9]([a-z0-9.-]*[a-z0-9])?")) throw c.error("/domains/" + d, "not a domain name");
            localDomains.add(lower);
        }
        List<InetAddress> ours = new ArrayList<>();
        for (DoorSettings d : doorSettings.values()) if (d.enabled()) ours.addAll(d.ourAddresses());
        // One resolver (and answer cache) per loaded configuration: cheap to build, it sends nothing
        // until a DNS check or dns.client-names asks.
        DnsConfig dnsConfig = s.dns() == null ? DnsConfig.defaults() : s.dns();
        DnsResolver dns = new DnsResolver(dnsConfig, registry, clock);
        PolicyStoreService storeService = policyStore(c, s.policyStore(), Path.of(state), registry);
        Set<String> fileDomains = Set.copyOf(localDomains);
        // the checks see the file's domains and the store's, as the store changes
        Set<String> allLocal = storeService == null ? fileDomains : new AbstractSet<>() {
            @Override
            public boolean contains(Object o) {
                return fileDomains.contains(o) || o instanceof String d && storeService.current().domain(d) != null;
            }

            @Override
            public Iterator<String> iterator() {
                Set<String> all = new LinkedHashSet<>(fileDomains);
                all.addAll(storeService.current().domains().keySet());
                return all.iterator();
            }

            @Override
            public int size() {
                return fileDomains.size() + storeService.current().domains().size();
            }
        };
        CheckContext ctx = new CheckContext(hostname, ours, allLocal, clock, registry, dns, Path.of(state), resources,
                storeService);

        ObjectNode checks = s.checks() == null ? mapper.createObjectNode() : s.checks();
        Policy def = policy(c, "default", checks, null, ctx);
        Map<String, Policy> perDomain = new LinkedHashMap<>();
        for (Map.Entry<String, Settings.DomainSettings> e : domains.entrySet()) {
            ObjectNode over = e.getValue() == null ? null : e.getValue().checks();
            perDomain.put(e.getKey().toLowerCase(Locale.ROOT),
                    policy(c, e.getKey(), checks, over, ctx));
        }
        Settings.ConsoleSettings cs = c.require(s.console(), "/console");
        c.positive(cs.buffer(), "/console/buffer");
        int buffer = cs.buffer();
        // one feed per daemon (a reload keeps it and its subscribers); the ring's size is fixed at start
        DecisionFeed feed = resources.get(new FeedKey(), () -> new DecisionFeed(buffer));
        DaemonConfig.Console console = console(c, cs, storeService);
        DomainDirectory directory = DomainDirectory.NONE;
        if (storeService != null) {
            Policy plain = policy(c, "store", checks, null, ctx);
            directory = new StoreDomains(storeService, (domain, json) -> storedPolicy(domain, json, checks, ctx), plain);
        }
        PolicyEngine engine = new PolicyEngine(def, perDomain, relay, catalogue, hostname, srv.delayReject(),
                new DecisionLog(feed), registry, dnsConfig.clientNames() ? new ReverseNameEnricher(dns) : ClientEnricher.NONE,
                directory);
        String ml = s.metrics() == null ? null : s.metrics().listen();
        InetSocketAddress metrics = ml == null || ml.isBlank() ? null : c.hostPort(ml, "/metrics/listen");
        return new DaemonConfig(c.name(), s, hostname, Collections.unmodifiableMap(doorSettings), relay, Path.of(state),
                engine, metrics, resources,
                c.require(cs.enabled(), "/console/enabled") ? console : null, journal(c, s.journal(), storeService));
    }

    /** The journal's settings, validated whether it is on or off; on only with the policy store. */
    private static DaemonConfig.JournalConfig journal(Ctx c, Settings.JournalSettings js, PolicyStoreService store)
            throws ConfigException {
        c.require(js, "/journal");
        boolean on = c.require(js.enabled(), "/journal/enabled");
        c.positiveDuration(js.keep(), "/journal/keep");
        return on && store != null ? new DaemonConfig.JournalConfig(store.store(), js.keep()) : null;
    }

    /** The daemon's one decision feed among its shared resources. */
    private record FeedKey() {}

    /** The console's settings, validated whether it is on or off. */
    private DaemonConfig.Console console(Ctx c, Settings.ConsoleSettings cs, PolicyStoreService store) throws ConfigException {
        boolean on = c.require(cs.enabled(), "/console/enabled");
        InetSocketAddress listen = c.requiredHostPort(cs.listen(), "/console/listen");
        boolean plain = c.require(cs.plainHttp(), "/console/plain-http");
        ServerTls tls = c.tls(cs.tls(), "/console/tls");
        if (on && tls == null && !plain && !listen.getAddress().isLoopbackAddress()) {
            throw c.error("/console/listen", "plain HTTP on " + listen.getAddress().getHostAddress()
                    + ", which is not loopback: give console.tls a certificate, or set console.plain-http: true");
        }
        String uf = cs.usersFile() == null ? "" : cs.usersFile().trim();
        Path users = uf.isEmpty() ? null : c.directory().resolve(uf);
        c.positiveDuration(cs.sessionTimeout(), "/console/session-timeout");
        c.positive(cs.loginLimit(), "/console/login-limit");
        int loginLimit = cs.loginLimit();
        boolean ldap = c.require(cs.ldapLogin(), "/console/ldap-login");
        return new DaemonConfig.Console(listen, tls, users, cs.sessionTimeout(), loginLimit, ldap,
                cs.ldapOperators() == null ? List.of() : List.copyOf(cs.ldapOperators()),
                cs.ldapDomainAdmins() == null ? List.of() : List.copyOf(cs.ldapDomainAdmins()), store);
    }

    /**
     * A stored domain's policy: its settings (JSON, the shape of one `domains:` entry) bound and
     * validated exactly as the file's, errors named {@code domains.DOMAIN.checks...} as check-config names them.
     */
    private Policy storedPolicy(String domain, String json, ObjectNode checks, CheckContext ctx) throws ConfigException {
        String name = "policy store";
        Ctx sc = new Ctx(name, "{}");
        JsonNode node;
        try {
            node = mapper.readTree(json == null || json.isBlank() ? "{}" : json);
        } catch (JsonProcessingException e) {
            throw new ConfigException(name, 0, "domains." + domain, "not JSON: " + e.getOriginalMessage());
        }
        if (node == null || node.isNull()) node = mapper.createObjectNode();
        if (!node.isObject()) throw sc.error("/domains/" + domain, "must be a mapping");
        Settings.DomainSettings ds = sc.bind(node, "/domains/" + domain, Settings.DomainSettings.class);
        return policy(sc, domain, checks, ds.checks(), ctx);
    }

    /** The identity of a policy store: equal settings share one open store across reloads. */
    private record StoreKey(String url, String user, String passwordSource, Duration poll, Duration timeout, int pool,
            Path state) {}

    /** Validates `policy-store:`; when it is enabled, the daemon's store service (opened on start, not here). */
    private PolicyStoreService policyStore(Ctx c, StoreSettings ps, Path state, MeterRegistry registry) throws ConfigException {
        if (ps == null) return null;
        boolean on = c.require(ps.enabled(), "/policy-store/enabled");
        c.positiveDuration(ps.pollInterval(), "/policy-store/poll-interval");
        c.positiveDuration(ps.connectTimeout(), "/policy-store/connect-timeout");
        c.positive(ps.poolSize(), "/policy-store/pool-size");
        String url = ps.url() == null ? "" : ps.url().trim();
        String jdbc;
        if (url.isEmpty()) {
            jdbc = PolicyStore.embeddedUrl(state);
        } else if (url.startsWith("postgresql://") || url.startsWith("postgres://")) {
            jdbc = "jdbc:postgresql://" + url.substring(url.indexOf("//") + 2);
        } else if (url.startsWith("jdbc:postgresql:") || url.startsWith("jdbc:h2:")) {
            jdbc = url;
        } else {
            throw c.error("/policy-store/url", "expected empty (embedded), postgresql://HOST:PORT/DATABASE or a jdbc:postgresql: URL");
        }
        if (jdbc.matches("(?i).*[?&;]password=.*") || jdbc.matches("(?i)jdbc:postgresql://[^/]*:[^/@]*@.*")) {
            throw c.error("/policy-store/url", "no password in the configuration: use password-file or password-env");
        }
        String pf = ps.passwordFile() == null ? "" : ps.passwordFile().trim();
        String pe = ps.passwordEnv() == null ? "" : ps.passwordEnv().trim();
        if (!pf.isEmpty() && !pe.isEmpty()) throw c.error("/policy-store/password-env", "give password-file or password-env, not both");
        String password = null;
        if (!pf.isEmpty()) {
            try {
                password = Files.readString(Path.of(pf), StandardCharsets.UTF_8).lines().findFirst().orElse("");
            } catch (IOException e) {
                throw c.error("/policy-store/password-file", "cannot read " + pf + ": " + e.getMessage());
            }
        } else if (!pe.isEmpty()) {
            password = System.getenv(pe);
            if (password == null) throw c.error("/policy-store/password-env", "environment variable " + pe + " is not set");
        }
        if (!on) return null;
        String user = ps.user() == null || ps.user().isBlank() ? null : ps.user().trim();
        if (jdbc.startsWith("jdbc:h2:") && url.isEmpty()) user = null;
        String pw = password;
        String u = user;
        StoreKey key = new StoreKey(jdbc, user, pf + "|" + pe, ps.pollInterval(), ps.connectTimeout(), ps.poolSize(), state);
        return resources.get(key, () -> new PolicyStoreService(new PolicyStore(jdbc, u, pw, ps.connectTimeout(), ps.poolSize()),
                new SnapshotFile(state.resolve("policy-store.snapshot.json.gz")), ps.pollInterval(), registry),
                PolicyStoreService::start);
    }

    private Policy policy(Ctx c, String name, ObjectNode global, ObjectNode override, CheckContext ctx)
            throws ConfigException {
        ObjectNode merged = global.deepCopy();
        String overBase = "/domains/" + name + "/checks";
        if (override != null) {
            Iterator<String> names = override.fieldNames();
            while (names.hasNext()) {
                String n = names.next();
                JsonNode o = override.get(n);
                if (!o.isObject()) throw c.error(overBase + "/" + n, "must be a mapping of the check's settings");
                JsonNode g = merged.get(n);
                if (g instanceof ObjectNode go) merge(go, (ObjectNode) o);
                else merged.set(n, o.deepCopy());
            }
        }
        List<ConfiguredCheck> list = new ArrayList<>();
        Map<String, Map.Entry<String, NeedsLaterCheck>> needing = new LinkedHashMap<>(); // check -> (its pointer, settings)
        List<Object> contentKey = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> it = merged.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String checkName = e.getKey();
            String base = override != null && override.has(checkName) ? overBase + "/" + checkName : "/checks/" + checkName;
            CheckType<?> type = CheckTypes.BY_NAME.get(checkName);
            if (type == null) {
                throw c.error(base, "unknown check (known: " + String.join(", ", CheckTypes.BY_NAME.keySet().stream().sorted().toList()) + ")");
            }
            JsonNode node = e.getValue();
            if (node == null || node.isNull()) node = mapper.createObjectNode();
            if (!node.isObject()) throw c.error(base, "must be a mapping of the check's settings");
            ObjectNode settings = ((ObjectNode) node).deepCopy();
            JsonNode enabled = settings.remove("enabled");
            JsonNode modeNode = settings.remove("mode");
            Mode mode = modeNode == null || modeNode.isNull() ? Mode.ENFORCE : c.bind(modeNode, base + "/mode", Mode.class);
            if (enabled != null && !enabled.isBoolean()) throw c.error(base + "/enabled", "must be true or false");
            Object cfg = c.bind(settings, base, type.configType()); // validated even when disabled
            if (enabled != null && !enabled.booleanValue()) continue;
            Check check;
            try {
                check = type.create(cfg, ctx);
            } catch (IllegalArgumentException bad) {
                // settings a check can only judge with the context (a file it reads, say)
                throw c.error(base, bad.getMessage());
            }
            list.add(new ConfiguredCheck(checkName, mode, check));
            if (cfg instanceof NeedsLaterCheck n) needing.put(checkName, Map.entry(base, n));
            if (check.stages().stream().anyMatch(Policy.CONTENT_STAGES::contains)) {
                contentKey.add(List.of(checkName, mode, settings));
            }
        }
        checkOrder(c, list, override != null ? overBase : "/checks");
        checkNeeds(c, list, needing, override != null ? name : null);
        return new Policy(name, list, List.copyOf(contentKey));
    }

    /**
     * A check that reads another's result at the same stage (CheckType.after) must come after it:
     * the engine runs a stage's checks in list order. Another order is an error, not silently fixed.
     */
    private static void checkOrder(Ctx c, List<ConfiguredCheck> list, String base) throws ConfigException {
        List<String> names = list.stream().map(ConfiguredCheck::name).toList();
        for (int i = 0; i < names.size(); i++) {
            for (String before : CheckTypes.BY_NAME.get(names.get(i)).after()) {
                int j = names.indexOf(before);
                if (j > i) {
                    throw c.error(base + "/" + names.get(i), "must come after " + before
                            + " in the checks list (it reads " + before + "'s result at the same stage)");
                }
            }
        }
    }

    /**
     * Settings that need another check enabled after theirs (spf's reject-unless-dmarc needs dmarc): without
     * it the policy would accept what the operator meant to refuse, so it is an error of the file.
     */
    private static void checkNeeds(Ctx c, List<ConfiguredCheck> list, Map<String, Map.Entry<String, NeedsLaterCheck>> needing,
            String domain) throws ConfigException {
        List<String> names = list.stream().map(ConfiguredCheck::name).toList();
        for (Map.Entry<String, Map.Entry<String, NeedsLaterCheck>> e : needing.entrySet()) {
            int at = names.indexOf(e.getKey());
            for (NeedsLaterCheck.Need need : e.getValue().getValue().needs()) {
                if (names.indexOf(need.check()) > at) continue;
                throw c.error(e.getValue().getKey() + "/" + need.key(),
                        need.problem() + (domain == null ? "" : " (in the policy of domain " + domain + ")"));
            }
        }
    }

    private static String localHostname() {
        try {
            String h = InetAddress.getLocalHost().getCanonicalHostName();
            return h == null || h.isBlank() ? "localhost" : h;
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    /** One file being loaded: the file's helpers, and the parsing and binding that need this loader's mapper. */
    private final class Ctx extends ConfigFile {
        Ctx(String name, String text) throws ConfigException {
            super(name, text);
        }

        JsonNode tree(String text) throws ConfigException {
            try {
                return mapper.readTree(text);
            } catch (JsonProcessingException e) {
                throw syntax(e);
            }
        }

        <T> T bind(JsonNode node, String base, Class<T> type) throws ConfigException {
            try {
                return mapper.treeToValue(node, type);
            } catch (JsonMappingException e) {
                StringBuilder ptr = new StringBuilder(base);
                for (JsonMappingException.Reference r : e.getPath()) {
                    ptr.append('/').append(r.getFieldName() != null ? r.getFieldName() : String.valueOf(r.getIndex()));
                }
                String p = ptr.toString();
                if (e instanceof UnrecognizedPropertyException u) {
                    List<String> known = u.getKnownPropertyIds().stream().map(String::valueOf).sorted().toList();
                    throw error(p, "unknown key (known keys here: " + String.join(", ", known) + ")");
                }
                if (e instanceof InvalidFormatException f) {
                    throw error(p, "invalid value '" + f.getValue() + "'" + expected(f.getTargetType()));
                }
                if (e instanceof ValueInstantiationException v && v.getCause() != null) {
                    throw error(p, v.getCause().getMessage());
                }
                if (e instanceof MismatchedInputException m) {
                    throw error(p, "wrong type of value" + expected(m.getTargetType()));
                }
                Throwable root = e.getCause() != null ? e.getCause() : e;
                throw error(p, root.getMessage() == null ? e.getOriginalMessage() : root.getMessage().lines().findFirst().orElse(""));
            } catch (JsonProcessingException | IllegalArgumentException e) {
                throw error(base, e.getMessage());
            }
        }

        private String expected(Class<?> type) {
            if (type == null) return "";
            if (type.isEnum()) {
                List<String> names = new ArrayList<>();
                for (Object o : type.getEnumConstants()) {
                    try {
                        JsonProperty jp = type.getField(((Enum<?>) o).name())
                                .getAnnotation(JsonProperty.class);
                        names.add(jp != null ? jp.value() : ((Enum<?>) o).name().toLowerCase(Locale.ROOT));
                    } catch (NoSuchFieldException ex) {
                        names.add(o.toString());
                    }
                }
                return " (expected one of: " + String.join(", ", names) + ")";
            }
            if (type == Duration.class) return " (expected a duration such as 30s, 5m, 2h, 1d)";
            if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
                return " (expected a whole number)";
            }
            if (type == Boolean.class || type == boolean.class) return " (expected true or false)";
            if (List.class.isAssignableFrom(type)) return " (expected a list)";
            if (Map.class.isAssignableFrom(type) || type.isRecord()) return " (expected a mapping)";
            return " (expected " + type.getSimpleName() + ")";
        }
    }

    /** Durations as operators write them: 500ms, 30s, 5m, 2h, 1d; a bare number is seconds. */
    static final class DurationDeserializer extends StdDeserializer<Duration> {
        private static final Pattern P = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)?");

        DurationDeserializer() {
            super(Duration.class);
        }

        @Override
        public Duration deserialize(JsonParser p, DeserializationContext ctxt)
                throws IOException {
            String text = p.getValueAsString();
            Matcher m = text == null ? null : P.matcher(text.trim());
            if (m == null || !m.matches()) {
                throw InvalidFormatException.from(p, "not a duration", text, Duration.class);
            }
            long n = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2);
            return switch (unit) {
                case "ms" -> Duration.ofMillis(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                case "d" -> Duration.ofDays(n);
                default -> Duration.ofSeconds(n);
            };
        }
    }

}
