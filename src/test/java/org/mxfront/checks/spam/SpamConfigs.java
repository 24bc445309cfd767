// Builds SpamConfig records for the unit tests from a short "key=value,..." text, so that each test
// says only what differs from the defaults (the YAML binding itself is covered by ConfigLoader's tests).
package org.mxfront.checks.spam;

import java.util.LinkedHashMap;
import java.util.Map;

final class SpamConfigs {
    private SpamConfigs() {}

    static SpamConfig parse(String backend, String text) {
        Map<String, String> kv = new LinkedHashMap<>();
        for (String p : text.split(",")) {
            if (p.isBlank()) continue;
            int eq = p.indexOf('=');
            kv.put(p.substring(0, eq).strip(), p.substring(eq + 1).strip());
        }
        Map<String, SpamConfig.Outcome> actions = new LinkedHashMap<>();
        kv.forEach((k, v) -> {
            if (k.startsWith("action:")) actions.put(k.substring(7), SpamConfig.Outcome.valueOf(v.toUpperCase().replace('-', '_')));
        });
        Double reject = kv.containsKey("reject") ? Double.valueOf(kv.get("reject")) : null;
        Double addHeader = kv.containsKey("add-header") ? Double.valueOf(kv.get("add-header")) : null;
        return new SpamConfig(SpamConfig.Backend.valueOf(backend.toUpperCase()), null, null, null, null,
                kv.containsKey("max-bytes") ? Long.valueOf(kv.get("max-bytes")) : null,
                kv.containsKey("on-failure") ? SpamConfig.OnFailure.valueOf(kv.get("on-failure").toUpperCase()) : null,
                kv.containsKey("reply-code") ? Integer.valueOf(kv.get("reply-code")) : null,
                new SpamConfig.Thresholds(reject, null, null, addHeader, null), actions,
                kv.containsKey("headers") ? SpamConfig.Headers.valueOf(kv.get("headers").toUpperCase()) : null, null, null);
    }
}
