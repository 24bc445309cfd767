// The explain form (operators and domain admins): what the engine would answer for a client, HELO,
// sender, recipients (the viewer's domains only) and an optional message, as the CLI's explain prints it.
package org.mxfront.console;

import io.netty.handler.codec.http.FullHttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** /explain. */
final class ExplainPage {
    private ExplainPage() {}

    static FullHttpResponse explainPage(ConsoleState st, Sessions.Session s, Map<String, String> values, Map<String, Object> result) {
        if (s.principal().role() == Role.USER) return st.out().notFound(s);
        Map<String, Object> m = new HashMap<>();
        m.put("v", values);
        if (result != null) m.putAll(result);
        return st.out().page("explain", s, m);
    }

    static FullHttpResponse explain(ConsoleState st, Sessions.Session s, Form f) {
        Principal p = s.principal();
        if (p.role() == Role.USER) return st.out().notFound(s);
        Map<String, List<String>> params = new HashMap<>();
        Map<String, String> values = new HashMap<>();
        for (String k : List.of("client-ip", "helo", "from")) {
            String v = f.value(k);
            values.put(k, v == null ? "" : v);
            if (v != null && !v.isBlank()) params.put(k, List.of(v.strip()));
        }
        String rcpts = Optional.ofNullable(f.value("rcpt")).orElse("");
        values.put("rcpt", rcpts);
        List<String> rl = new ArrayList<>();
        for (String a : rcpts.split("[\\s,]+")) if (!a.isBlank()) rl.add(a.strip());
        for (String a : rl) {
            int at = a.lastIndexOf('@');
            if (at < 0 || !p.seesDomain(a.substring(at + 1))) {
                return explainPage(st, s, values, Map.of("error", "rcpt " + a + ": not one of your domains"));
            }
        }
        if (!rl.isEmpty()) params.put("rcpt", rl);
        byte[] message = f.file("message");
        if ((message == null || message.length == 0) && f.value("message-text") != null && !f.value("message-text").isBlank()) {
            message = f.value("message-text").replace("\r\n", "\n").replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8);
        }
        values.put("message-text", Optional.ofNullable(f.value("message-text")).orElse(""));
        try {
            return explainPage(st, s, values, Map.of("output", st.backend().explain(params, message == null || message.length == 0 ? null : message)));
        } catch (IllegalArgumentException e) {
            return explainPage(st, s, values, Map.of("error", e.getMessage()));
        }
    }
}
