// The console's local accounts until the policy store's user table is merged: one account a line,
//   NAME ROLE DOMAINS ARGON2ID-HASH
// e.g. "admin operator - $argon2id$v=19$...", "alice domain-admin example.com,example.org $argon2id$...",
// "bob@example.com user - $argon2id$..." (a user's name is their address). `mxfront console-user`
// prints such a line. Re-read when the file changes, so adding an account needs no restart.
package org.mxfront.console;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Accounts from a file. Thread-safe. */
public final class UsersFile implements Authenticator {
    private static final Logger LOG = LoggerFactory.getLogger(UsersFile.class);

    /** One account. */
    record Account(Principal principal, String hash) {}

    private final Path file;
    private volatile Map<String, Account> accounts = Map.of();
    private volatile FileTime readAt;

    public UsersFile(Path file) {
        this.file = file;
    }

    @Override
    public Optional<Principal> authenticate(String name, char[] password) throws Unavailable {
        Account a = accounts().get(name.toLowerCase(Locale.ROOT));
        if (a == null) {
            Passwords.verifyDummy(password);
            return Optional.empty();
        }
        return Passwords.verify(password, a.hash()) ? Optional.of(a.principal()) : Optional.empty();
    }

    private Map<String, Account> accounts() throws Unavailable {
        try {
            FileTime t = Files.getLastModifiedTime(file);
            if (!t.equals(readAt)) {
                synchronized (this) {
                    if (!t.equals(readAt)) {
                        accounts = parse(file, Files.readAllLines(file));
                        readAt = t;
                    }
                }
            }
            return accounts;
        } catch (IOException e) {
            throw new Unavailable("cannot read " + file + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            LOG.error("console users file: {}", e.getMessage());
            throw new Unavailable(e.getMessage(), e);
        }
    }

    /** Parses the file; IllegalArgumentException names file and line. */
    static Map<String, Account> parse(Path file, List<String> lines) {
        Map<String, Account> out = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) continue;
            String[] f = line.split("\\s+");
            String where = file + ":" + (i + 1) + ": ";
            if (f.length != 4) throw new IllegalArgumentException(where + "expected NAME ROLE DOMAINS HASH");
            Role role;
            try {
                role = Role.of(f[1]);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + e.getMessage());
            }
            if (!Passwords.wellFormed(f[3])) throw new IllegalArgumentException(where + "not an Argon2id hash (mxfront console-user makes one)");
            Set<String> domains = f[2].equals("-") ? Set.of() : Set.of(f[2].toLowerCase(Locale.ROOT).split(","));
            if (role == Role.DOMAIN_ADMIN && domains.isEmpty()) throw new IllegalArgumentException(where + "a domain admin needs domains");
            String name = f[0].toLowerCase(Locale.ROOT);
            if (role == Role.USER && !name.contains("@")) throw new IllegalArgumentException(where + "a user's name is their address");
            out.put(name, new Account(new Principal(name, role, role == Role.DOMAIN_ADMIN ? domains : Set.of(),
                    role == Role.USER ? name : null), f[3]));
        }
        return Map.copyOf(out);
    }
}
