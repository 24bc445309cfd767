// The dkim check as the configuration file sets it up: off by default, the commented defaults of
// config/mxfront.yml equal the record's, per-domain must-be-signed lists, and errors naming file,
// line and key.
package org.mxfront.checks.dkim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mxfront.codes.Code;
import org.mxfront.config.ConfigException;
import org.mxfront.config.DaemonConfig;
import org.mxfront.dns.OnDnsFailure;
import org.mxfront.mail.Mailbox;
import org.mxfront.policy.ConfiguredCheck;
import org.mxfront.policy.Verdict;

class DkimConfigTest {
    @TempDir
    Path tmp;

    DaemonConfig parse(String yaml) throws ConfigException {
        return org.mxfront.config.TestConfigs.parse(tmp, "dns:\n  resolvers: [\"127.0.0.1:9\"]\n" + yaml);
    }

    static DkimCheck dkim(DaemonConfig c, String domain) {
        return c.engine().policyFor(new Mailbox("u", domain, false)).checks().stream().map(ConfiguredCheck::check)
                .filter(DkimCheck.class::isInstance).map(DkimCheck.class::cast).findFirst().orElse(null);
    }

    @Test
    void offByDefaultAndTheDefaultsOfTheShippedFileAreTheRecordsOwn() throws Exception {
        assertEquals(null, dkim(parse(""), "example.com"));
        DkimConfig d = new DkimConfig(null, null, null, null, null, null, null, null);
        assertEquals(List.of(), d.mustBeSigned());
        assertEquals(OnDnsFailure.TEMPFAIL, d.onDnsFailure());
        assertEquals(1024, d.minRsaBits());
        assertFalse(d.acceptRsaSha1());
        assertEquals(5, d.maxSignatures());
        assertEquals(Duration.ofSeconds(5), d.lookupTimeout());
        assertEquals(Duration.ofMinutes(5), d.clockSkew());
        assertEquals(262144, d.maxHeaderBytes());
        String shipped = java.nio.file.Files.readString(Path.of("config/mxfront.yml"));
        for (String line : List.of("    must-be-signed: []", "    on-dns-failure: tempfail", "    min-rsa-bits: 1024",
                "    accept-rsa-sha1: false", "    max-signatures: 5", "    lookup-timeout: 5s", "    clock-skew: 5m",
                "    max-header-bytes: 262144")) {
            assertTrue(shipped.lines().anyMatch(l -> l.startsWith(line)), line);
        }
    }

    @Test
    void mustBeSignedPerRecipientDomain() throws Exception {
        DaemonConfig c = parse("checks:\n  relay: {}\n  dkim:\n    must-be-signed: [bank.example]\n"
                + "domains:\n  example.com: {}\n  example.org:\n    checks:\n      dkim: {must-be-signed: [bank.example, shop.example]}\n"
                + "  example.net:\n    checks:\n      dkim: {enabled: false}\n");
        Verdict shop = Verdict.reject(Code.DKIM_FAIL, Map.of("sender", "a@shop.example"));
        assertEquals(Verdict.CONTINUE, dkim(c, "example.com").decide("a@shop.example", List.of()));
        assertEquals(shop, dkim(c, "example.org").decide("a@shop.example", List.of()));
        assertEquals(Verdict.reject(Code.DKIM_FAIL, Map.of("sender", "a@bank.example")),
                dkim(c, "example.com").decide("a@bank.example", List.of()));
        assertEquals(null, dkim(c, "example.net"));
    }

    @Test
    void errorsNameTheFileLineAndKey() {
        ConfigException e = assertThrows(ConfigException.class, () -> parse("checks:\n  dkim:\n    min-rsa-bits: 512\n"));
        assertTrue(e.getMessage().startsWith("test.yml:"), e.getMessage());
        assertTrue(e.getMessage().contains("checks.dkim") && e.getMessage().contains("min-rsa-bits must be at least 1024 (RFC 8301)"),
                e.getMessage());
        e = assertThrows(ConfigException.class, () -> parse("checks:\n  dkim:\n    must-be-signed: [\"not a domain\"]\n"));
        assertTrue(e.getMessage().contains("must-be-signed: 'not a domain' is not a domain name"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> parse("checks:\n  dkim:\n    on-dns-failure: maybe\n"));
        assertTrue(e.getMessage().contains("on-dns-failure"), e.getMessage());
    }
}
