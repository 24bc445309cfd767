// The policy store's repository: the one class that speaks SQL. Domains, list entries, users and
// API tokens, the audit trail and the change sequence, in H2 (file mode, embedded) or PostgreSQL,
// behind a HikariCP pool with short timeouts; the schema is migrated by Flyway on start (its lock
// keeps two daemons starting together on one PostgreSQL from racing). Only the control plane (the
// snapshot poller, the API, the CLI) calls it; the data plane reads PolicySnapshot.
package org.mxfront.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.mxfront.util.Lazy;

/** A connection pool and the store's queries. Thread-safe. */
public final class PolicyStore implements AutoCloseable {
    private final String description;
    /** Created at the first query: building a configuration (check-config) opens no connection. */
    private final Lazy<HikariDataSource, SQLException> pool;

    /** A change read from the store since some version. */
    public record Delta(long version, List<StoredDomain> domains, List<String> removedDomains, List<ListEntry> entries,
            List<Long> removedEntries) {
        public boolean empty() {
            return domains.isEmpty() && removedDomains.isEmpty() && entries.isEmpty() && removedEntries.isEmpty();
        }
    }

    /** One audit record: who did what, when, with the object's value before and after (JSON, null when none). */
    public record AuditRecord(long id, Instant at, String actor, String action, String object, String before, String after) {}

    /** A user of the API (operator, domain-admin of some domains, or user of one address). */
    public record User(String name, String role, List<String> domains, String address, Instant createdAt) {}

    /** A stored token: its public id, owner, Argon2id hash of its secret, expiry. */
    public record Token(String id, String user, String hash, Instant createdAt, Instant expiresAt) {}

    /**
     * Opens a pool (lazily: no connection is made until the first query, so a database that is down
     * does not stop the daemon from starting).
     *
     * @param jdbcUrl  a {@code jdbc:h2:} or {@code jdbc:postgresql:} URL
     * @param password null for none
     */
    public PolicyStore(String jdbcUrl, String user, String password, Duration timeout, int poolSize) {
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl(jdbcUrl);
        if (user != null) c.setUsername(user);
        if (password != null) c.setPassword(password);
        long ms = Math.max(250, timeout.toMillis());
        c.setConnectionTimeout(ms);
        c.setValidationTimeout(Math.max(250, ms / 2));
        c.setInitializationFailTimeout(-1);
        // Flyway migrates with two connections at once (one holds its lock): a pool of one would time out
        // on every attempt and leave the daemon in an outage for good (PolicyStoreMigrationTest)
        c.setMaximumPoolSize(Math.max(2, poolSize));
        c.setMinimumIdle(1);
        c.setPoolName("policy-store");
        if (jdbcUrl.startsWith("jdbc:postgresql:")) {
            // a query or a connect that hangs (a stopped server, a dropped network) ends within the timeout
            long s = Math.max(1, timeout.toSeconds());
            c.addDataSourceProperty("connectTimeout", s);
            c.addDataSourceProperty("socketTimeout", Math.max(5, s * 5));
            c.addDataSourceProperty("loginTimeout", s);
        }
        this.pool = new Lazy<>(() -> new HikariDataSource(c), () -> new SQLException("the policy store is closed"));
        this.description = jdbcUrl.replaceAll("password=[^&;]*", "password=***");
    }

    /**
     * The JDBC URL of the embedded store under {@code stateDirectory}. AUTO_SERVER lets
     * {@code mxfront admin} open it on the host while the daemon holds it.
     */
    public static String embeddedUrl(Path stateDirectory) {
        return "jdbc:h2:file:" + stateDirectory.toAbsolutePath().resolve("policy-store")
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;AUTO_SERVER=TRUE";
    }

    public String description() { return description; }

    private HikariDataSource ds() throws SQLException {
        return pool.get();
    }

