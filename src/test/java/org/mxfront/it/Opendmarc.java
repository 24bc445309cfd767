// Debian's opendmarc, a DMARC milter (libopendmarc), on a loopback port: the second opinion of
// DmarcOpendmarcIT, driven by Debian's miltertest. opendmarc resolves through glibc, which reads
// /etc/resolv.conf and asks port 53 only, so it runs in a private mount namespace (unshare -m) in
// which /etc/resolv.conf is a bind mount of a file naming the test's nsd: the rest of the machine
// keeps its resolver. Needs root (unshare -m, mount).
//
// Its inputs: the DMARC records it looks up itself; SPF and DKIM verdicts from an
// Authentication-Results field whose authserv-id it trusts (TRUSTED_ID), which the test writes.
// SPFSelfValidate stays off: opendmarc's SPF is libspf2's, and libspf2 answers "pass" for any
// client on 127.0.0.0/8 (its localhost exemption), which every test client is.
package org.mxfront.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

final class Opendmarc implements AutoCloseable {
    /** opendmarc's own authserv-id, on the Authentication-Results field it adds. */
    static final String AUTHSERV_ID = "opendmarc.test";
    /** The authserv-id opendmarc trusts for SPF and DKIM results. */
    static final String TRUSTED_ID = "verifiers.test";
    static final Path PROGRAM = Path.of("/usr/sbin/opendmarc");
    static final Path UNSHARE = Path.of("/usr/bin/unshare");
    static final Path MILTERTEST = Path.of("/usr/bin/miltertest");
    /** Debian's Public Suffix List (package publicsuffix, which opendmarc depends on). */
    static final Path DEBIAN_PSL = Path.of("/usr/share/publicsuffix/public_suffix_list.dat");

    final int port;
    private final Process process;
    private final Path dir;

    private Opendmarc(int port, Process process, Path dir) {
        this.port = port;
        this.process = process;
        this.dir = dir;
    }

    /** Starts opendmarc in the foreground, resolving through the name server at this address (port 53). */
    static Opendmarc start(Path dir, String nameserver) throws IOException {
        Path resolv = dir.resolve("resolv.conf");
        Files.writeString(resolv, "nameserver " + nameserver + "\noptions timeout:2 attempts:2\n");
        // The organisational domain (RFC 7489 3.2) comes from the PSL. The list's own algorithm takes
        // an unlisted TLD as a suffix (its implicit "*" rule), which is what mxfront does for .test;
        // libopendmarc instead takes such a name as its own organisational domain. "test" added to
        // the list makes it do the same for the test's names; all else is Debian's list.
        Path psl = dir.resolve("public_suffix_list.dat");
        String debian = Files.isReadable(DEBIAN_PSL) ? Files.readString(DEBIAN_PSL, StandardCharsets.UTF_8) : "com\nio\ngithub.io\n";
        Files.writeString(psl, debian + "\n// DmarcOpendmarcIT: RFC 6761's test TLD\ntest\n", StandardCharsets.UTF_8);
        // The default IgnoreHosts is 127.0.0.1 (mail from there is not checked); no test client is in this list.
        Path ignore = dir.resolve("ignore-hosts");
        Files.writeString(ignore, "192.0.2.255\n");
        int port = Ports.free();
        Path conf = dir.resolve("opendmarc.conf");
        Files.writeString(conf, String.join("\n",
                "Socket inet:" + port + "@[127.0.0.1]",
                "Background false",
                "Syslog false",
                "AuthservID " + AUTHSERV_ID,
                "TrustedAuthservIDs " + TRUSTED_ID,
                "PublicSuffixList " + psl,
                "IgnoreHosts " + ignore,
                "SPFSelfValidate false",
                "SPFIgnoreResults false",
                // its disposition, not only its verdict: a reply code for p=reject, a quarantine
                // request and dis=quarantine for p=quarantine
                "RejectFailures true",
                "HoldQuarantinedMessages true",
                "FailureReports false",
                ""));
        Path out = dir.resolve("opendmarc.out");
        Process p = new ProcessBuilder(UNSHARE.toString(), "-m", "--propagation", "private", "/bin/sh", "-c",
                "mount --bind \"$1\" /etc/resolv.conf && exec " + PROGRAM + " -f -c \"$2\"", "sh", resolv.toString(), conf.toString())
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        Opendmarc o = new Opendmarc(port, p, dir);
        try {
            Ports.awaitListening(port, Duration.ofSeconds(15));
        } catch (RuntimeException | Error e) {
            o.close();
            throw new AssertionError("opendmarc did not listen on 127.0.0.1:" + port + "; it said: " + o.log(), e);
        }
        return o;
    }

