// TLS to the policy store's PostgreSQL, as the URL asks for it: a real PostgreSQL 15 that accepts TCP
// only over TLS (hostssl; its certificate for localhost/127.0.0.1 signed by a CA made with openssl)
// refuses a plain connection, and a daemon whose policy-store.url carries sslmode=verify-full and
// sslrootcert connects (encrypted, checked in pg_stat_ssl) and applies the store at the door; a
// certificate from another CA is refused. The same URL against a server without TLS fails with a
// clear cause, logged once, and the daemon still starts and serves its local snapshot.
package org.mxfront.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mxfront.config.StoreDomains;
import org.mxfront.store.EntryValues;
import org.mxfront.store.ListEntry;
import org.mxfront.store.PolicySnapshot;
import org.mxfront.store.PolicyStore;
import org.mxfront.store.PolicyStoreService;
import org.mxfront.store.SnapshotFile;
import org.mxfront.store.StoredDomain;
import org.slf4j.LoggerFactory;

class PolicyStoreTlsIT {
    @TempDir Path dir;

    static final String TEXT83 = "Sender <spam@example.net> is blocklisted by the recipient <bob@hosted.example>.";

    /** What an operator writes: the URL of the README's PostgreSQL set-up, with the CA file. */
    static String url(String host, int port, Path ca) {
        return "postgresql://" + host + ":" + port + "/postgres?sslmode=verify-full&sslrootcert=" + ca;
    }

    String yaml(Path state, String url) {
        return """
                state-directory: %s
                domains: { example.com: {} }
                policy-store: { enabled: true, url: "%s", user: mx, connect-timeout: 1s, poll-interval: 300ms }
                checks:
                  relay: {}
                  policy-lists: {}
                """.formatted(state, url);
    }

    static PolicyStoreService service(Mxfront m) {
        return ((StoreDomains) m.daemon.config().engine().directory()).service();
    }

    static ListEntry block() {
        return new ListEntry(0, ListEntry.Scope.USER, "bob@hosted.example", ListEntry.Action.BLOCK, ListEntry.Kind.SENDER,
                EntryValues.address("value", "spam@example.net"), null, null, null, null);
    }

    @Test
    void verifyFullToATlsOnlyServer() throws Exception {
        assumeTrue(PostgresServer.available(), "needs PostgreSQL 15 (.ci/test installs postgresql)");
        try (PostgresServer pg = PostgresServer.startTls(dir); SmtpSink sink = SmtpSink.start(dir)) {
            // a plain connection is refused by pg_hba.conf (hostssl only)
            SQLException plain = assertThrows(SQLException.class, () -> DriverManager.getConnection(
                    "jdbc:postgresql://127.0.0.1:" + pg.port + "/postgres?sslmode=disable&user=mx").close());
            assertTrue(plain.getMessage().contains("no pg_hba.conf entry") && plain.getMessage().contains("no encryption"),
                    plain.getMessage());

            // a server certificate from another CA does not pass verify-full
            Path other = PostgresServer.ca(Files.createDirectories(dir.resolve("other")), "other");
            try (PolicyStore wrongCa = new PolicyStore("jdbc:" + url("localhost", pg.port, other), "mx", null, Duration.ofSeconds(2), 1)) {
                Exception e = assertThrows(Exception.class, wrongCa::version);
                String all = causes(e);
                assertTrue(all.contains("PKIX path building failed"), all);
            }

            // verify-full by name and by address (both in the certificate's subjectAltName)
            try (PolicyStore byIp = new PolicyStore("jdbc:" + url("127.0.0.1", pg.port, pg.caFile), "mx", null, Duration.ofSeconds(2), 2)) {
                byIp.migrate();
                assertEquals("TLSv1.3", tls(byIp));
            }

            Path state = Files.createDirectories(dir.resolve("state"));
            try (Mxfront a = Mxfront.start(sink.port, yaml(state, url("localhost", pg.port, pg.caFile)))) {
                PolicyStoreService s = service(a);
                assertTrue(s.up(), "connected over TLS");
                // policy-store.url -> JDBC URL: the query (sslmode, sslrootcert) reaches the driver unchanged
                assertEquals("jdbc:postgresql://localhost:" + pg.port + "/postgres?sslmode=verify-full&sslrootcert=" + pg.caFile,
                        s.store().description());
                assertEquals("TLSv1.3", tls(s.store()));
                s.store().putDomain("it", "hosted.example", "{}");
                s.store().addEntry("it", block());
                s.refresh();
                assertEquals(List.of("550-5.7.1 XM-RJCT83: " + TEXT83, "550 5.7.1 [127.0.0.5] [mx.test]"),
                        PolicyStoreDoorsIT.smtp(a, "127.0.0.5", "spam@example.net", "bob@hosted.example"));
                assertEquals(List.of("250 2.1.5 Ok"), PolicyStoreDoorsIT.smtp(a, "127.0.0.5", "ham@example.net", "bob@hosted.example"));
            }
        }
    }

