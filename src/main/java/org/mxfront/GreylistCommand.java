// `mxfront greylist list|allow|delete`: inspect and edit the greylisting store that the
// configuration file selects (embedded file or Redis). While a running daemon holds the embedded
// store's file, the command goes through that daemon's loopback admin endpoint (/greylist) instead.
package org.mxfront;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.Callable;
import org.mxfront.checks.SharedResources;
import org.mxfront.config.ConfigException;
import org.mxfront.config.ConfigLoader;
import org.mxfront.config.DaemonConfig;
import org.mxfront.greylist.GreylistStoreException;
import org.mxfront.policy.CheckAdmin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The greylisting store's admin commands. */
@Command(name = "greylist", mixinStandardHelpOptions = true,
        description = "Inspect and edit the greylisting store (embedded or Redis, as the configuration says).",
        subcommands = {GreylistCommand.ListCmd.class, GreylistCommand.AllowCmd.class, GreylistCommand.DeleteCmd.class})
final class GreylistCommand implements Runnable {
    @Override
    public void run() {
        picocli.CommandLine.usage(this, System.out);
    }

    /** Options every subcommand takes. */
    static final class Common {
        @Option(names = {"-c", "--config"}, description = "Configuration file (default: the embedded defaults).")
        Path config;

        @Option(names = "--server", description = "Go through a running daemon's admin endpoint (e.g. 127.0.0.1:9725)"
                + " instead of opening the store; used by itself when the daemon holds the embedded store.")
        String server;

        /** Runs an action locally, or through the daemon. Returns the exit code. */
        int execute(Map<String, List<String>> params) throws Exception {
            if (server != null) return remote(server, params);
            try (SharedResources resources = new SharedResources()) {
                DaemonConfig c;
                try {
                    c = new ConfigLoader(Doors.ALL, Clock.systemUTC(), resources).load(config, new SimpleMeterRegistry());
                } catch (ConfigException e) {
                    System.err.println(e.getMessage());
                    return 1;
                }
                CheckAdmin g = c.engine().admin("greylist").orElse(null);
                if (g == null) {
                    System.err.println("greylisting is not enabled in " + c.source() + " (checks: greylist:)");
                    return 1;
                }
                try {
                    System.out.print(g.run(params));
                    return 0;
                } catch (GreylistStoreException e) {
                    String listen = c.settings().metrics() == null ? null : c.settings().metrics().listen();
                    if (String.valueOf(e.getMessage()).contains("locked") && listen != null && !listen.isBlank()) {
                        System.err.println("the store is held by a running mxfront: asking it at " + listen);
                        return remote(listen, params);
                    }
                    System.err.println("mxfront greylist: " + e.getMessage());
                    return 1;
                } catch (IllegalArgumentException e) {
                    System.err.println("mxfront greylist: " + e.getMessage());
                    return 2;
                } catch (NoSuchElementException e) {
                    System.err.println("mxfront greylist: " + e.getMessage());
                    return 1;
                }
            }
        }
    }

    static int remote(String server, Map<String, List<String>> params) throws Exception {
        StringBuilder q = new StringBuilder();
        for (Map.Entry<String, List<String>> e : params.entrySet()) {
            for (String v : e.getValue()) {
                q.append(q.isEmpty() ? "" : "&").append(enc(e.getKey())).append('=').append(enc(v));
            }
        }
        boolean list = "list".equals(params.get("action").get(0));
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + server + "/greylist?" + q));
        b = list ? b.GET() : b.POST(HttpRequest.BodyPublishers.noBody());
        HttpResponse<String> r = HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
        (r.statusCode() == 200 ? System.out : System.err).print(r.body());
        return r.statusCode() == 200 ? 0 : 1;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static Map<String, List<String>> params(String... kv) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < kv.length; i += 2) {
            if (kv[i + 1] != null) m.put(kv[i], List.of(kv[i + 1]));
        }
        return m;
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List tuples and allowed clients (tab-separated).")
    static final class ListCmd implements Callable<Integer> {
        @Mixin Common common;

        @Option(names = "--tuples", description = "Only tuples.") boolean tuples;
        @Option(names = "--clients", description = "Only allowed clients.") boolean clients;
        @Option(names = "--match", description = "Only keys containing this text.") String match;
        @Option(names = "--limit", defaultValue = "1000", description = "At most this many of each kind (default: ${DEFAULT-VALUE}).")
        int limit;

        @Override
        public Integer call() throws Exception {
            String kind = tuples == clients ? "all" : tuples ? "tuples" : "clients";
            return common.execute(params("action", "list", "kind", kind, "match", match, "limit", Integer.toString(limit)));
        }
    }

    @Command(name = "allow", mixinStandardHelpOptions = true,
            description = "Never greylist a client: an address (its network is allowed), a network, or a domain.")
    static final class AllowCmd implements Callable<Integer> {
        @Mixin Common common;

        @Parameters(paramLabel = "CLIENT", description = "192.0.2.7, 192.0.2.0/24, 2001:db8::1 or example.net")
        String client;

        @Option(names = "--for", defaultValue = "35d", description = "How long (default: ${DEFAULT-VALUE}).") String ttl;

        @Override
        public Integer call() throws Exception {
            return common.execute(params("action", "allow", "client", client, "for", ttl));
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Delete a tuple (CLIENT|sender|recipient as listed) or a client's allow entry.")
    static final class DeleteCmd implements Callable<Integer> {
        @Mixin Common common;

        @Parameters(paramLabel = "KEY", description = "A tuple key, or a client (address, network, domain).") String key;

        @Option(names = "--tuples", description = "With a client: delete its tuples too.") boolean tuples;

        @Override
        public Integer call() throws Exception {
            return common.execute(params("action", "delete", "key", key, "tuples", Boolean.toString(tuples)));
        }
    }
}
