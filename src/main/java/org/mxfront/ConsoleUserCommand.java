// `mxfront console-user NAME --role ROLE [--domains a,b]`: prints one line for console.users-file
// with the password (read from the terminal, or the first line of stdin) hashed with Argon2id, so
// that an operator creates the first console account without the console and never stores a
// password in clear.
package org.mxfront;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.mxfront.console.Passwords;
import org.mxfront.console.Role;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Makes a console account line. */
@Command(name = "console-user", mixinStandardHelpOptions = true,
        description = "Print a line for console.users-file: NAME ROLE DOMAINS HASH (the password is read from the terminal or stdin).")
final class ConsoleUserCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "The login name (a user's is their mail address).")
    String name;

    @Option(names = "--role", required = true, description = "operator, domain-admin or user.")
    String role;

    @Option(names = "--domains", defaultValue = "-", description = "A domain admin's domains, comma-separated.")
    String domains;

    @Override
    public Integer call() throws Exception {
        Role r;
        try {
            r = Role.of(role);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        if (name.isBlank() || name.chars().anyMatch(Character::isWhitespace)) {
            System.err.println("the name must be one word");
            return 2;
        }
        if (r == Role.DOMAIN_ADMIN && domains.equals("-")) {
            System.err.println("a domain admin needs --domains");
            return 2;
        }
        if (r == Role.USER && !name.contains("@")) {
            System.err.println("a user's name is their mail address");
            return 2;
        }
        char[] password;
        if (System.console() != null) {
            password = System.console().readPassword("password for %s: ", name);
        } else {
            String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            password = line == null ? new char[0] : line.toCharArray();
        }
        if (password == null || password.length < 8) {
            System.err.println("the password must have at least 8 characters");
            return 2;
        }
        System.out.println(name + " " + r.key() + " " + (r == Role.DOMAIN_ADMIN ? domains.toLowerCase(Locale.ROOT) : "-")
                + " " + Passwords.hash(password));
        return 0;
    }
}
