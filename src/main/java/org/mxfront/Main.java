// The mxfront command line (picocli): run, check-config, codes, explain, reload, greylist, ratelimit,
// admin, domains, lists, policy (the policy store: PolicyCommands). Wiring only.
package org.mxfront;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import org.mxfront.checks.ratelimit.RateLimitCheck;
import org.mxfront.codes.ReplyCatalogue;
import org.mxfront.config.ConfigException;
import org.mxfront.config.ConfigLoader;
import org.mxfront.config.DaemonConfig;
import org.mxfront.config.DoorSettings;
import org.mxfront.config.Settings;
import org.mxfront.net.Networks;
import org.mxfront.policy.ConfiguredCheck;
import org.mxfront.policy.Policy;
import org.mxfront.smtp.SmtpFrontDoor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/** Entry point. */
@Command(name = "mxfront", mixinStandardHelpOptions = true, version = "mxfront 0.1.0",
        description = "Mail policy daemon in front of Postfix.",
        subcommands = {Main.Run.class, Main.CheckConfig.class, Main.Codes.class, ExplainCommand.class, ConsoleUserCommand.class,
                ReloadCommand.class, GreylistCommand.class, RateLimitCommand.class, PolicyCommands.Admin.class,
                PolicyCommands.Domains.class, PolicyCommands.Lists.class, PolicyCommands.Policy.class, SpamCommand.class})
public final class Main implements Runnable {
    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }

    public static void main(String[] args) {
        quietNettyOnNewJdks();
        System.exit(new CommandLine(new Main()).execute(args));
    }

    /**
     * JDK 24+ prints a warning to stderr on the first sun.misc.Unsafe memory access (Netty's) unless the
     * JVM runs with --sun-misc-unsafe-memory-access=allow, as bin/mxfront and the package start it. A
     * plain {@code java -jar mxfront.jar} gets Netty without Unsafe instead (Netty's own switch, read
     * when its first class loads, so this runs first): same behaviour, heap rather than direct I/O
     * buffers. An explicit -Dio.netty.noUnsafe or --sun-misc-unsafe-memory-access is left alone.
     */
    static void quietNettyOnNewJdks() {
        if (Runtime.version().feature() >= 24 && System.getProperty("sun.misc.unsafe.memory.access") == null
                && System.getProperty("io.netty.noUnsafe") == null) {
            System.setProperty("io.netty.noUnsafe", "true");
        }
    }

    /** Runs the daemon until SIGTERM/SIGINT. */
    @Command(name = "run", mixinStandardHelpOptions = true, description = "Run the daemon.")
    static final class Run implements Callable<Integer> {
        @Option(names = {"-c", "--config"}, description = "Configuration file (default: the embedded defaults).")
        Path config;

        @Override
        public Integer call() throws Exception {
            PrometheusMeterRegistry registry = Daemon.newRegistry();
            DaemonConfig cfg;
            try {
                cfg = new ConfigLoader(Doors.ALL).load(config, registry);
            } catch (ConfigException e) {
                System.err.println("mxfront: " + e.getMessage());
                return 78; // EX_CONFIG
            }
            if (cfg.settings().logging() != null
                    && cfg.settings().logging().format() == Settings.LogFormat.JSON) {
                LogFormat.json();
            }
            CountDownLatch stop = new CountDownLatch(1);
            Daemon d = new Daemon(cfg, config, registry).start();
            // SIGHUP (systemctl reload) re-reads the file; without a handler the JVM would exit.
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), sig -> Thread.ofVirtual().start(d::reload));
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                d.close();
                stop.countDown();
            }, "mxfront-shutdown"));
            stop.await();
            return 0;
        }
    }

    /** Validates a file. */
    @Command(name = "check-config", mixinStandardHelpOptions = true,
            description = "Validate a configuration file; on error print file:line: key: problem and exit 1.")
    static final class CheckConfig implements Callable<Integer> {
        @Parameters(paramLabel = "FILE", description = "The file to check.")
        Path file;

        @Override
        public Integer call() {
            try {
                DaemonConfig c = new ConfigLoader(Doors.ALL).load(file, new SimpleMeterRegistry());
                System.out.println(file + ": OK (" + c.engine().defaultPolicy().checks().size() + " checks, listen "
                        + doors(c) + ")");
                System.out.println(localDomains(c));
                if (c.doorOn(SmtpFrontDoor.TYPE.name())) {
                    for (String rule : saslRules(c)) {
                        System.out.println(file + ": warning: checks.rate-limit.rules." + rule + ": the SMTP door has no"
                                + " SMTP AUTH, so sasl-user/sasl-domain are never known there; the rule counts only at the"
                                + " policy-server and milter doors");
                    }
                }
                return 0;
            } catch (ConfigException e) {
                System.err.println(e.getMessage());
                return 1;
            }
        }

        /**
         * The local domains in effect, so that a `domains:` map that replaced the shipped list (example.com)
         * shows before start: {@code local domains (2): example.org, example.net}; past 20, a count of the rest.
         */
        static String localDomains(DaemonConfig c) {
            var names = c.settings().domains() == null ? List.<String>of() : List.copyOf(c.settings().domains().keySet());
            StringBuilder sb = new StringBuilder("local domains (").append(names.size()).append(")");
            if (names.isEmpty()) return sb.append(": none (mail for any domain is relayed only from relay-networks)").toString();
            sb.append(": ").append(String.join(", ", names.subList(0, Math.min(20, names.size()))));
            if (names.size() > 20) sb.append(", and ").append(names.size() - 20).append(" more");
            return sb.toString();
        }

        /** Rate-limit rules keyed on the SMTP AUTH user, in any policy: the SMTP door never knows that user. */
        private static Set<String> saslRules(DaemonConfig c) {
            Set<String> names = new TreeSet<>();
            List<Policy> policies = new ArrayList<>(c.engine().domainPolicies().values());
            policies.add(c.engine().defaultPolicy());
            for (Policy p : policies) {
                for (ConfiguredCheck cc : p.checks()) {
                    if (cc.check() instanceof RateLimitCheck r) names.addAll(r.saslRules());
                }
            }
            return names;
        }

        /** The doors that are on, as {@code smtp 127.0.0.1:2525, downstream 127.0.0.1:10025, milter [::1]:10050}. */
        private static String doors(DaemonConfig c) {
            // Addresses as an administrator writes them (127.0.0.1:2525, [::1]:25), as the log lines do.
            return Doors.ALL.stream().map(t -> t.settings(c)).filter(s -> s != null && s.enabled())
                    .map(DoorSettings::describe).collect(Collectors.joining(", "));
        }
    }

    /** Prints the code table. */
    @Command(name = "codes", mixinStandardHelpOptions = true,
            description = "Print the reply-code table as Markdown (the public \"why was my mail rejected\" page).")
    static final class Codes implements Callable<Integer> {
        @Option(names = {"-c", "--config"}, description = "Use this file's prefix and texts.")
        Path config;

        @Override
        public Integer call() {
            ReplyCatalogue cat;
            try {
                cat = new ConfigLoader(Doors.ALL).load(config, new SimpleMeterRegistry()).engine().catalogue();
            } catch (ConfigException e) {
                System.err.println(e.getMessage());
                return 1;
            }
            System.out.print(cat.markdown());
            return 0;
        }
    }
}
