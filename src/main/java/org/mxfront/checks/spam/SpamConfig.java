// Settings of the spam check (checks.spam): which classifier (rspamd over HTTP, or spamd), its
// address, timeouts, the largest message sent, what a fault does, score thresholds, what each
// action does, the headers written. Per recipient domain through `domains:` like every check.
// Defaults: rspamd at http://127.0.0.1:11333, timeout 10s, max-bytes 2 MiB, on-failure accept,
// rspamd's own actions, reply-code 550, headers on every scanned message.
package org.mxfront.checks.spam;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.mxfront.net.HostPort;
import org.mxfront.spam.RspamdClient;
import org.mxfront.spam.SpamAction;

/**
 * Spam classification at the final dot.
 *
 * @param backend        {@code rspamd} (default) or {@code spamd}
 * @param rspamd         rspamd's workers and options
 * @param spamd          spamd's address and user
 * @param connectTimeout time allowed to connect
 * @param timeout        time allowed for the whole exchange (sending the message, getting the answer)
 * @param maxBytes       larger messages are not sent (they pass unclassified, counted as skipped)
 * @param onFailure      classifier down, slow or answering garbage: accept (default, counted, logged once
 *                       per outage) or tempfail (451 4.3.0 XM-RJCT66); never a 5xx
 * @param replyCode      550 (default) or 551 (seed 003's shape) for the spam refusal
 * @param thresholds     score thresholds: when any is set, mxfront decides the action from the score
 *                       (the highest threshold reached wins) instead of taking rspamd's; spamd without
 *                       thresholds: reject at 15, add-header at spamd's own required score
 * @param actions        what each action does: reject, tempfail, rewrite-subject, header or pass
 * @param headers        which scanned messages get X-Spamd-Result and X-Spam-Status: all (default), spam, none
 * @param subjectPrefix  put before the subject when an action rewrites it (rspamd's own rewritten subject wins)
 * @param logSymbols     how many of the heaviest symbols the decision line carries
 */
