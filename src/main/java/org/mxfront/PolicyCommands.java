// The policy store from the command line. `mxfront admin create-user|create-token` work on the
// store itself (on the host, with the daemon's configuration file: the embedded H2 store is opened
// alongside the running daemon through H2's auto-server mode); `mxfront domains ...`, `mxfront
// lists ...` and `mxfront policy import` are clients of the running daemon's API (/api/v1/ on its
// admin listener), with a token from --token-file or $MXFRONT_TOKEN, so they obey the same roles,
// validation and audit as any other client. Exit codes: 0 done, 1 refused (the API's 4xx: the
// error names the field), 77 no or a bad token / not allowed, 69 daemon or store unavailable.
package org.mxfront;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.mxfront.api.Principal;
import org.mxfront.config.ConfigException;
import org.mxfront.config.ConfigLoader;
import org.mxfront.config.DaemonConfig;
import org.mxfront.config.Settings;
import org.mxfront.config.StoreDomains;
import org.mxfront.lists.ListFile;
import org.mxfront.store.EntryValues;
import org.mxfront.store.PolicyStore;
import org.mxfront.store.Tokens;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The policy store's commands. */
final class PolicyCommands {
    private PolicyCommands() {}

    static final int REFUSED = 1;
    static final int NO_PERMISSION = 77;
    static final int UNAVAILABLE = 69;
    static final ObjectMapper JSON = new ObjectMapper();

    /** How a command reaches the API. */
    static final class Client {
        @Option(names = "--server", defaultValue = "127.0.0.1:9725", description = "The daemon's admin address (default: ${DEFAULT-VALUE}).")
        String server;

        @Option(names = "--token-file", description = "A file holding the API token (default: $MXFRONT_TOKEN).")
        Path tokenFile;

        @Option(names = "--json", description = "Print the API's JSON answer.")
        boolean json;

        record Answer(int status, JsonNode body) {}

        String token() throws IOException {
            if (tokenFile != null) return Files.readString(tokenFile).trim();
            String t = System.getenv("MXFRONT_TOKEN");
            return t == null ? "" : t.trim();
        }

