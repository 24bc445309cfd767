// The Report spam page (operators): a message taught to the spam check's classifier through
// checks/spam/SpamLearner, with the checks and outcomes of the API's POST /api/v1/spam/learn, as a page.
// mxfront keeps no message bodies, so the message is uploaded or pasted here.
package org.mxfront.console;

import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.mxfront.checks.spam.SpamConfig;
import org.mxfront.checks.spam.SpamLearner;
import org.mxfront.store.EntryValues;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** /spam. */
final class SpamPage {
    private static final Logger AUDIT = LoggerFactory.getLogger("mxfront.audit");

    private SpamPage() {}

    /** Operators only, as in the API: one Bayes filter serves every domain, so a tenant's report would change everybody's verdicts. */
    static boolean mayLearn(Principal p) {
        return p.operator();
    }

    static FullHttpResponse spamPage(ConsoleState st, Sessions.Session s, HttpResponseStatus status, Map<String, Object> result) {
        if (!mayLearn(s.principal())) return st.out().notFound(s);
        Map<String, Object> m = new HashMap<>(result);
        m.putIfAbsent("v", Map.of());
        var c = SpamLearner.config(st.backend().config().engine(), null);
        m.put("backend", c == null ? null : c.backend() == SpamConfig.Backend.RSPAMD
                ? "rspamd's controller at " + c.rspamd().controller() : "spamd at " + c.spamd().address());
        m.put("maxBytes", c == null ? null : c.maxBytes());
        FullHttpResponse r = st.out().page("spam", s, m);
        r.setStatus(status);
        return r;
    }

    /** Teaches the classifier the uploaded (or pasted) message: the API's checks and outcomes, as a page. */
    static FullHttpResponse spamLearn(ConsoleState st, Sessions.Session s, Form f) {
        Principal p = s.principal();
        if (!mayLearn(p)) return st.out().notFound(s);
        Map<String, String> values = new HashMap<>();
        String as = Optional.ofNullable(f.value("as")).orElse("");
        String rawDomain = Optional.ofNullable(f.value("domain")).orElse("").strip();
        values.put("as", as);
        values.put("domain", rawDomain);
        Map<String, Object> m = new HashMap<>();
        m.put("v", values);
        if (!as.equals("spam") && !as.equals("ham")) {
            m.put("error", "Choose spam or not spam.");
            return spamPage(st, s, HttpResponseStatus.BAD_REQUEST, m);
        }
        String domain = null;
        if (!rawDomain.isEmpty()) {
            try {
                domain = EntryValues.domain("domain", rawDomain);
            } catch (IllegalArgumentException e) {
                m.put("error", e.getMessage());
                return spamPage(st, s, HttpResponseStatus.BAD_REQUEST, m);
            }
        }
        byte[] message = f.file("message");
        String text = f.value("message-text");
        if (text != null && text.length() <= 65536) values.put("message-text", text);
        if ((message == null || message.length == 0) && text != null && !text.isBlank()) {
            message = text.strip().replace("\r\n", "\n").replace("\n", "\r\n").concat("\r\n").getBytes(StandardCharsets.UTF_8);
        }
        String problem = SpamLearner.notAMessage(message);
        if (problem != null) {
            m.put("error", "The message: " + problem + ".");
            return spamPage(st, s, HttpResponseStatus.BAD_REQUEST, m);
        }
        var o = SpamLearner.learn(st.backend().config().engine(), domain, as.equals("spam"), message, p.name());
        AUDIT.info("console spam: user={} learn as={} bytes={} outcome={}", p.name(), as, message.length, o.getClass().getSimpleName());
        String what = as.equals("spam") ? "spam" : "not spam";
        HttpResponseStatus status = HttpResponseStatus.OK;
        switch (o) {
            case SpamLearner.Learned l -> {
                values.remove("message-text"); // done: an empty form, so that a second click does not report it again
                m.put("done", l.changed() ? "Learned as " + what + " by " + l.backend() + " (" + message.length + " bytes)."
                        : "Not learned again: " + l.unchanged() + "; nothing changed.");
                m.put("answer", l.answer());
            }
            case SpamLearner.NotConfigured n -> {
                status = HttpResponseStatus.CONFLICT;
                m.put("error", "Not learned: " + n.why() + ".");
            }
            case SpamLearner.TooLarge t -> {
                status = HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE;
                m.put("error", "Not learned: the message is larger than the spam check's max-bytes (" + t.limit()
                        + " bytes), so it would never be classified.");
            }
            case SpamLearner.Failed fl -> {
                status = fl.down() ? HttpResponseStatus.SERVICE_UNAVAILABLE : HttpResponseStatus.BAD_GATEWAY;
                m.put("error", "Not learned: " + (fl.down() ? "" : fl.backend() + " refused: ") + fl.why());
            }
        }
        return spamPage(st, s, status, m);
    }
}
