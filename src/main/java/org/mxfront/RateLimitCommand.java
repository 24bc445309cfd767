// `mxfront ratelimit list|reset KEY`: the rate-limit buckets of the running daemon, through its
// loopback admin endpoint (/ratelimit at metrics.listen, or --server): the embedded store lives in
// the daemon's memory, so the daemon is always the one asked.
package org.mxfront;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.mxfront.checks.SharedResources;
import org.mxfront.config.ConfigException;
import org.mxfront.config.ConfigLoader;
import org.mxfront.config.DaemonConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The rate-limit admin commands. */
@Command(name = "ratelimit", mixinStandardHelpOptions = true,
        description = "List or reset the rate-limit buckets of the running daemon.",
        subcommands = {RateLimitCommand.ListCmd.class, RateLimitCommand.ResetCmd.class})
final class RateLimitCommand implements Runnable {
    @Override
    public void run() {
        picocli.CommandLine.usage(this, System.out);
    }

    /** Options every subcommand takes. */
    static final class Common {
        @Option(names = {"-c", "--config"}, description = "The daemon's configuration file, for its metrics.listen address"
                + " (default: the embedded defaults, 127.0.0.1:9725).")
        Path config;

        @Option(names = "--server", description = "The daemon's admin endpoint (e.g. 127.0.0.1:9725); overrides --config.")
        String server;

        int execute(Map<String, String> params, boolean post) throws Exception {
            String where = server;
            if (where == null) {
                try (SharedResources resources = new SharedResources()) {
                    DaemonConfig c = new ConfigLoader(Doors.ALL, Clock.systemUTC(), resources).load(config, new SimpleMeterRegistry());
                    where = c.settings().metrics() == null ? null : c.settings().metrics().listen();
                } catch (ConfigException e) {
                    System.err.println(e.getMessage());
                    return 1;
                }
                if (where == null || where.isBlank()) {
                    System.err.println("mxfront ratelimit: metrics.listen is off in the configuration; give --server");
                    return 1;
                }
            }
            StringBuilder q = new StringBuilder();
            for (Map.Entry<String, String> e : params.entrySet()) {
                if (e.getValue() == null) continue;
                q.append(q.isEmpty() ? "" : "&").append(enc(e.getKey())).append('=').append(enc(e.getValue()));
            }
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + where + "/ratelimit?" + q)).timeout(Duration.ofSeconds(30));
            b = post ? b.POST(HttpRequest.BodyPublishers.noBody()) : b.GET();
            HttpResponse<String> r;
            try {
                r = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build().send(b.build(),
                        HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                System.err.println("mxfront ratelimit: no daemon answers at " + where + ": " + e.getMessage());
                return 1;
            }
            (r.statusCode() == 200 ? System.out : System.err).print(r.body());
            return r.statusCode() == 200 ? 0 : 1;
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the buckets (tab-separated: key, events available now, when full again).")
    static final class ListCmd implements Callable<Integer> {
        @Mixin Common common;

        @Option(names = "--match", description = "Only keys containing this text.") String match;
        @Option(names = "--limit", defaultValue = "1000", description = "At most this many (default: ${DEFAULT-VALUE}).")
        int limit;

        @Override
        public Integer call() throws Exception {
            Map<String, String> p = new LinkedHashMap<>();
            p.put("action", "list");
            p.put("match", match);
            p.put("limit", Integer.toString(limit));
            return common.execute(p, false);
        }
    }

    @Command(name = "reset", mixinStandardHelpOptions = true,
            description = "Forget one bucket, so that its limit starts over (KEY as listed, e.g. per-client/100/3600s/100:192.0.2.7).")
    static final class ResetCmd implements Callable<Integer> {
        @Mixin Common common;

        @Parameters(paramLabel = "KEY", description = "RULE/N/SECONDSs/BURST:VALUE, as listed") String key;

        @Override
        public Integer call() throws Exception {
            Map<String, String> p = new LinkedHashMap<>();
            p.put("action", "reset");
            p.put("key", key);
            return common.execute(p, true);
        }
    }
}