        Answer call(String method, String path, Object body) throws IOException, InterruptedException {
            HttpRequest.BodyPublisher pub = body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body));
            HttpRequest req = HttpRequest.newBuilder(URI.create("http://" + server + path)).timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Bearer " + token()).header("Content-Type", "application/json")
                    .method(method, pub).build();
            HttpResponse<String> r = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
                    .send(req, HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(r.body()));
        }

        /** Prints an answer; returns the exit code. */
        int report(Answer a, Consumer<JsonNode> human) {
            if (a.status() >= 200 && a.status() < 300) {
                if (json) System.out.println(a.body().toPrettyString());
                else human.accept(a.body());
                return 0;
            }
            if (json) System.out.println(a.body().toPrettyString());
            else System.err.println("mxfront: " + a.status() + ": " + a.body().path("error").asText("error")
                    + (a.body().has("field") ? " (field " + a.body().get("field").asText() + ")" : ""));
            return exit(a.status());
        }

        static int exit(int status) {
            if (status == 401 || status == 403) return NO_PERMISSION;
            if (status >= 500) return UNAVAILABLE;
            return REFUSED;
        }

        /** DELETE {@code path}; says "removed {@code what}" when it went. Returns the exit code. */
        int remove(String path, Object what) throws Exception {
            return run(() -> report(call("DELETE", path, null), d -> System.out.println("removed " + what)));
        }

        int run(Callable<Integer> c) throws Exception {
            try {
                return c.call();
            } catch (ConnectException e) {
                System.err.println("mxfront: cannot reach the daemon's admin listener at " + server);
                return UNAVAILABLE;
            }
        }
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    // --- mxfront admin ---------------------------------------------------------------------------------

    @Command(name = "admin", mixinStandardHelpOptions = true, description = "Users and API tokens of the policy store (on the host).",
            subcommands = {CreateUser.class, CreateToken.class})
    static final class Admin implements Runnable {
        @Override
        public void run() {
            picocli.CommandLine.usage(this, System.out);
        }
    }

    /** Opens the store of a configuration file (without starting the daemon's poller). */
    static <T> T withStore(Path config, StoreWork<T> work) throws Exception {
        DaemonConfig c;
        try {
            c = new ConfigLoader(Doors.ALL).load(config, new SimpleMeterRegistry());
        } catch (ConfigException e) {
            System.err.println("mxfront: " + e.getMessage());
            throw new ExitException(78);
        }
        try {
            if (!(c.engine().directory() instanceof StoreDomains sd)) {
                System.err.println("mxfront: the policy store is not enabled in " + c.source() + " (policy-store: {enabled: true})");
                throw new ExitException(78);
            }
            PolicyStore store = sd.service().store();
            store.migrate();
            return work.run(store);
        } finally {
            c.resources().close();
        }
    }

    @FunctionalInterface
    interface StoreWork<T> {
        T run(PolicyStore store) throws Exception;
    }

    static final class ExitException extends RuntimeException {
        final int code;

        ExitException(int code) {
            this.code = code;
        }
    }

    @Command(name = "create-user", mixinStandardHelpOptions = true, description = "Create a user of the API (or change its role).")
    static final class CreateUser implements Callable<Integer> {
        @Option(names = {"-c", "--config"}, required = true, description = "The daemon's configuration file.")
        Path config;

        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--role", required = true, description = "operator, domain-admin or user.")
        String role;

        @Option(names = "--domain", description = "A domain a domain-admin manages (repeat for several).")
        List<String> domains = new ArrayList<>();

        @Option(names = "--address", description = "The address a user manages.")
        String address;

        @Override
        public Integer call() throws Exception {
            try {
                Principal.Role r;
                try {
                    r = Principal.Role.of(role);
                } catch (IllegalArgumentException e) {
                    System.err.println("mxfront: --role: expected operator, domain-admin or user");
                    return 2;
                }
                List<String> ds = new ArrayList<>();
                for (String d : domains) ds.add(EntryValues.domain("--domain", d));
                String a = address == null ? null : EntryValues.address("--address", address);
                if (r == Principal.Role.DOMAIN_ADMIN && ds.isEmpty()) {
                    System.err.println("mxfront: --domain: a domain-admin needs at least one");
                    return 2;
                }
                if (r == Principal.Role.USER && a == null) {
                    System.err.println("mxfront: --address: a user needs one");
                    return 2;
                }
                String n = EntryValues.text("NAME", name, 320);
                withStore(config, s -> {
                    s.putUser("cli:" + System.getProperty("user.name"), new PolicyStore.User(n, r.key(), ds, a, null));
                    return null;
                });
                System.out.println("user " + n + " (" + r.key() + ") stored");
                return 0;
            } catch (EntryValues.BadValue e) {
                System.err.println("mxfront: " + e.getMessage());
                return 2;
            } catch (ExitException e) {
                return e.code;
            }
        }
    }

    @Command(name = "create-token", mixinStandardHelpOptions = true,
            description = "Create an API token for a user; it is printed once (only its hash is stored).")
    static final class CreateToken implements Callable<Integer> {
        @Option(names = {"-c", "--config"}, required = true, description = "The daemon's configuration file.")
        Path config;

        @Parameters(paramLabel = "USER")
        String user;

        @Option(names = "--expires-in", description = "Lifetime in days (default: no expiry).")
        Integer days;

        @Override
        public Integer call() throws Exception {
            try {
                Tokens.New t = Tokens.create();
                Integer r = withStore(config, s -> {
                    if (s.user(user).isEmpty()) {
                        System.err.println("mxfront: no user " + user + " (mxfront admin create-user first)");
                        return REFUSED;
                    }
                    s.addToken("cli:" + System.getProperty("user.name"), new PolicyStore.Token(t.id(), user, t.hash(), Instant.now(),
                            days == null ? null : Instant.now().plus(Duration.ofDays(days))));
                    return 0;
                });
                if (r == 0) System.out.println(t.token());
                return r;
            } catch (ExitException e) {
                return e.code;
            }
        }
    }

    // --- mxfront domains -------------------------------------------------------------------------------

    @Command(name = "domains", mixinStandardHelpOptions = true, description = "The policy store's domains (through the API).",
            subcommands = {DomainsList.class, DomainsAdd.class, DomainsSet.class, DomainsRemove.class})
    static final class Domains implements Runnable {
        @Override
        public void run() {
            picocli.CommandLine.usage(this, System.out);
        }
    }

    static void printDomains(JsonNode page) {
        for (JsonNode d : page.path("items")) System.out.println(d.get("name").asText() + "\t" + d.get("settings"));
        if (page.has("total")) System.out.println("(" + page.get("items").size() + " of " + page.get("total").asInt() + ")");
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List (or search) domains.")
    static final class DomainsList implements Callable<Integer> {
        @Mixin Client client;
        @Option(names = "--search") String q;
        @Option(names = "--offset", defaultValue = "0") int offset;
        @Option(names = "--limit", defaultValue = "100") int limit;

        @Override
        public Integer call() throws Exception {
            return client.run(() -> client.report(client.call("GET", "/api/v1/domains?offset=" + offset + "&limit=" + limit
                    + (q == null ? "" : "&q=" + enc(q)), null), PolicyCommands::printDomains));
        }
    }

    static JsonNode settings(String text) throws IOException {
        return text == null ? JSON.createObjectNode() : JSON.readTree(text);
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Add a domain: mail for it is accepted on every host within seconds.")
    static final class DomainsAdd implements Callable<Integer> {
        @Mixin Client client;
        @Parameters(paramLabel = "DOMAIN") String name;
        @Option(names = "--settings", description = "Its settings as JSON, the shape of one domains: entry: {\"checks\": {...}}.")
        String settings;

        @Override
        public Integer call() throws Exception {
            ObjectNode b = JSON.createObjectNode().put("name", name);
            b.set("settings", settings(settings));
            return client.run(() -> client.report(client.call("POST", "/api/v1/domains", b),
                    d -> System.out.println("added " + d.get("name").asText())));
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true, description = "Replace a domain's settings.")
    static final class DomainsSet implements Callable<Integer> {
        @Mixin Client client;
        @Parameters(paramLabel = "DOMAIN") String name;
        @Option(names = "--settings", required = true, description = "Its settings as JSON: {\"checks\": {...}}.") String settings;

        @Override
        public Integer call() throws Exception {
            ObjectNode b = JSON.createObjectNode();
            b.set("settings", settings(settings));
            return client.run(() -> client.report(client.call("PUT", "/api/v1/domains/" + enc(name), b),
                    d -> System.out.println("set " + d.get("name").asText())));
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a domain.")
    static final class DomainsRemove implements Callable<Integer> {
        @Mixin Client client;
        @Parameters(paramLabel = "DOMAIN") String name;

        @Override
        public Integer call() throws Exception {
            return client.remove("/api/v1/domains/" + enc(name), name);
        }
    }

    // --- mxfront lists ---------------------------------------------------------------------------------

    @Command(name = "lists", mixinStandardHelpOptions = true, description = "Block and safe lists (through the API).",
            subcommands = {ListsList.class, ListsAdd.class, ListsRemove.class})
    static final class Lists implements Runnable {
        @Override
        public void run() {
            picocli.CommandLine.usage(this, System.out);
        }
    }

    static void printEntries(JsonNode page) {
        for (JsonNode e : page.path("items")) printEntry(e);
        if (page.has("total")) System.out.println("(" + page.get("items").size() + " of " + page.get("total").asInt() + ")");
    }

    static void printEntry(JsonNode e) {
        System.out.println(e.get("id").asText() + "\t" + e.get("scope").asText() + "\t" + e.get("key").asText() + "\t"
                + e.get("action").asText() + "\t" + e.get("kind").asText() + "\t" + e.get("value").asText() + "\t"
                + (e.get("expires_at").isNull() ? "-" : e.get("expires_at").asText()) + "\t" + e.get("created_by").asText()
                + (e.get("comment").isNull() ? "" : "\t" + e.get("comment").asText()));
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List (or search) entries.")
    static final class ListsList implements Callable<Integer> {
        @Mixin Client client;
        @Option(names = "--scope", description = "operator, domain or user.") String scope;
        @Option(names = "--key", description = "The domain or address of the scope.") String key;
        @Option(names = "--search") String q;
        @Option(names = "--offset", defaultValue = "0") int offset;
        @Option(names = "--limit", defaultValue = "100") int limit;

        @Override
        public Integer call() throws Exception {
            String path = "/api/v1/entries?offset=" + offset + "&limit=" + limit + (scope == null ? "" : "&scope=" + enc(scope))
                    + (key == null ? "" : "&key=" + enc(key)) + (q == null ? "" : "&q=" + enc(q));
            return client.run(() -> client.report(client.call("GET", path, null), PolicyCommands::printEntries));
        }
    }

    static final class Action {
        @Option(names = "--block", required = true) boolean block;
        @Option(names = "--safe", required = true) boolean safe;
    }

    static final class What {
        @Option(names = "--ip", required = true, description = "A client address or CIDR block.") String ip;
        @Option(names = "--sender", required = true, description = "A sender address.") String sender;
        @Option(names = "--sender-domain", required = true, description = "A sender domain (.example.net: with its subdomains).") String senderDomain;
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Add a block or safe entry.")
    static final class ListsAdd implements Callable<Integer> {
        @Mixin Client client;
        @Option(names = "--scope", required = true, description = "operator, domain or user.") String scope;
        @Option(names = "--key", description = "The domain (domain scope) or address (user scope).") String key;
        @ArgGroup(exclusive = true, multiplicity = "1") Action action;
        @ArgGroup(exclusive = true, multiplicity = "1") What what;
        @Option(names = "--expires", description = "When it stops applying: 2026-12-31T23:59:59Z.") String expires;
        @Option(names = "--comment") String comment;

        @Override
        public Integer call() throws Exception {
            ObjectNode b = JSON.createObjectNode().put("scope", scope).put("action", action.block ? "block" : "safe");
            if (key != null) b.put("key", key);
            if (what.ip != null) b.put("kind", "ip").put("value", what.ip);
            else if (what.sender != null) b.put("kind", "sender").put("value", what.sender);
            else b.put("kind", "sender-domain").put("value", what.senderDomain);
            if (expires != null) b.put("expires_at", expires);
            if (comment != null) b.put("comment", comment);
            return client.run(() -> client.report(client.call("POST", "/api/v1/entries", b), PolicyCommands::printEntry));
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove an entry by id.")
    static final class ListsRemove implements Callable<Integer> {
        @Mixin Client client;
        @Parameters(paramLabel = "ID") long id;

        @Override
        public Integer call() throws Exception {
            return client.remove("/api/v1/entries/" + id, id);
        }
    }

    // --- mxfront policy import -------------------------------------------------------------------------

    @Command(name = "policy", mixinStandardHelpOptions = true, description = "The policy store as a whole.",
            subcommands = {Import.class})
    static final class Policy implements Runnable {
        @Override
        public void run() {
            picocli.CommandLine.usage(this, System.out);
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = "Load a configuration file's domains: (with their settings) and its ip-blocklist and sender-blocklist "
                    + "lists into the store, as operator-scope block entries. Domains already stored get the file's settings; "
                    + "entries already stored are skipped. Needs an operator token.")
    static final class Import implements Callable<Integer> {
        @Mixin Client client;
        @Parameters(paramLabel = "FILE") Path file;

        @Override
        public Integer call() throws Exception {
            DaemonConfig c;
            try {
                c = new ConfigLoader(Doors.ALL).load(file, new SimpleMeterRegistry());
            } catch (ConfigException e) {
                System.err.println("mxfront: " + e.getMessage());
                return 78;
            }
            c.resources().close();
            return client.run(() -> importAll(c));
        }

        private int importAll(DaemonConfig c) throws Exception {
            int domains = 0;
            int entries = 0;
            int skipped = 0;
            Map<String, Settings.DomainSettings> ds = c.settings().domains() == null ? Map.of() : c.settings().domains();
            for (Map.Entry<String, Settings.DomainSettings> e : ds.entrySet()) {
                ObjectNode settings = JSON.createObjectNode();
                if (e.getValue() != null && e.getValue().checks() != null) settings.set("checks", e.getValue().checks());
                ObjectNode b = JSON.createObjectNode().put("name", e.getKey());
                b.set("settings", settings);
                Client.Answer a = client.call("POST", "/api/v1/domains", b);
                if (a.status() == 409) {
                    b.remove("name");
                    a = client.call("PUT", "/api/v1/domains/" + enc(e.getKey().toLowerCase(Locale.ROOT)), b);
                }
                if (a.status() >= 300) return client.report(a, x -> { });
                domains++;
            }
            JsonNode checks = c.settings().checks() == null ? JSON.createObjectNode() : c.settings().checks();
            List<ObjectNode> wanted = new ArrayList<>();
            JsonNode ipb = checks.path("ip-blocklist");
            for (JsonNode n : ipb.path("networks")) wanted.add(entry("ip", n.asText()));
            for (JsonNode f : ipb.path("files")) {
                for (ListFile.Entry le : ListFile.read(Path.of(f.asText())).entries()) wanted.add(entry("ip", le.text()));
            }
            for (JsonNode f : checks.path("sender-blocklist").path("files")) {
                for (ListFile.Entry le : ListFile.read(Path.of(f.asText())).entries()) {
                    String t = le.text();
                    if (t.startsWith("@")) wanted.add(entry("sender-domain", t.substring(1)));
                    else if (t.contains("@")) wanted.add(entry("sender", t));
                    else wanted.add(entry("sender-domain", "." + t));
                }
            }
            for (ObjectNode b : wanted) {
                Client.Answer a = client.call("POST", "/api/v1/entries", b);
                if (a.status() == 409) {
                    skipped++;
                    continue;
                }
                if (a.status() >= 300) return client.report(a, x -> { });
                entries++;
            }
            System.out.println("imported " + domains + " domains and " + entries + " list entries (" + skipped + " already stored)");
            return 0;
        }

        private static ObjectNode entry(String kind, String value) {
            return JSON.createObjectNode().put("scope", "operator").put("action", "block").put("kind", kind).put("value", value)
                    .put("comment", "mxfront policy import");
        }
    }

}
