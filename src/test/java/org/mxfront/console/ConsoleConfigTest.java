// console: settings as check-config sees them: off by default, plain HTTP refused on an address
// that is not loopback (unless plain-http: true or a certificate is given), unknown keys refused,
// and the accounts file's lines checked with file and line.
package org.mxfront.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mxfront.Doors;
import org.mxfront.config.ConfigException;
import org.mxfront.config.ConfigLoader;
import org.mxfront.config.DaemonConfig;

class ConsoleConfigTest {
    static DaemonConfig load(String yaml) throws ConfigException {
        return new ConfigLoader(Doors.ALL).parse("t.yml", "smtp: {listen: 127.0.0.1:0}\ndownstream: {address: 127.0.0.1:1}\n"
                + "state-directory: target/console-config-test\n" + yaml, new SimpleMeterRegistry());
    }

    @Test
    void offByDefault() throws Exception {
        assertNull(load("").console());
        DaemonConfig c = load("console: {enabled: true}");
        assertNotNull(c.console());
        assertEquals("127.0.0.1:9726", c.console().listen().getAddress().getHostAddress() + ":" + c.console().listen().getPort());
        assertNull(c.console().tls());
    }

    @Test
    void plainHttpOnlyOnLoopbackUnlessAllowed() throws Exception {
        ConfigException e = assertThrows(ConfigException.class, () -> load("console: {enabled: true, listen: 0.0.0.0:9726}"));
        assertTrue(e.getMessage().contains("t.yml:") && e.getMessage().contains("console.listen") || e.getMessage().contains("/console/listen"),
                e.getMessage());
        assertTrue(e.getMessage().contains("not loopback"), e.getMessage());
        assertNotNull(load("console: {enabled: true, listen: 0.0.0.0:9726, plain-http: true}").console());
        // off: not an error, but its settings are still checked
        assertNull(load("console: {enabled: false, listen: 0.0.0.0:9726}").console());
        assertThrows(ConfigException.class, () -> load("console: {enabled: false, listen: nowhere}"));
        assertThrows(ConfigException.class, () -> load("console: {enabled: true, colour: blue}"));
    }

    @Test
    void aBrokenCertificateIsAnErrorOfTheConsoleKey() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> load("console: {enabled: true, tls: {certificates: [{chain: /nonexistent.pem, key: /nonexistent.key}]}}"));
        assertTrue(e.getMessage().contains("console") && e.getMessage().contains("tls"), e.getMessage());
    }

    @Test
    void accountsFileLinesAreChecked() {
        Path f = Path.of("users");
        String hash = Passwords.hash("secret-password".toCharArray());
        assertEquals(3, UsersFile.parse(f, List.of("# accounts", "op operator - " + hash,
                "alice domain-admin example.com,example.org " + hash, "bob@example.com user - " + hash)).size());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> UsersFile.parse(f, List.of("", "x root - " + hash)));
        assertEquals("users:2: unknown role 'root' (operator, domain-admin, user)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> UsersFile.parse(f, List.of("alice domain-admin - " + hash)));
        assertThrows(IllegalArgumentException.class, () -> UsersFile.parse(f, List.of("op operator - plaintext")));
        assertThrows(IllegalArgumentException.class, () -> UsersFile.parse(f, List.of("bob user - " + hash)));
    }

    @Test
    void argon2idHashesVerifyOnlyTheirPassword() {
        String h = Passwords.hash("correct horse".toCharArray());
        assertTrue(h.startsWith("$argon2id$v=19$m=19456,t=2,p=1$"), h);
        assertTrue(Passwords.verify("correct horse".toCharArray(), h));
        assertTrue(!Passwords.verify("correct horsE".toCharArray(), h));
        assertTrue(!Passwords.verify("correct horse".toCharArray(), "garbage"));
        assertTrue(!h.equals(Passwords.hash("correct horse".toCharArray())), "salted");
    }
}
