// `mxfront spam learn --spam|--ham FILE...`: teaches the classifier the spam check uses (the
// configuration's checks.spam, or the domain's) one message per file: rspamd through its controller
// (/learnspam, /learnham, with the password read from rspamd.password-file), spamd through TELL
// (Message-class, Set: local; spamd needs --allow-tell), through checks/spam/SpamLearner as the API
// and the console do. Exit 0 when every file was learned.
package org.mxfront;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import org.mxfront.checks.SharedResources;
import org.mxfront.checks.spam.SpamConfig;
import org.mxfront.checks.spam.SpamLearner;
import org.mxfront.config.ConfigException;
import org.mxfront.config.ConfigLoader;
import org.mxfront.config.DaemonConfig;
import org.mxfront.spam.SpamBackend;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The spam classifier's admin commands. */
@Command(name = "spam", mixinStandardHelpOptions = true, description = "Work with the spam check's classifier (rspamd or spamd).",
        subcommands = {SpamCommand.Learn.class})
final class SpamCommand implements Runnable {
    @Override
    public void run() {
        picocli.CommandLine.usage(this, System.out);
    }

    @Command(name = "learn", mixinStandardHelpOptions = true,
            description = "Teach the classifier's Bayes filter messages (RFC 5322 files) as spam or as ham.")
    static final class Learn implements Callable<Integer> {
        static final class Kind {
            @Option(names = "--spam", required = true, description = "The messages are spam.") boolean spam;
            @Option(names = "--ham", required = true, description = "The messages are not spam.") boolean ham;
        }

        @ArgGroup(exclusive = true, multiplicity = "1") Kind kind;

        @Option(names = {"-c", "--config"}, description = "Configuration file (default: the embedded defaults).")
        Path config;

        @Option(names = "--domain", description = "Use this recipient domain's spam settings (its domains: override).")
        String domain;

        @Parameters(paramLabel = "FILE", arity = "1..*", description = "Message files.") List<Path> files;

        @Override
        public Integer call() {
            SpamConfig c;
            try (SharedResources resources = new SharedResources()) {
                DaemonConfig dc;
                try {
                    ConfigLoader loader = new ConfigLoader(Doors.ALL, Clock.systemUTC(), resources);
                    dc = config == null ? loader.loadDefaults(new SimpleMeterRegistry()) : loader.load(config, new SimpleMeterRegistry());
                } catch (ConfigException e) {
                    System.err.println(e.getMessage());
                    return 1;
                }
                c = SpamLearner.config(dc.engine(), domain);
            }
            if (c == null) {
                System.err.println("mxfront spam learn: the spam check is not enabled in " + (config == null ? "the defaults" : config)
                        + (domain == null ? "" : " for " + domain));
                return 1;
            }
            SpamBackend backend;
            try {
                backend = SpamLearner.backend(c);
            } catch (IOException e) {
                System.err.println("mxfront spam learn: " + e.getMessage());
                return 1;
            }
            int failed = 0;
            try (backend) {
                for (Path f : files) {
                    try {
                        String answer = backend.learn(kind.spam, Files.readAllBytes(f));
                        System.out.println(f + ": learned as " + (kind.spam ? "spam" : "ham") + " by " + backend.name() + ": " + answer);
                    } catch (IOException e) {
                        failed++;
                        System.err.println(f + ": not learned: " + e.getMessage());
                    }
                }
            }
            return failed == 0 ? 0 : 1;
        }
    }
}