    /**
     * The pool, for the decision journal's own tables (console/Journal: its own Flyway history, its own
     * SQL); opened now if it was not.
     */
    public DataSource dataSource() {
        try {
            return ds();
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** Brings the schema to this version of mxfront (Flyway; a no-op when it is current). */
    public void migrate() {
        HikariDataSource ds;
        try {
            ds = ds();
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        Flyway.configure().dataSource(ds).locations("classpath:db/policystore").table("policy_schema_history")
                .load().migrate();
    }

    // --- reading ---------------------------------------------------------------------------------

    /** The current change sequence value. */
    public long version() throws SQLException {
        try (Connection c = ds().getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT version FROM policy_version WHERE id = 1")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Everything, as one snapshot (read in one transaction, so that it is one version). */
    public PolicySnapshot loadAll() throws SQLException {
        Delta d = changesSince(-1);
        return PolicySnapshot.of(d.version(), d.domains(), d.entries());
    }

    /** What changed after {@code since} (everything when negative), up to the version it returns. */
    public Delta changesSince(long since) throws SQLException {
        try (Connection c = ds().getConnection()) {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try {
                long version;
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT version FROM policy_version WHERE id = 1")) {
                    rs.next();
                    version = rs.getLong(1);
                }
                List<StoredDomain> domains = new ArrayList<>();
                try (PreparedStatement p = c.prepareStatement(
                        "SELECT name, settings, created_by, created_at FROM policy_domain WHERE version > ? AND version <= ?")) {
                    p.setLong(1, since);
                    p.setLong(2, version);
                    try (ResultSet rs = p.executeQuery()) {
                        while (rs.next()) domains.add(new StoredDomain(rs.getString(1), rs.getString(2), rs.getString(3), instant(rs, 4)));
                    }
                }
                List<ListEntry> entries = new ArrayList<>();
                try (PreparedStatement p = c.prepareStatement("SELECT " + ENTRY_COLUMNS
                        + " FROM list_entry WHERE version > ? AND version <= ?")) {
                    p.setLong(1, since);
                    p.setLong(2, version);
                    p.setFetchSize(10_000);
                    try (ResultSet rs = p.executeQuery()) {
                        while (rs.next()) entries.add(entry(rs));
                    }
                }
                List<String> removedDomains = new ArrayList<>();
                List<Long> removedEntries = new ArrayList<>();
                if (since >= 0) {
                    try (PreparedStatement p = c.prepareStatement(
                            "SELECT kind, object_key FROM tombstone WHERE version > ? AND version <= ?")) {
                        p.setLong(1, since);
                        p.setLong(2, version);
                        try (ResultSet rs = p.executeQuery()) {
                            while (rs.next()) {
                                if (rs.getString(1).equals("domain")) removedDomains.add(rs.getString(2));
                                else removedEntries.add(Long.parseLong(rs.getString(2)));
                            }
                        }
                    }
                }
                c.commit();
                // a domain removed and added again in the same interval: the row wins over its tombstone
                for (StoredDomain d : domains) removedDomains.remove(d.name());
                return new Delta(version, domains, removedDomains, entries, removedEntries);
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        }
    }

    private static final String ENTRY_COLUMNS =
            "id, scope, scope_key, action, kind, entry_value, expires_at, comment, created_by, created_at";

    private static ListEntry entry(ResultSet rs) throws SQLException {
        return new ListEntry(rs.getLong(1), ListEntry.Scope.of(rs.getString(2)), rs.getString(3),
                ListEntry.Action.of(rs.getString(4)), ListEntry.Kind.of(rs.getString(5)), rs.getString(6),
                instant(rs, 7), rs.getString(8), rs.getString(9), instant(rs, 10));
    }

    /** One domain, or empty. */
    public Optional<StoredDomain> domain(String name) throws SQLException {
        try (Connection c = ds().getConnection(); PreparedStatement p = c.prepareStatement(
                "SELECT name, settings, created_by, created_at FROM policy_domain WHERE name = ?")) {
            p.setString(1, name);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? Optional.of(new StoredDomain(rs.getString(1), rs.getString(2), rs.getString(3), instant(rs, 4)))
                        : Optional.empty();
            }
        }
    }

    /** One list entry, or empty. */
    public Optional<ListEntry> entry(long id) throws SQLException {
        try (Connection c = ds().getConnection(); PreparedStatement p = c.prepareStatement(
                "SELECT " + ENTRY_COLUMNS + " FROM list_entry WHERE id = ?")) {
            p.setLong(1, id);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? Optional.of(entry(rs)) : Optional.empty();
            }
        }
    }

    /** Audit records, newest first, after paging. */
    public List<AuditRecord> audit(int offset, int limit) throws SQLException {
        List<AuditRecord> out = new ArrayList<>();
        try (Connection c = ds().getConnection(); PreparedStatement p = c.prepareStatement(
                "SELECT id, changed_at, actor, action, object, before_value, after_value FROM audit ORDER BY id DESC LIMIT ? OFFSET ?")) {
            p.setInt(1, limit);
            p.setInt(2, offset);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) out.add(new AuditRecord(rs.getLong(1), instant(rs, 2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getString(6), rs.getString(7)));
            }
        }
        return out;
    }

    // --- writing: every change bumps the version and leaves an audit record -----------------------

    @FunctionalInterface
    private interface Work<T> {
        T run(Connection c, long version) throws SQLException;
    }

    private <T> T change(Work<T> work) throws SQLException {
        try (Connection c = ds().getConnection()) {
            c.setAutoCommit(false);
            try {
                long v;
                // the row lock on policy_version serialises writers: versions become visible in order
                try (Statement s = c.createStatement()) {
                    s.executeUpdate("UPDATE policy_version SET version = version + 1 WHERE id = 1");
                    try (ResultSet rs = s.executeQuery("SELECT version FROM policy_version WHERE id = 1")) {
                        rs.next();
                        v = rs.getLong(1);
                    }
                }
                T out = work.run(c, v);
                c.commit();
                return out;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    private static void audit(Connection c, String actor, String action, String object, String before, String after)
            throws SQLException {
        try (PreparedStatement p = c.prepareStatement(
                "INSERT INTO audit (changed_at, actor, action, object, before_value, after_value) VALUES (?, ?, ?, ?, ?, ?)")) {
            p.setObject(1, now());
            p.setString(2, actor);
            p.setString(3, action);
            p.setString(4, object);
            p.setString(5, before);
            p.setString(6, after);
            p.executeUpdate();
        }
    }

    /** Adds a domain or replaces its settings. The settings must have been validated by the caller. */
    public void putDomain(String actor, String name, String settings) throws SQLException {
        change((c, v) -> {
            String before = null;
            Instant createdAt = null;
            String createdBy = actor;
            try (PreparedStatement p = c.prepareStatement("SELECT settings, created_by, created_at FROM policy_domain WHERE name = ? FOR UPDATE")) {
                p.setString(1, name);
                try (ResultSet rs = p.executeQuery()) {
                    if (rs.next()) {
                        before = rs.getString(1);
                        createdBy = rs.getString(2);
                        createdAt = instant(rs, 3);
                    }
                }
            }
            if (before == null) {
                try (PreparedStatement p = c.prepareStatement(
                        "INSERT INTO policy_domain (name, settings, created_by, created_at, version) VALUES (?, ?, ?, ?, ?)")) {
                    p.setString(1, name);
                    p.setString(2, settings);
                    p.setString(3, createdBy);
                    p.setObject(4, now());
                    p.setLong(5, v);
                    p.executeUpdate();
                }
            } else {
                try (PreparedStatement p = c.prepareStatement("UPDATE policy_domain SET settings = ?, version = ? WHERE name = ?")) {
                    p.setString(1, settings);
                    p.setLong(2, v);
                    p.setString(3, name);
                    p.executeUpdate();
                }
            }
            audit(c, actor, before == null ? "domain.create" : "domain.update", "domain " + name, before, settings);
            return createdAt;
        });
    }

    /** Removes a domain; false when there was none. */
    public boolean removeDomain(String actor, String name) throws SQLException {
        return change((c, v) -> {
            String before;
            try (PreparedStatement p = c.prepareStatement("SELECT settings FROM policy_domain WHERE name = ? FOR UPDATE")) {
                p.setString(1, name);
                try (ResultSet rs = p.executeQuery()) {
                    if (!rs.next()) return false;
                    before = rs.getString(1);
                }
            }
            try (PreparedStatement p = c.prepareStatement("DELETE FROM policy_domain WHERE name = ?")) {
                p.setString(1, name);
                p.executeUpdate();
            }
            tombstone(c, v, "domain", name);
            audit(c, actor, "domain.delete", "domain " + name, before, null);
            return true;
        });
    }

    /** Adds a list entry (values validated by the caller, see EntryValues); returns it with its id. */
    public ListEntry addEntry(String actor, ListEntry e) throws SQLException {
        return change((c, v) -> {
            Instant now = Instant.now();
            long id;
            try (PreparedStatement p = c.prepareStatement(INSERT_ENTRY, new String[] {"id"})) {
                bindEntry(p, e);
                p.setString(8, actor);
                p.setObject(9, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
                p.setLong(10, v);
                p.executeUpdate();
                try (ResultSet rs = p.getGeneratedKeys()) {
                    rs.next();
                    id = rs.getLong(1);
                }
            }
            ListEntry stored = new ListEntry(id, e.scope(), e.scopeKey(), e.action(), e.kind(), e.value(), e.expiresAt(),
                    e.comment(), actor, now);
            audit(c, actor, "entry.create", "entry " + id, null, stored.describe());
            return stored;
        });
    }

    /**
     * Adds many entries in one change (one version, one audit record): imports and benchmarks. Values
     * must have been validated (EntryValues). Returns how many were stored.
     */
    public int addEntries(String actor, List<ListEntry> entries) throws SQLException {
        return bulk(actor, INSERT_ENTRY, entries, "entry.bulk-create", "entries", PolicyStore::bindEntry);
    }

    private static final String INSERT_ENTRY = "INSERT INTO list_entry (scope, scope_key, action, kind, entry_value, "
            + "expires_at, comment, created_by, created_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    /** Sets an entry's own seven columns of {@link #INSERT_ENTRY}; returns 8, the index of created_by. */
    private static int bindEntry(PreparedStatement p, ListEntry e) throws SQLException {
        p.setString(1, e.scope().key());
        p.setString(2, e.scopeKey());
        p.setString(3, e.action().key());
        p.setString(4, e.kind().key());
        p.setString(5, e.value());
        if (e.expiresAt() == null) p.setNull(6, Types.TIMESTAMP_WITH_TIMEZONE);
        else p.setObject(6, OffsetDateTime.ofInstant(e.expiresAt(), ZoneOffset.UTC));
        p.setString(7, e.comment());
        return 8;
    }

    /** Adds many domains (without settings) in one change: imports and benchmarks. */
    public int addDomains(String actor, List<String> names) throws SQLException {
        return bulk(actor, "INSERT INTO policy_domain (name, settings, created_by, created_at, version) VALUES (?, '{}', ?, ?, ?)",
                names, "domain.bulk-create", "domains", (p, d) -> {
                    p.setString(1, d);
                    return 2;
                });
    }

    /** Sets a row's own columns; returns the index of the first of the three every bulk row ends with. */
    @FunctionalInterface
    private interface Row<T> {
        int bind(PreparedStatement p, T item) throws SQLException;
    }

    /**
     * Inserts one row per item in one change (sent in batches of 5000), each row ending with
     * (created_by, created_at, version), and one audit record for them all. Returns how many.
     */
    private <T> int bulk(String actor, String sql, List<T> items, String action, String noun, Row<T> row)
            throws SQLException {
        return change((c, v) -> {
            OffsetDateTime now = now();
            try (PreparedStatement p = c.prepareStatement(sql)) {
                int n = 0;
                for (T item : items) {
                    int i = row.bind(p, item);
                    p.setString(i, actor);
                    p.setObject(i + 1, now);
                    p.setLong(i + 2, v);
                    p.addBatch();
                    if (++n % 5000 == 0) p.executeBatch();
                }
                p.executeBatch();
            }
            audit(c, actor, action, items.size() + " " + noun, null, null);
            return items.size();
        });
    }

    /** Removes a list entry; false when there was none. */
    public boolean removeEntry(String actor, long id) throws SQLException {
        return change((c, v) -> {
            ListEntry before;
            try (PreparedStatement p = c.prepareStatement("SELECT " + ENTRY_COLUMNS + " FROM list_entry WHERE id = ? FOR UPDATE")) {
                p.setLong(1, id);
                try (ResultSet rs = p.executeQuery()) {
                    if (!rs.next()) return false;
                    before = entry(rs);
                }
            }
            try (PreparedStatement p = c.prepareStatement("DELETE FROM list_entry WHERE id = ?")) {
                p.setLong(1, id);
                p.executeUpdate();
            }
            tombstone(c, v, "entry", Long.toString(id));
            audit(c, actor, "entry.delete", "entry " + id, before.describe(), null);
            return true;
        });
    }

    private static void tombstone(Connection c, long v, String kind, String key) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("INSERT INTO tombstone (version, kind, object_key) VALUES (?, ?, ?)")) {
            p.setLong(1, v);
            p.setString(2, kind);
            p.setString(3, key);
            p.executeUpdate();
        }
    }

    // --- users and tokens --------------------------------------------------------------------------

    /** Creates a user (or replaces its role, domains and address). */
    /**
     * Creates a user or changes one in place: an existing user keeps its row, and so its API tokens
     * (a delete and insert would drop them with the row). The audit records the user before and after.
     */
    public void putUser(String actor, User u) throws SQLException {
        change((c, v) -> {
            String before = null;
            try (PreparedStatement p = c.prepareStatement("SELECT role, domains, address FROM admin_user WHERE name = ?")) {
                p.setString(1, u.name());
                try (ResultSet rs = p.executeQuery()) {
                    if (rs.next()) before = userText(rs.getString(1), rs.getString(2), rs.getString(3));
                }
            }
            String sql = before == null
                    ? "INSERT INTO admin_user (role, domains, address, name, created_at) VALUES (?, ?, ?, ?, ?)"
                    : "UPDATE admin_user SET role = ?, domains = ?, address = ? WHERE name = ?";
            try (PreparedStatement p = c.prepareStatement(sql)) {
                p.setString(1, u.role());
                p.setString(2, String.join(",", u.domains()));
                p.setString(3, u.address());
                p.setString(4, u.name());
                if (before == null) p.setObject(5, now());
                p.executeUpdate();
            }
            audit(c, actor, "user.put", "user " + u.name(), before, userText(u.role(), String.join(",", u.domains()), u.address()));
            return null;
        });
    }

    private static String userText(String role, String domains, String address) {
        return role + " " + domains + (address == null ? "" : " " + address);
    }

    public Optional<User> user(String name) throws SQLException {
        try (Connection c = ds().getConnection(); PreparedStatement p = c.prepareStatement(
                "SELECT name, role, domains, address, created_at FROM admin_user WHERE name = ?")) {
            p.setString(1, name);
            try (ResultSet rs = p.executeQuery()) {
                if (!rs.next()) return Optional.empty();
                String ds = rs.getString(3);
                return Optional.of(new User(rs.getString(1), rs.getString(2), ds.isEmpty() ? List.of() : List.of(ds.split(",")),
                        rs.getString(4), instant(rs, 5)));
            }
        }
    }

    /** Stores a token's hash (the secret itself is never stored). */
    public void addToken(String actor, Token t) throws SQLException {
        change((c, v) -> {
            try (PreparedStatement p = c.prepareStatement(
                    "INSERT INTO api_token (id, user_name, hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?)")) {
                p.setString(1, t.id());
                p.setString(2, t.user());
                p.setString(3, t.hash());
                p.setObject(4, OffsetDateTime.ofInstant(t.createdAt(), ZoneOffset.UTC));
                if (t.expiresAt() == null) p.setNull(5, Types.TIMESTAMP_WITH_TIMEZONE);
                else p.setObject(5, OffsetDateTime.ofInstant(t.expiresAt(), ZoneOffset.UTC));
                p.executeUpdate();
            }
            audit(c, actor, "token.create", "token " + t.id(), null, "for " + t.user());
            return null;
        });
    }

    public Optional<Token> token(String id) throws SQLException {
        try (Connection c = ds().getConnection(); PreparedStatement p = c.prepareStatement(
                "SELECT id, user_name, hash, created_at, expires_at FROM api_token WHERE id = ?")) {
            p.setString(1, id);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? Optional.of(new Token(rs.getString(1), rs.getString(2), rs.getString(3), instant(rs, 4),
                        instant(rs, 5))) : Optional.empty();
            }
        }
    }

    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC);
    }

    private static Instant instant(ResultSet rs, int col) throws SQLException {
        OffsetDateTime t = rs.getObject(col, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    @Override
    public void close() {
        pool.close();
    }

    @Override
    public String toString() {
        return "policy store " + description;
    }
}
