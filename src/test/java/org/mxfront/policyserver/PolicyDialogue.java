// The policy door's side of the dialogue files (src/test/resources/dialogues): the envelope of an
// SMTP dialogue (client, HELO, sender, recipients) as the requests Postfix would send at RCPT, through
// the door's mapper and the checks this door runs; the action= of each back.
package org.mxfront.policyserver;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mxfront.Doors;
import org.mxfront.config.ConfigLoader;
import org.mxfront.config.DaemonConfig;
import org.mxfront.door.DoorEngine;
import org.mxfront.policy.PolicyEngine;

/** Runs a dialogue's envelope through the policy door. */
public final class PolicyDialogue {
    private PolicyDialogue() {}

    /** The policy door's action for each recipient, in order. */
    public static List<String> actions(String clientIp, String yaml, String helo, String sender, List<String> recipients)
            throws Exception {
        DaemonConfig c = new ConfigLoader(Doors.ALL).parse("dialogue.yml", "server: {hostname: mx.test}\n" + yaml, new SimpleMeterRegistry());
        PolicyEngine engine = new DoorEngine("policy", java.util.Set.of(), Map.of()).usable(c.engine());
        PolicyMapper m = new PolicyMapper(() -> engine, new InstanceTable(10, Duration.ofMinutes(1)));
        List<String> out = new ArrayList<>();
        for (String r : recipients) {
            Map<String, String> a = new LinkedHashMap<>();
            a.put("request", "smtpd_access_policy");
            a.put("protocol_state", "RCPT");
            a.put("client_address", clientIp);
            a.put("client_name", "unknown");
            a.put("helo_name", helo == null ? "" : helo);
            a.put("sender", sender == null ? "" : sender);
            a.put("recipient", r);
            a.put("instance", "dialogue.1");
            out.add(PolicyActions.render(m.decide(new PolicyRequest(a))));
        }
        return out;
    }
}