    @Test
    void theSameUrlAgainstAServerWithoutTlsFailsClearlyAndTheDaemonServesItsSnapshot() throws Exception {
        assumeTrue(PostgresServer.available(), "needs PostgreSQL 15 (.ci/test installs postgresql)");
        Logger log = (Logger) LoggerFactory.getLogger(PolicyStoreService.class);
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        log.addAppender(lines);
        try (PostgresServer pg = PostgresServer.start(dir); SmtpSink sink = SmtpSink.start(dir)) {
            Path ca = PostgresServer.ca(Files.createDirectories(dir.resolve("ca")), "ca");
            // the snapshot a previous run of this host left in state-directory
            Path state = Files.createDirectories(dir.resolve("state"));
            Instant t = Instant.parse("2026-12-01T00:00:00Z");
            new SnapshotFile(state.resolve("policy-store.snapshot.json.gz")).write(PolicySnapshot.of(7,
                    List.of(new StoredDomain("hosted.example", "{}", "it", t)),
                    List.of(new ListEntry(1, ListEntry.Scope.USER, "bob@hosted.example", ListEntry.Action.BLOCK, ListEntry.Kind.SENDER,
                            "spam@example.net", null, null, "it", t))));
            try (Mxfront a = Mxfront.start(sink.port, yaml(state, url("127.0.0.1", pg.port, ca)))) {
                PolicyStoreService s = service(a);
                assertFalse(s.up());
                assertEquals(7, s.current().version(), "serving the local snapshot");
                assertEquals(List.of("550-5.7.1 XM-RJCT83: " + TEXT83, "550 5.7.1 [127.0.0.5] [mx.test]"),
                        PolicyStoreDoorsIT.smtp(a, "127.0.0.5", "spam@example.net", "bob@hosted.example"));
                Thread.sleep(2000); // several polls (300 ms) fail the same way
                assertFalse(s.up());
                List<String> unreachable = lines.list.stream().map(ILoggingEvent::getFormattedMessage)
                        .filter(m -> m.contains("is unreachable (")).toList();
                assertEquals(1, unreachable.size(), unreachable.toString());
                // one line, the driver's own words
                assertTrue(unreachable.get(0).contains("(org.postgresql.util.PSQLException: The server does not support SSL.)"),
                        unreachable.get(0));
                assertFalse(unreachable.get(0).contains("\n"), unreachable.get(0));
                assertEquals(1.0, a.registry.get(PolicyStoreService.OUTAGES).counter().count());
            }
        } finally {
            log.detachAppender(lines);
        }
    }

    /** The TLS version of one of the store's connections, as the server sees it (null: not encrypted). */
    static String tls(PolicyStore store) throws SQLException {
        try (Connection c = store.dataSource().getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
            assertTrue(rs.next());
            return rs.getBoolean(1) ? rs.getString(2) : null;
        }
    }

    static String causes(Throwable e) {
        StringBuilder b = new StringBuilder();
        for (Throwable x = e; x != null; x = x.getCause()) b.append(x).append(" / ");
        return b.toString();
    }
}
