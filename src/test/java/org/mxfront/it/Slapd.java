// A private OpenLDAP slapd (Debian packages slapd and ldap-utils) on a free loopback port, with its
// own slapd.conf and mdb database in the test's directory, a small Zimbra-style test schema
// (zimbraMailDeliveryAddress, zimbraMailAlias, zimbraMailCatchAllAddress, zimbraMailStatus and
// zimbraAccountStatus with
// Zimbra's matching rules, test OIDs), and entries loaded with ldapadd. Never the system's slapd.
// It can be killed and started again on the same port (directory down, back).
package org.mxfront.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

final class Slapd implements AutoCloseable {
    static final String SUFFIX = "dc=test";
    static final String ADMIN = "cn=admin,dc=test";
    static final String PASSWORD = "secret";

    /** Zimbra's recipient attributes and an auxiliary class carrying them (OIDs under a test arc). */
    static final String SCHEMA = """
            attributetype ( 1.3.6.1.4.1.99999.15.1.1 NAME 'zimbraMailDeliveryAddress'
            	EQUALITY caseIgnoreIA5Match SUBSTR caseIgnoreIA5SubstringsMatch
            	SYNTAX 1.3.6.1.4.1.1466.115.121.1.26{256} )
            attributetype ( 1.3.6.1.4.1.99999.15.1.2 NAME 'zimbraMailAlias'
            	EQUALITY caseIgnoreIA5Match SUBSTR caseIgnoreIA5SubstringsMatch
            	SYNTAX 1.3.6.1.4.1.1466.115.121.1.26{256} )
            attributetype ( 1.3.6.1.4.1.99999.15.1.3 NAME 'zimbraMailCatchAllAddress'
            	EQUALITY caseIgnoreIA5Match
            	SYNTAX 1.3.6.1.4.1.1466.115.121.1.26{256} )
            attributetype ( 1.3.6.1.4.1.99999.15.1.4 NAME 'zimbraMailStatus'
            	EQUALITY caseIgnoreMatch
            	SYNTAX 1.3.6.1.4.1.1466.115.121.1.15{64} SINGLE-VALUE )
            attributetype ( 1.3.6.1.4.1.99999.15.1.5 NAME 'zimbraAccountStatus'
            	EQUALITY caseIgnoreMatch
            	SYNTAX 1.3.6.1.4.1.1466.115.121.1.15{64} SINGLE-VALUE )
            objectclass ( 1.3.6.1.4.1.99999.15.2.1 NAME 'zimbraMailRecipient' SUP top AUXILIARY
            	MAY ( zimbraMailDeliveryAddress $ zimbraMailAlias $ zimbraMailCatchAllAddress $ zimbraMailStatus $
            	zimbraAccountStatus ) )
            """;

    final int port;
    private final Path dir;
    private Process process;

    private Slapd(int port, Path dir) {
        this.port = port;
        this.dir = dir;
    }

    static boolean available() {
        return Files.isExecutable(Path.of("/usr/sbin/slapd")) && Files.isExecutable(Path.of("/usr/bin/ldapadd"));
    }

    /** Writes the configuration, starts slapd, and loads the suffix entry and {@code ldif}. */
    static Slapd start(Path dir, String ldif) throws Exception {
        Slapd s = new Slapd(Ports.free(), dir);
        Files.createDirectories(dir.resolve("db"));
        Files.writeString(dir.resolve("zimbra-test.schema"), SCHEMA);
        Files.writeString(dir.resolve("slapd.conf"), """
                include /etc/ldap/schema/core.schema
                include /etc/ldap/schema/cosine.schema
                include /etc/ldap/schema/inetorgperson.schema
                include %1$s/zimbra-test.schema
                pidfile %1$s/slapd.pid
                modulepath /usr/lib/ldap
                moduleload back_mdb
                database mdb
                suffix "%2$s"
                rootdn "%3$s"
                rootpw %4$s
                directory %1$s/db
                maxsize 10485760
                index objectClass,zimbraMailDeliveryAddress,zimbraMailAlias,zimbraMailCatchAllAddress eq
                dbnosync
                """.formatted(dir, SUFFIX, ADMIN, PASSWORD));
        s.startAgain();
        s.add("dn: " + SUFFIX + "\nobjectClass: dcObject\nobjectClass: organization\no: test\ndc: test\n\n" + ldif);
        return s;
    }

    String url() {
        return "ldap://127.0.0.1:" + port;
    }

    /** Starts slapd (again) on its port, in the foreground of its own process. */
    void startAgain() throws IOException {
        process = new ProcessBuilder(List.of("slapd", "-d", "0", "-h", "ldap://127.0.0.1:" + port + "/", "-f",
                dir.resolve("slapd.conf").toString()))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("slapd.log").toFile()))
                .start();
        Ports.awaitListening(port, Duration.ofSeconds(20));
    }

    /** Adds entries with ldapadd as the directory's admin. */
    void add(String ldif) throws Exception {
        Path f = Files.createTempFile(dir, "add-", ".ldif");
        Files.writeString(f, ldif, StandardCharsets.UTF_8);
        Process p = new ProcessBuilder("ldapadd", "-x", "-H", url(), "-D", ADMIN, "-w", PASSWORD, "-f", f.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) throw new IOException("ldapadd failed: " + out);
    }

    /** Stops (SIGSTOP) or continues (SIGCONT) slapd: a directory that accepts connections and never answers. */
    void signal(String sig) throws Exception {
        if (!process.isAlive()) {
            throw new IOException("slapd on port " + port + " is not running (exit " + process.exitValue() + "); its log: "
                    + dir.resolve("slapd.log"));
        }
        Process p = new ProcessBuilder("kill", "-" + sig, Long.toString(process.pid())).redirectErrorStream(true).start();
        if (p.waitFor() != 0) throw new IOException("kill -" + sig + " failed");
        if (sig.equals("STOP")) awaitStopped();
    }

    /**
     * kill(2) returns before the threads of the target have stopped; on a loaded machine slapd could still
     * answer one more search (a frozen-directory test then saw "no such user" instead of a timeout). Waits
     * until every thread of slapd is in state T (stopped), as /proc shows it.
     */
    private void awaitStopped() throws Exception {
        Path tasks = Path.of("/proc", Long.toString(process.pid()), "task");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            boolean all = true;
            try (var threads = Files.list(tasks)) {
                for (Path t : (Iterable<Path>) threads::iterator) {
                    String stat = Files.readString(t.resolve("stat"));
                    char state = stat.charAt(stat.lastIndexOf(')') + 2);
                    if (state != 'T' && state != 't') all = false;
                }
            } catch (IOException gone) {
                all = false; // a thread ended while listing: look again
            }
            if (all) return;
            Thread.sleep(10);
        }
        throw new IOException("slapd (pid " + process.pid() + ") did not stop within 5 s of SIGSTOP");
    }

    /** Kills slapd at once (SIGKILL): the directory is down. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        try {
            if (process != null && process.isAlive()) {
                signal("CONT");
                kill();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // gone already
        }
    }
}
