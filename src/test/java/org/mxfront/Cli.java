// Runs the mxfront command line inside the test JVM and captures what it prints, for the tests of
// check-config, codes, explain and the greylist admin commands.
package org.mxfront;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/** The command line as a function: arguments in, exit code and output out. */
public final class Cli {
    private Cli() {}

    /** One run's exit code, standard output and standard error. */
    public record Run(int exit, String out, String err) {}

    /** Runs {@code mxfront ARGS...}; System.out/err are captured and restored. */
    public static synchronized Run run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int exit = new CommandLine(new Main()).execute(args);
            return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }
}
