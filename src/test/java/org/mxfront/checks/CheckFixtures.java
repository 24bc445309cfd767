// Shared fixtures for the check tests: the daemon context (mx.test, example.com, 127.0.0.1) and client facts.
package org.mxfront.checks;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.mxfront.mail.ClientInfo;
import org.mxfront.mail.Mailbox;
import org.mxfront.policy.Facts;

/** Builders for CheckContext and Facts; addresses are literals, so nothing is looked up. */
public final class CheckFixtures {
    private CheckFixtures() {}

    public static final String HOSTNAME = "mx.test";
    public static final String LOCAL_DOMAIN = "example.com";
    public static final String CLIENT_IP = "127.0.0.2";

    /** hostname mx.test, local domains {example.com}, our addresses [127.0.0.1]. */
    public static CheckContext context() {
        return new CheckContext(HOSTNAME, List.of(address("127.0.0.1")), Set.of(LOCAL_DOMAIN),
                Clock.fixed(Instant.EPOCH, ZoneOffset.UTC), new SimpleMeterRegistry());
    }

    public static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new AssertionError(literal, e);
        }
    }

    public static ClientInfo client(String ip, boolean relayPermitted, int connections) {
        return new ClientInfo(address(ip), 1234, null, relayPermitted, connections);
    }

    /** A connected outside client, 127.0.0.2, its only connection. */
    public static Facts outsider() {
        return Facts.connect(client(CLIENT_IP, false, 1));
    }

    /** A connected client from relay-networks. */
    public static Facts relayClient() {
        return Facts.connect(client("127.0.0.1", true, 1));
    }

    /** user@domain as the path parser would give it (domain lower-case). */
    public static Mailbox mailbox(String address) {
        int at = address.lastIndexOf('@');
        if (at < 0) return new Mailbox(address, "", false); // <postmaster> without a domain
        return new Mailbox(address.substring(0, at), address.substring(at + 1), false);
    }
}
