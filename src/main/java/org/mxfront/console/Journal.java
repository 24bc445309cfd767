// The decision journal (issue 25 §2): every decision the feed publishes is written, in batches and
// off the mail path, to the policy store's database (embedded H2, or PostgreSQL so that one console
// sees the fleet), kept for journal.keep (14 days) and pruned hourly; the console's message trace
// searches it. Mail never waits for it: the writer reads its own bounded subscription to the feed,
// and when the database is slow or down the queue fills and events are dropped — counted
// (mxfront_journal_dropped_total), logged once per outage — never mail. Its tables have a schema
// history of their own (db/journal), so the store's migrations and the journal's never interleave.
package org.mxfront.console;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.mxfront.net.Networks;
import org.mxfront.policy.DecisionEvent;
import org.mxfront.policy.DecisionFeed;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The journal's writer and its searches. Thread-safe. */
public final class Journal implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Journal.class);
    public static final String ROWS = "mxfront.journal.rows";
    public static final String DROPPED = "mxfront.journal.dropped";
    /** Decisions waiting for the writer; beyond this they are dropped. */
    public static final int QUEUE = 50_000;
    static final int BATCH = 500;
    /** Most hits a search returns. */
    public static final int MAX_HITS = 500;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String COLUMNS = "id, at, door, action, outcome, stage, client_ip, client_name, helo, sender, "
            + "sender_key, sender_domain, recipients, code, check_name, reply, session_id, queue_id, findings";

    private final DataSource ds;
    private final DecisionFeed.Subscription subscription;
    private final Duration keep;
    private final Clock clock;
    private final Counter rows;
    private final Counter dropped;
    private final Thread writer;
    private volatile boolean closed;
    private volatile boolean migrated;
    private long lastPrune;
    private final long hostBits = RANDOM.nextInt(4096);
    private long counter;
    private long idMillis;
    private long droppedSeen;

    public Journal(DataSource ds, DecisionFeed feed, Duration keep, MeterRegistry registry, Clock clock) {
        this.ds = ds;
        this.keep = keep;
        this.clock = clock;
        this.rows = Counter.builder(ROWS).description("Decisions written to the journal").register(registry);
        this.dropped = Counter.builder(DROPPED).description("Decisions not journalled (the database was slow or down)")
                .register(registry);
        this.subscription = feed.subscribe(QUEUE, e -> true);
        this.writer = Thread.ofPlatform().daemon().name("journal-writer").unstarted(this::run);
        // the first prune a minute after start, then hourly
        this.lastPrune = clock.millis() - 3_600_000L + 60_000L;
    }

    public Journal start() {
        writer.start();
        return this;
    }

    /** Decisions written since start. */
    public long written() { return (long) rows.count(); }

    /** Decisions dropped since start (the database was slow or down). */
    public long droppedRows() { return (long) dropped.count(); }

    /** True once the schema is in place (searches before that fail). */
    public boolean ready() { return migrated; }

    @Override
    public void close() {
        closed = true;
        subscription.close();
        writer.interrupt();
        try {
            writer.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- writing -------------------------------------------------------------------------------

    private void run() {
        boolean down = false;
        List<DecisionEvent> batch = new ArrayList<>(BATCH);
        while (!closed) {
            try {
                if (!migrated) migrate();
                DecisionEvent first = subscription.poll(1, TimeUnit.SECONDS);
                countQueueDrops();
                if (first != null) {
                    batch.add(first);
                    subscription.drainTo(batch, BATCH - 1);
                    insert(batch);
                    rows.increment(batch.size());
                    batch.clear();
                }
                if (clock.millis() - lastPrune > 3_600_000L) {
                    lastPrune = clock.millis();
                    int n = prune();
                    if (n > 0) LOG.info("journal: pruned {} decisions older than {}", n, keep);
                }
                if (down) {
                    down = false;
                    LOG.info("journal: the database answers again; writing resumes");
                }
            } catch (InterruptedException e) {
                if (closed) break;
            } catch (SQLException | RuntimeException e) {
                countQueueDrops();
                dropped.increment(batch.size());
                batch.clear();
                if (!down) {
                    down = true;
                    LOG.warn("journal: cannot write to the database ({}); decisions are dropped (counted in {}) until it answers",
                            e.getMessage(), "mxfront_journal_dropped_total");
                }
                try {
                    Thread.sleep(500);
                } catch (InterruptedException ie) {
                    if (closed) break;
                }
            }
        }
    }

    private void countQueueDrops() {
        long d = subscription.dropped();
        if (d > droppedSeen) {
            dropped.increment(d - droppedSeen);
            droppedSeen = d;
        }
    }

    private void migrate() {
        Flyway.configure().dataSource(ds).locations("classpath:db/journal").table("journal_schema_history")
                .baselineOnMigrate(true).baselineVersion("0").load().migrate();
        migrated = true;
    }

    void insert(List<DecisionEvent> batch) throws SQLException {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement j = c.prepareStatement("INSERT INTO decision_journal (" + COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
                    PreparedStatement r = c.prepareStatement("INSERT INTO decision_rcpt (journal_id, address, domain) VALUES (?, ?, ?)")) {
                for (DecisionEvent e : batch) {
                    long id = nextId();
                    int i = 1;
                    j.setLong(i++, id);
                    j.setLong(i++, e.timeMillis());
                    j.setString(i++, cut(e.door(), 16));
                    j.setString(i++, cut(e.action(), 24));
                    j.setString(i++, e.outcome());
                    j.setString(i++, cut(e.stage(), 24));
                    j.setString(i++, cut(e.clientIp(), 45));
                    j.setString(i++, cut(e.clientName(), 255));
                    j.setString(i++, cut(e.helo(), 512));
                    j.setString(i++, cut(e.sender(), 512));
                    j.setString(i++, cut(e.sender().toLowerCase(Locale.ROOT), 512));
                    j.setString(i++, cut(e.senderDomain(), 253));
                    j.setString(i++, cut(String.join(", ", e.recipients()), 4000));
                    j.setString(i++, cut(e.code(), 32));
                    j.setString(i++, cut(e.check(), 64));
                    j.setString(i++, cut(String.join("\n", e.reply()), 4000));
                    j.setString(i++, cut(e.session(), 32));
                    j.setString(i++, cut(e.queueId(), 64));
                    j.setString(i, cut(String.join("\n", e.findings()), 8000));
                    j.addBatch();
                    for (String rcpt : e.recipients().stream().limit(1000).toList()) {
                        r.setLong(1, id);
                        r.setString(2, cut(rcpt.toLowerCase(Locale.ROOT), 512));
                        r.setString(3, cut(domainOf(rcpt), 253));
                        r.addBatch();
                    }
                }
                j.executeBatch();
                r.executeBatch();
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /**
     * A row id: time first (so inserts append to the primary key's index instead of scattering),
     * then this writer's random 12 bits (several hosts share one PostgreSQL), then a counter; unique
     * for this writer (past 1024 in one millisecond it borrows the next one).
     */
    private long nextId() {
        long now = clock.millis();
        if (now > idMillis) {
            idMillis = now;
            counter = 0;
        } else if (++counter >= 1024) {
            idMillis++;
            counter = 0;
        }
        return (idMillis << 22) | (hostBits << 10) | counter;
    }

    /** Deletes what is older than journal.keep; returns how many decisions went. */
    int prune() throws SQLException {
        long before = clock.millis() - keep.toMillis();
        int total = 0;
        try (Connection c = ds.getConnection()) {
            // in slices, so that a first prune of a large journal holds no long lock
            while (true) {
                List<Long> ids = new ArrayList<>();
                try (PreparedStatement q = c.prepareStatement("SELECT id FROM decision_journal WHERE at < ? LIMIT 5000")) {
                    q.setLong(1, before);
                    try (ResultSet rs = q.executeQuery()) {
                        while (rs.next()) ids.add(rs.getLong(1));
                    }
                }
                if (ids.isEmpty()) return total;
                try (PreparedStatement d = c.prepareStatement("DELETE FROM decision_journal WHERE id = ?")) {
                    for (long id : ids) {
                        d.setLong(1, id);
                        d.addBatch();
                    }
                    d.executeBatch();
                }
                total += ids.size();
            }
        }
    }

    // ---- searching -----------------------------------------------------------------------------

    /** The newest decisions matching the query that the viewer may see, at most {@link #MAX_HITS}. */
    public List<DecisionEvent> search(TraceQuery q, Principal viewer) throws SQLException {
        List<Object> args = new ArrayList<>();
        StringBuilder where = new StringBuilder(" WHERE 1 = 1");
        if (!q.sender().isEmpty()) {
            if (q.sender().startsWith("@")) {
                where.append(" AND j.sender_domain = ?");
                args.add(q.sender().substring(1).toLowerCase(Locale.ROOT));
            } else {
                where.append(" AND j.sender_key = ?");
                args.add(q.sender().toLowerCase(Locale.ROOT));
            }
        }
        if (!q.recipient().isEmpty()) {
            where.append(" AND j.id IN (SELECT r.journal_id FROM decision_rcpt r WHERE r.address = ?)");
            args.add(q.recipient().toLowerCase(Locale.ROOT));
        }
        if (!q.domain().isEmpty()) {
            where.append(" AND j.id IN (SELECT r.journal_id FROM decision_rcpt r WHERE r.domain = ?)");
            args.add(q.domain().toLowerCase(Locale.ROOT));
        }
        Networks network = null;
        if (!q.client().isEmpty()) {
            if (q.client().contains("/")) {
                try {
                    network = Networks.parse(List.of(q.client()));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("client: not an address or network: " + q.client());
                }
            } else {
                where.append(" AND j.client_ip = ?");
                args.add(q.client());
            }
        }
        eq(where, args, "j.helo", q.helo());
        eq(where, args, "j.session_id", q.session().toUpperCase(Locale.ROOT));
        eq(where, args, "j.queue_id", q.queueId());
        eq(where, args, "j.code", q.code().toUpperCase(Locale.ROOT));
        eq(where, args, "j.check_name", q.check());
        eq(where, args, "j.outcome", q.outcome());
        if (!q.from().isEmpty()) {
            where.append(" AND j.at >= ?");
            args.add(millis(q.from(), "from"));
        }
        if (!q.to().isEmpty()) {
            where.append(" AND j.at <= ?");
            args.add(millis(q.to(), "to"));
        }
        switch (viewer.role()) {
            case OPERATOR -> { }
            case DOMAIN_ADMIN -> {
                where.append(" AND j.id IN (SELECT r.journal_id FROM decision_rcpt r WHERE r.domain IN (")
                        .append(String.join(", ", viewer.domains().stream().map(d -> "?").toList())).append("))");
                args.addAll(viewer.domains());
                if (viewer.domains().isEmpty()) return List.of();
            }
            case USER -> {
                where.append(" AND j.id IN (SELECT r.journal_id FROM decision_rcpt r WHERE r.address = ?)");
                args.add(viewer.address());
            }
        }
        // a network is matched here, over the newest rows the other fields allow (bounded)
        int limit = network == null ? MAX_HITS : MAX_HITS * 20;
        String sql = "SELECT " + COLUMNS.replaceAll("(\\w+)", "j.$1") + " FROM decision_journal j" + where
                + " ORDER BY j.at DESC LIMIT " + limit;
        List<DecisionEvent> out = query(sql, args);
        if (network != null) {
            Networks n = network;
            out = out.stream().filter(e -> inNetwork(n, e.clientIp())).limit(MAX_HITS).toList();
        }
        return out;
    }

    /**
     * Accepted, refused and deferred decisions the viewer may see, per bucket of bucketMillis from
     * start (the dashboard's last day). The numbers are ours, never the viewer's, so they go into the SQL.
     */
    public long[][] counts(long start, long bucketMillis, int buckets, Principal viewer) throws SQLException {
        long[][] out = new long[3][buckets];
        List<Object> args = new ArrayList<>();
        String bucket = "((j.at - " + start + ") / " + bucketMillis + ")";
        StringBuilder where = new StringBuilder(" WHERE j.at >= " + start + " AND j.at < " + (start + buckets * bucketMillis));
        switch (viewer.role()) {
            case OPERATOR -> { }
            case DOMAIN_ADMIN -> {
                if (viewer.domains().isEmpty()) return out;
                where.append(" AND j.id IN (SELECT r.journal_id FROM decision_rcpt r WHERE r.domain IN (")
                        .append(String.join(", ", viewer.domains().stream().map(d -> "?").toList())).append("))");
                args.addAll(viewer.domains());
            }
            case USER -> {
                where.append(" AND j.id IN (SELECT r.journal_id FROM decision_rcpt r WHERE r.address = ?)");
                args.add(viewer.address());
            }
        }
        String sql = "SELECT " + bucket + ", j.outcome, COUNT(*) FROM decision_journal j" + where + " GROUP BY " + bucket + ", j.outcome";
        try (Connection c = ds.getConnection(); PreparedStatement p = c.prepareStatement(sql)) {
            for (int i = 0; i < args.size(); i++) p.setObject(i + 1, args.get(i));
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    long b = rs.getLong(1);
                    int row = switch (rs.getString(2)) {
                        case "accepted" -> 0;
                        case "refused" -> 1;
                        case "deferred" -> 2;
                        default -> -1;
                    };
                    if (row >= 0 && b >= 0 && b < buckets) out[row][(int) b] += rs.getLong(3);
                }
            }
        }
        return out;
    }

    /** Every decision of a session the viewer may see, oldest first. */
    public List<DecisionEvent> session(String id, Principal viewer) throws SQLException {
        List<DecisionEvent> all = query("SELECT " + COLUMNS.replaceAll("(\\w+)", "j.$1")
                + " FROM decision_journal j WHERE j.session_id = ? ORDER BY j.at LIMIT 1000", List.of(id.toUpperCase(Locale.ROOT)));
        return all.stream().filter(viewer::sees).toList();
    }

    private List<DecisionEvent> query(String sql, List<Object> args) throws SQLException {
        if (!migrated) throw new SQLException("the journal's tables are not ready yet (database unreachable?)");
        try (Connection c = ds.getConnection(); PreparedStatement p = c.prepareStatement(sql)) {
            p.setQueryTimeout(10);
            for (int i = 0; i < args.size(); i++) {
                if (args.get(i) instanceof Long l) p.setLong(i + 1, l);
                else p.setString(i + 1, (String) args.get(i));
            }
            List<DecisionEvent> out = new ArrayList<>();
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) out.add(event(rs));
            }
            return out;
        }
    }

    private static DecisionEvent event(ResultSet rs) throws SQLException {
        String rcpts = rs.getString("recipients");
        String reply = rs.getString("reply");
        String findings = rs.getString("findings");
        return new DecisionEvent(rs.getLong("at"), rs.getString("door"), rs.getString("action"), rs.getString("stage"),
                rs.getString("client_ip"), rs.getString("client_name"), rs.getString("helo"), rs.getString("sender"),
                rcpts.isEmpty() ? List.of() : Arrays.asList(rcpts.split(", ")), rs.getString("code"), rs.getString("check_name"),
                reply.isEmpty() ? List.of() : Arrays.asList(reply.split("\n")), rs.getString("session_id"),
                rs.getString("queue_id"), findings.isEmpty() ? List.of() : Arrays.asList(findings.split("\n")));
    }

    private static void eq(StringBuilder where, List<Object> args, String column, String value) {
        if (value.isEmpty()) return;
        where.append(" AND ").append(column).append(" = ?");
        args.add(value);
    }

    private static boolean inNetwork(Networks n, String ip) {
        try {
            return n.contains(InetAddress.getByName(ip));
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    private static long millis(String s, String field) {
        try {
            return LocalDateTime.parse(s).toInstant(ZoneOffset.UTC).toEpochMilli();
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException(field + ": expected a time such as 2026-12-07T02:30 (UTC)");
        }
    }

    private static String domainOf(String address) {
        int at = address.lastIndexOf('@');
        return at < 0 ? "" : address.substring(at + 1).toLowerCase(Locale.ROOT);
    }

    private static String cut(String s, int max) {
        if (s == null) return "";
        return s.length() <= max ? s : s.substring(0, max);
    }
}