public record SpamConfig(Backend backend, Rspamd rspamd, Spamd spamd, Duration connectTimeout, Duration timeout,
        Long maxBytes, OnFailure onFailure, Integer replyCode, Thresholds thresholds, Map<String, Outcome> actions,
        Headers headers, String subjectPrefix, Integer logSymbols) {

    /** The classifier. */
    public enum Backend {
        @JsonProperty("rspamd") RSPAMD,
        @JsonProperty("spamd") SPAMD
    }

    /** What to do when the classifier gives no answer. */
    public enum OnFailure {
        @JsonProperty("accept") ACCEPT,
        @JsonProperty("tempfail") TEMPFAIL
    }

    /** What an action does to the message. */
    public enum Outcome {
        @JsonProperty("reject") REJECT,
        @JsonProperty("tempfail") TEMPFAIL,
        @JsonProperty("rewrite-subject") REWRITE_SUBJECT,
        @JsonProperty("header") HEADER,
        @JsonProperty("pass") PASS
    }

    /** Which messages get the result headers. */
    public enum Headers {
        @JsonProperty("all") ALL,
        @JsonProperty("spam") SPAM,
        @JsonProperty("none") NONE
    }

    /**
     * rspamd.
     *
     * @param url                the normal worker (checkv2): http://HOST:PORT or unix:/PATH
     * @param controller         the controller worker (learning, /stat): http://HOST:PORT or unix:/PATH
     * @param passwordFile       a file holding the controller's password (learning); empty: none
     * @param settingsId         sent as Settings-ID: a settings block of rspamd's settings.conf with that id applies
     * @param applyMilterHeaders apply the header additions of rspamd's milter_headers module (its "milter" answer)
     */
    public record Rspamd(String url, String controller, String passwordFile, String settingsId, Boolean applyMilterHeaders) {
        public Rspamd {
            if (url == null) url = "http://127.0.0.1:11333";
            if (controller == null) controller = "http://127.0.0.1:11334";
            if (passwordFile == null) passwordFile = "";
            if (settingsId == null) settingsId = "";
            if (applyMilterHeaders == null) applyMilterHeaders = false;
            rspamdUri(url, "url");
            rspamdUri(controller, "controller");
            if (!settingsId.matches("[A-Za-z0-9_.-]*")) throw new IllegalArgumentException("settings-id: letters, digits, _ . - only");
        }

        static URI rspamdUri(String s, String key) {
            URI u;
            try {
                u = URI.create(s.strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(key + ": not a URL: " + s);
            }
            try {
                RspamdClient.Endpoint.of(u);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(key + ": " + e.getMessage());
            }
            return u;
        }
    }

    /**
     * spamd.
     *
     * @param address HOST:PORT
     * @param user    the user name sent (spamc -u); empty: none
     */
    public record Spamd(String address, String user) {
        public Spamd {
            if (address == null) address = "127.0.0.1:783";
            if (user == null) user = "";
            hostPort(address);
            if (!user.matches("[A-Za-z0-9_.@-]*")) throw new IllegalArgumentException("user: letters, digits, _ . @ - only");
        }

        static java.net.InetSocketAddress hostPort(String s) {
            try {
                return HostPort.unresolved(s);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("address: " + e.getMessage(), e);
            }
        }
    }

    /** Score thresholds; null ones do not apply. */
    public record Thresholds(Double reject, Double softReject, Double rewriteSubject, Double addHeader, Double greylist) {
        /** True when none is set. */
        public boolean none() {
            return reject == null && softReject == null && rewriteSubject == null && addHeader == null && greylist == null;
        }

        /** The action of the highest threshold the score reaches; no-action below all. */
        public SpamAction actionFor(double score) {
            SpamAction best = SpamAction.NO_ACTION;
            double bestAt = Double.NEGATIVE_INFINITY;
            Map<SpamAction, Double> all = new LinkedHashMap<>();
            all.put(SpamAction.REJECT, reject);
            all.put(SpamAction.SOFT_REJECT, softReject);
            all.put(SpamAction.REWRITE_SUBJECT, rewriteSubject);
            all.put(SpamAction.ADD_HEADER, addHeader);
            all.put(SpamAction.GREYLIST, greylist);
            for (Map.Entry<SpamAction, Double> e : all.entrySet()) {
                if (e.getValue() != null && score >= e.getValue() && e.getValue() > bestAt) {
                    best = e.getKey();
                    bestAt = e.getValue();
                }
            }
            return best;
        }
    }

    /** The default meaning of each action. */
    static Map<SpamAction, Outcome> defaultActions() {
        Map<SpamAction, Outcome> m = new LinkedHashMap<>();
        m.put(SpamAction.REJECT, Outcome.REJECT);
        m.put(SpamAction.SOFT_REJECT, Outcome.TEMPFAIL);
        m.put(SpamAction.REWRITE_SUBJECT, Outcome.REWRITE_SUBJECT);
        m.put(SpamAction.ADD_HEADER, Outcome.HEADER);
        m.put(SpamAction.GREYLIST, Outcome.TEMPFAIL);
        m.put(SpamAction.NO_ACTION, Outcome.PASS);
        return m;
    }

    public SpamConfig {
        if (backend == null) backend = Backend.RSPAMD;
        if (rspamd == null) rspamd = new Rspamd(null, null, null, null, null);
        if (spamd == null) spamd = new Spamd(null, null);
        if (connectTimeout == null) connectTimeout = Duration.ofSeconds(2);
        if (timeout == null) timeout = Duration.ofSeconds(10);
        if (maxBytes == null) maxBytes = 2L * 1024 * 1024;
        if (onFailure == null) onFailure = OnFailure.ACCEPT;
        if (replyCode == null) replyCode = 550;
        if (thresholds == null) thresholds = new Thresholds(null, null, null, null, null);
        Map<String, Outcome> acts = new LinkedHashMap<>();
        defaultActions().forEach((a, o) -> acts.put(a.label(), o));
        if (actions != null) {
            for (Map.Entry<String, Outcome> e : actions.entrySet()) {
                SpamAction a = SpamAction.parse(e.getKey());
                if (a == null) throw new IllegalArgumentException("actions: unknown action '" + e.getKey()
                        + "' (known: reject, soft-reject, rewrite-subject, add-header, greylist, no-action)");
                if (e.getValue() == null) throw new IllegalArgumentException("actions: " + e.getKey() + ": missing value");
                acts.put(a.label(), e.getValue());
            }
        }
        actions = java.util.Collections.unmodifiableMap(acts);
        if (headers == null) headers = Headers.ALL;
        if (subjectPrefix == null) subjectPrefix = "***SPAM*** ";
        if (logSymbols == null) logSymbols = 5;
        if (connectTimeout.isNegative() || connectTimeout.isZero()) throw new IllegalArgumentException("connect-timeout must be longer than zero");
        if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("timeout must be longer than zero");
        if (maxBytes < 1) throw new IllegalArgumentException("max-bytes must be at least 1");
        if (replyCode != 550 && replyCode != 551 && replyCode != 554) throw new IllegalArgumentException("reply-code must be 550, 551 or 554");
        if (logSymbols < 0 || logSymbols > 50) throw new IllegalArgumentException("log-symbols must be between 0 and 50");
    }

    /** What an action does. */
    public Outcome outcome(SpamAction a) {
        return actions.get(a.label());
    }
}