    String log() {
        try {
            Path out = dir.resolve("opendmarc.out");
            return Files.exists(out) ? Files.readString(out, StandardCharsets.UTF_8).strip() : "nothing";
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** What opendmarc did with one message. */
    record Answer(boolean rejected, boolean tempfailed, boolean quarantined, List<String> authResults, String transcript) {}

    /**
     * One SMTP transaction through miltertest: the client, HELO, MAIL FROM, one recipient, the header
     * fields of {@code message} (CRLF lines, folded fields kept whole) and its end.
     */
    Answer check(String clientIp, String helo, String mailFrom, String message) throws IOException, InterruptedException {
        StringBuilder headers = new StringBuilder();
        String head = message.substring(0, message.indexOf("\r\n\r\n"));
        for (String h : head.split("\r\n(?![ \t])")) {
            int colon = h.indexOf(':');
            headers.append("  check(mt.header(conn, %s, %s), \"header\")\n".formatted(Miltertest.lua(h.substring(0, colon)),
                    Miltertest.lua(h.substring(colon + 1).stripLeading())));
        }
        Path script = Files.createTempFile(dir, "check", ".lua");
        Files.writeString(script, """
                function check(r, what) if r ~= nil then error(what .. ": " .. r) end end
                function cont(conn, what)
                  local r = mt.getreply(conn)
                  if r ~= SMFIR_CONTINUE then error(what .. ": reply " .. tostring(r)) end
                end
                function run()
                  conn = mt.connect("inet:%d@127.0.0.1")
                  if conn == nil then error("mt.connect() failed") end
                  check(mt.conninfo(conn, %s, %s), "conninfo"); cont(conn, "conninfo")
                  check(mt.helo(conn, %2$s), "helo"); cont(conn, "helo")
                  check(mt.mailfrom(conn, %s), "mailfrom"); cont(conn, "mailfrom")
                  check(mt.rcptto(conn, "<bob@example.com>"), "rcptto"); cont(conn, "rcptto")
                  -- opendmarc negotiates SMFIP_NODATA and SMFIP_NOBODY: no DATA, no body
                %s
                  check(mt.eoh(conn), "eoh")
                  check(mt.eom(conn), "eom")
                  local r = mt.getreply(conn)
                  if r == SMFIR_REPLYCODE then mt.echo("opendmarc: reject")
                  elseif r == SMFIR_TEMPFAIL then mt.echo("opendmarc: tempfail")
                  elseif r == SMFIR_ACCEPT or r == SMFIR_CONTINUE then mt.echo("opendmarc: accept")
                  else mt.echo("opendmarc: reply " .. tostring(r)) end
                  if mt.eom_check(conn, MT_QUARANTINE) then mt.echo("opendmarc: quarantine") end
                  for n = 0, 9 do
                    local v = mt.getheader(conn, "Authentication-Results", n)
                    if v ~= nil then mt.echo("opendmarc: ar " .. v) end
                  end
                  mt.disconnect(conn)
                end
                -- miltertest says nothing about a script's error: say it
                local ok, e = pcall(run)
                if ok then mt.echo("opendmarc: done") else mt.echo("opendmarc: error " .. tostring(e)) end
                """.formatted(port, Miltertest.lua(helo), Miltertest.lua(clientIp), Miltertest.lua("<" + mailFrom + ">"), headers));
        Process p = new ProcessBuilder(MILTERTEST.toString(), "-s", script.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) p.destroyForcibly();
        if (!out.contains("opendmarc: done")) {
            throw new AssertionError("miltertest did not finish with opendmarc: " + out.strip() + "\nopendmarc said: " + log());
        }
        List<String> ar = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (line.startsWith("opendmarc: ar ")) ar.add(line.substring("opendmarc: ar ".length()).strip());
        }
        return new Answer(out.contains("opendmarc: reject\n"), out.contains("opendmarc: tempfail\n"),
                out.contains("opendmarc: quarantine\n"), ar, out.strip());
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
