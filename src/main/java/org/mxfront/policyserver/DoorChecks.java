// Which configured checks the policy door can run. Postfix sends attributes, not the connection or
// the message: connection-limit, early-talker and the content checks (received-hops, headers,
// attachments, virus, dkim) are skipped here with one startup WARN each, so that one daemon can run the
// SMTP door and this door on one checks list. message-size runs on MAIL's SIZE= and the actual size.
package org.mxfront.policyserver;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mxfront.policy.PolicyEngine;

/** The policy door's view of the configured checks. */
final class DoorChecks {
    private DoorChecks() {}

    /** Checks this door skips, and why (the startup warning says it). */
    static final Map<String, String> SKIPPED = skipped();

    private static Map<String, String> skipped() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("connection-limit", "Postfix holds the connection (use smtpd_client_connection_count_limit)");
        m.put("early-talker", "Postfix holds the connection (use postscreen's pregreet test)");
        m.put("received-hops", "no message content reaches a policy service");
        m.put("headers", "no message content reaches a policy service");
        m.put("attachments", "no message content reaches a policy service");
        m.put("virus", "no message content reaches a policy service");
        m.put("dkim", "no message content reaches a policy service");
        m.put("dmarc", "no message content reaches a policy service (its From: header is needed)");
        m.put("forged-sender", "no message content reaches a policy service (its From: header is needed)");
        m.put("authentication-results", "a policy service cannot add headers (use the milter door)");
        return Map.copyOf(m);
    }

    /** The engine without the skipped checks. */
    static PolicyEngine restrict(PolicyEngine engine) {
        return engine.withChecks(c -> !SKIPPED.containsKey(c.name()));
    }

    /** The names of the skipped checks that the engine's policies contain, sorted. */
    static List<String> skippedIn(PolicyEngine engine) {
        return engine.checkNames().stream().filter(SKIPPED::containsKey).toList();
    }
}
