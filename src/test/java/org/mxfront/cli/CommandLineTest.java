// The command line: check-config's exit codes and its file:line: key: message, and codes' table.
package org.mxfront.cli;

import org.mxfront.Cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandLineTest {
    @TempDir
    Path tmp;


    static Cli.Run run(String... args) {
        return Cli.run(args);
    }

    /** Writes {@code yaml} to the file and runs check-config on it. */
    static Cli.Run checkConfig(Path f, String yaml) throws java.io.IOException {
        Files.writeString(f, yaml);
        return run("check-config", f.toString());
    }

    @Test
    void shippedConfigIsValid() {
        Cli.Run r = run("check-config", "config/mxfront.yml");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("config/mxfront.yml: OK (8 checks"), r.out());
    }

    @Test
    void checkConfigPrintsTheLocalDomainsInEffect() throws Exception {
        assertEquals("local domains (1): example.com", run("check-config", "config/mxfront.yml").out().lines().skip(1).findFirst().orElse(""));
        Path f = tmp.resolve("domains.yml");
        Cli.Run r = checkConfig(f, "domains:\n  example.org: {}\n  Example.NET:\n    checks: {helo: {mode: log-only}}\n");
        assertEquals(0, r.exit(), r.err());
        // A domains: map replaces the shipped one (README, config/mxfront.yml): example.com is gone.
        assertEquals(List.of(f + ": OK (8 checks, listen smtp 127.0.0.1:2525, downstream 127.0.0.1:10025)",
                "local domains (2): example.org, Example.NET"), r.out().lines().toList());
        StringBuilder many = new StringBuilder("domains:\n");
        for (int i = 1; i <= 25; i++) many.append("  d").append(i).append(".example: {}\n");
        Files.writeString(f, many);
        assertTrue(run("check-config", f.toString()).out().contains("\nlocal domains (25): d1.example, d2.example, "), "count first");
        assertTrue(run("check-config", f.toString()).out().endsWith(", d20.example, and 5 more\n"));
    }

    @Test
    void checkConfigRefusesSpfDeferringToADmarcCheckThatDoesNotRun() throws Exception {
        Path f = tmp.resolve("spf.yml");
        Cli.Run r = checkConfig(f, "checks:\n  relay: {}\n  spf: {}\n");
        assertEquals(1, r.exit());
        assertTrue(r.err().startsWith(f + ":3: checks.spf.fail: reject-unless-dmarc leaves the refusal to the dmarc check"), r.err());
        assertTrue(r.err().contains("enable dmarc after spf (checks: dmarc: {}), or set fail: reject"), r.err());
        assertEquals(0, checkConfig(f, "checks:\n  relay: {}\n  spf: {}\n  dmarc: {}\n").exit());
    }

    @Test
    void checkConfigPrintsAddressesTheAdministratorsWay() throws Exception {
        Path f = tmp.resolve("doors.yml");
        Cli.Run r = checkConfig(f, "smtp:\n  listen: 127.0.0.1:2625\ndownstream: {address: '[::1]:10099'}\n"
                + "policy-server: {enabled: true, listen: '[::1]:10040'}\nmilter: {enabled: true, listen: 127.0.0.1:8891}\n");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith(f + ": OK (8 checks, listen smtp 127.0.0.1:2625, downstream [::1]:10099,"
                + " policy-server [::1]:10040, milter 127.0.0.1:8891)"), r.out());
    }

    @Test
    void brokenConfigNamesFileLineAndKey() throws Exception {
        Path f = tmp.resolve("bad.yml");
        Cli.Run r = checkConfig(f, "smtp:\n  listen: 127.0.0.1:2525\n  max-conections: 3\n");
        assertEquals(1, r.exit());
        assertTrue(r.err().startsWith(f + ":3: smtp.max-conections: unknown key"), r.err());
    }

    @Test
    void checkConfigSaysTheSmtpDoorKnowsNoAuthenticatedUser() throws Exception {
        Path f = tmp.resolve("sasl.yml");
        Cli.Run r = checkConfig(f, "server: {hostname: mx.test}\nchecks:\n  rate-limit:\n    rules:\n"
                + "      quota: {key: [sasl-user], rate: 100/1h, reply: hourly-sending-quota-exceeded}\n"
                + "      per-client: {rate: 100/1h}\n");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains(f + ": warning: checks.rate-limit.rules.quota: the SMTP door has no SMTP AUTH, so"
                + " sasl-user/sasl-domain are never known there; the rule counts only at the policy-server and milter doors\n"), r.out());
        assertTrue(!r.out().contains("rules.per-client"), r.out());
        r = checkConfig(f, "smtp: {enabled: false}\npolicy-server: {enabled: true, listen: \"127.0.0.1:10040\"}\n"
                + "server: {hostname: mx.test}\nchecks:\n  rate-limit:\n    rules:\n"
                + "      quota: {key: [sasl-user], rate: 100/1h}\n");
        assertEquals(0, r.exit(), r.err());
        assertTrue(!r.out().contains("warning"), "no SMTP door, no warning: " + r.out());
    }

    @Test
    void missingFileIsAnError() {
        Cli.Run r = run("check-config", tmp.resolve("nope.yml").toString());
        assertEquals(1, r.exit());
        assertEquals(tmp.resolve("nope.yml") + ": no such file\n", r.err());
    }

    @Test
    void codesPrintsTheTable() {
        Cli.Run r = run("codes");
        assertEquals(0, r.exit());
        assertTrue(r.out().contains("| XM-RJCT06 | 550 | 5.7.1 | `relay-denied` | Unauthorized relay attempt |"), r.out());
    }

    @Test
    void explainLocallyShowsEachCheckAndTheFinalReply() throws Exception {
        Path cfg = tmp.resolve("c.yml");
        Files.writeString(cfg, "server:\n  hostname: mx.test\n");
        Path eml = tmp.resolve("m.eml");
        Files.writeString(eml, "Subject: hi\n\nbody\n");
        Cli.Run refused = run("explain", "-c", cfg.toString(), "--client-ip", "192.0.2.7", "--helo", "localhost",
                "--from", "a@sender.example", "--rcpt", "bob@example.com");
        assertEquals(0, refused.exit(), refused.err());
        assertTrue(refused.out().contains("HELO           helo               refuse: 550 5.7.1 XM-RJCT27: Helo command rejected:"),
                refused.out());
        assertTrue(refused.out().endsWith("""
                result: refused at RCPT by helo:
                  550-5.7.1 XM-RJCT27: Helo command rejected: <localhost> is not a name for a host on the internet.
                  550 5.7.1 [192.0.2.7] [mx.test]
                """), refused.out());
        Cli.Run accepted = run("explain", "-c", cfg.toString(), "--client-ip", "192.0.2.7", "--helo", "mail.sender.example",
                "--from", "a@sender.example", "--rcpt", "bob@example.com", "--message", eml.toString());
        assertTrue(accepted.out().endsWith("result: accepted: the message would be relayed downstream\n"), accepted.out());
    }

    @Test
    void everyCommandHasHelp() {
        for (String c : new String[] {"run", "check-config", "codes", "explain", "reload"}) {
            Cli.Run r = run(c, "--help");
            assertEquals(0, r.exit(), c);
            assertTrue(r.out().startsWith("Usage: mxfront " + c), r.out());
        }
    }
}
