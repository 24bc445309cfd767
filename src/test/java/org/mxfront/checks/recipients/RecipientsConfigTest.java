// The recipients check, the dictionary guard and sender verification as the configuration loader
// binds them: the defaults load (all three off), a per-domain source turns the check on for that
// domain only, and bad settings name the file, the line and the key.
package org.mxfront.checks.recipients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mxfront.config.ConfigException;
import org.mxfront.config.DaemonConfig;
import org.mxfront.policy.ConfiguredCheck;
import org.mxfront.policy.Policy;

class RecipientsConfigTest {
    @TempDir
    Path tmp;

    DaemonConfig parse(String yaml) throws ConfigException {
        return org.mxfront.config.TestConfigs.parse(tmp, yaml);
    }

    private static boolean has(Policy p, String check) {
        return p.checks().stream().map(ConfiguredCheck::name).anyMatch(check::equals);
    }

    @Test
    void offByDefaultAndOnPerDomain() throws Exception {
        DaemonConfig d = parse("");
        assertFalse(has(d.engine().defaultPolicy(), "recipients"));
        assertFalse(has(d.engine().defaultPolicy(), "dictionary-guard"));
        assertFalse(has(d.engine().defaultPolicy(), "sender-verify"));
        Files.writeString(tmp.resolve("users.txt"), "bob@example.org\n");
        d = parse("domains:\n  example.com: {}\n  example.org:\n    checks:\n      recipients: {enabled: true, source: table, table: {file: users.txt}}\n");
        assertTrue(has(d.engine().domainPolicies().get("example.org"), "recipients"), "relative to state-directory");
        assertFalse(has(d.engine().domainPolicies().get("example.com"), "recipients"));
    }

    @Test
    void checkingAFileNeverConnectsToTheDirectory() throws Exception {
        try (java.net.ServerSocket directory = new java.net.ServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress())) {
            parse("domains:\n  example.org:\n    checks:\n      recipients: {enabled: true, source: ldap, ldap: {url: \"ldap://127.0.0.1:"
                    + directory.getLocalPort() + "\"}}\n");
            directory.setSoTimeout(500);
            assertThrows(java.net.SocketTimeoutException.class, directory::accept);
        }
    }

    @Test
    void badSettingsNameFileLineAndKey() {
        ConfigException e = assertThrows(ConfigException.class, () -> parse(
                "domains:\n  example.org:\n    checks:\n      recipients: {enabled: true, source: table, table: {file: nope.txt}}\n"));
        assertEquals("test.yml:7: domains.example.org.checks.recipients: table: no such file " + tmp.resolve("nope.txt"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> parse(
                "domains:\n  example.org:\n    checks:\n      recipients: {enabled: true, source: table}\n"));
        assertEquals("test.yml:7: domains.example.org.checks.recipients: source table needs table.file", e.getMessage());
        e = assertThrows(ConfigException.class, () -> parse("checks:\n  recipients:\n    source: nis\n"));
        assertTrue(e.getMessage().startsWith("test.yml:6: checks.recipients.source: invalid value 'nis'"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> parse("checks:\n  recipients:\n    ldap: {filter: \"(mail=%s\"}\n"));
        assertTrue(e.getMessage().startsWith("test.yml:6: checks.recipients.ldap"), e.getMessage());
        assertTrue(e.getMessage().contains("ldap.filter is not an LDAP filter"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> parse("checks:\n  dictionary-guard:\n    threshold: 0\n"));
        assertEquals("test.yml:5: checks.dictionary-guard: threshold must be at least 1", e.getMessage());
        e = assertThrows(ConfigException.class, () -> parse("checks:\n  sender-verify:\n    enabled: true\n    targets: {a.example: nohost}\n"));
        assertEquals("test.yml:5: checks.sender-verify: 'nohost' is not HOST:PORT", e.getMessage());
    }

    @Test
    void accountStateSettingsBindFromYaml() throws Exception {
        DaemonConfig d = parse("checks:\n  recipients:\n    source: ldap\n    over-quota: permanent\n    unlisted-sender: all\n"
                + "    ldap: {status-attribute: accountStatus, status-values: {Locked: suspended, full: over-quota}}\n"
                + "domains:\n  example.org: {}\n");
        RecipientsCheck c = d.engine().find(RecipientsCheck.class).orElseThrow();
        assertEquals(RecipientsConfig.OverQuota.PERMANENT, c.config().overQuota());
        assertEquals(RecipientsConfig.UnlistedSender.ALL, c.config().unlistedSender());
        assertEquals("accountStatus", c.config().ldap().statusAttribute());
        assertEquals(java.util.Map.of("locked", org.mxfront.recipients.AccountState.SUSPENDED,
                "full", org.mxfront.recipients.AccountState.OVER_QUOTA), c.config().ldap().statusValues());
        ConfigException e = assertThrows(ConfigException.class, () -> parse(
                "checks:\n  recipients:\n    ldap: {status-values: {locked: frozen}}\n"));
        assertTrue(e.getMessage().startsWith("test.yml:6: checks.recipients.ldap.status-values.locked: invalid value 'frozen'"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> parse("checks:\n  recipients:\n    unlisted-sender: sometimes\n"));
        assertTrue(e.getMessage().startsWith("test.yml:6: checks.recipients.unlisted-sender"), e.getMessage());
    }
}
