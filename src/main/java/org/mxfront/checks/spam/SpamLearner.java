// Teaching the spam check's classifier one message as spam or ham: the one service behind
// `mxfront spam learn`, the API's POST /api/v1/spam/learn and the console's Report page. It finds
// the spam check's settings in the running policy (the default one, or a recipient domain's), opens
// a learning client (rspamd's controller with the password from rspamd.password-file; spamd's TELL),
// sends the message and turns what happened into an Outcome the callers map to their own replies
// (HTTP statuses, a page, an exit code). One log line per learning attempt, who asked included.
package org.mxfront.checks.spam;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;
import org.mxfront.mail.Mailbox;
import org.mxfront.policy.ConfiguredCheck;
import org.mxfront.policy.Policy;
import org.mxfront.policy.PolicyEngine;
import org.mxfront.spam.RspamdClient;
import org.mxfront.spam.SpamBackend;
import org.mxfront.spam.SpamdClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Learning through the configured classifier. Stateless; thread-safe. */
public final class SpamLearner {
    private static final Logger LOG = LoggerFactory.getLogger(SpamLearner.class);
    /** rspamd's controller: an already learned message (HTTP 208, Already Reported; its statistics cache knows the Message-ID). */
    private static final String ALREADY = "rspamd controller answered HTTP 208";
    /** rspamd's controller: the Bayes learn conditions skipped the message (HTTP 204: it already puts it in that class). */
    private static final String SKIPPED = "rspamd controller answered HTTP 204";

    /** At the start of a message: a header field name and its colon (RFC 5322 2.2; names as mail uses them), or an mbox "From " line. */
    private static final Pattern HEADER_START = Pattern.compile("^(From |[A-Za-z0-9][A-Za-z0-9_.-]{0,199}:)");

    private SpamLearner() {}

    /** Why these bytes are not a message to learn (empty, or not starting with a header field), or null when they may be one. */
    public static String notAMessage(byte[] message) {
        if (message == null || message.length == 0) return "the raw message (RFC 5322) is required";
        String head = new String(message, 0, Math.min(message.length, 256), StandardCharsets.ISO_8859_1);
        if (!HEADER_START.matcher(head).find()) return "not an RFC 5322 message (it does not start with a header field)";
        return null;
    }

    /** What a learning attempt came to. */
    public sealed interface Outcome permits Learned, NotConfigured, TooLarge, Failed {}

    /**
     * The classifier took the message.
     *
     * @param unchanged null when it learned the message; else why nothing changed (it had learned this
     *                  message in this class before, or its Bayes filter already puts it there)
     * @param answer    the classifier's answer, for the operator
     */
    public record Learned(String backend, boolean spam, String unchanged, String answer) implements Outcome {
        public boolean changed() { return unchanged == null; }
    }

    /** No spam check in the policy, or its learning settings cannot be used (an unreadable password file). */
    public record NotConfigured(String why) implements Outcome {}

    /** The message is larger than the spam check's max-bytes: it would never be classified, so it is not learned. */
    public record TooLarge(long limit) implements Outcome {}

    /**
     * The classifier did not learn the message.
     *
     * @param down true when it gave no answer (refused the connection, slower than the timeout); false when
     *             it answered with an error (a wrong password, no Bayes backend, spamd without --allow-tell)
     */
    public record Failed(String backend, boolean down, String why) implements Outcome {}

    /**
     * The spam check's settings in the policy for a recipient domain (null: the default policy), or
     * null when that policy has no spam check.
     */
    public static SpamConfig config(PolicyEngine engine, String domain) {
        Policy p = domain == null ? engine.defaultPolicy() : engine.policyFor(new Mailbox("postmaster", domain.toLowerCase(Locale.ROOT), false));
        return p.checks().stream().map(ConfiguredCheck::check).filter(SpamCheck.class::isInstance).map(SpamCheck.class::cast)
                .map(SpamCheck::config).findFirst().orElse(null);
    }

    /**
     * Teaches the classifier of the policy for {@code domain} (null: the default policy) one message.
     *
     * @param actor who asked, for the log line
     */
    public static Outcome learn(PolicyEngine engine, String domain, boolean spam, byte[] message, String actor) {
        String as = spam ? "spam" : "ham";
        SpamConfig c = config(engine, domain);
        Outcome o;
        if (c == null) {
            o = new NotConfigured("the spam check is not enabled" + (domain == null ? "" : " for " + domain) + " (checks.spam)");
        } else if (message.length > c.maxBytes()) {
            o = new TooLarge(c.maxBytes());
        } else {
            o = learn(c, spam, message);
        }
        switch (o) {
            case Learned l -> LOG.info("spam learn: user={} as={} backend={} bytes={} result={} answer={}", actor, as, l.backend(),
                    message.length, l.changed() ? "learned" : "unchanged", clip(l.unchanged() == null ? l.answer() : l.unchanged()));
            case NotConfigured n -> LOG.warn("spam learn: user={} as={} bytes={} result=not-configured why={}", actor, as,
                    message.length, n.why());
            case TooLarge t -> LOG.info("spam learn: user={} as={} bytes={} result=too-large max-bytes={}", actor, as,
                    message.length, t.limit());
            case Failed f -> LOG.warn("spam learn: user={} as={} backend={} bytes={} result={} why={}", actor, as, f.backend(),
                    message.length, f.down() ? "backend-down" : "backend-refused", clip(f.why()));
        }
        return o;
    }

    /** Teaches the classifier these settings name one message (no size check). */
    public static Outcome learn(SpamConfig c, boolean spam, byte[] message) {
        String name = c.backend() == SpamConfig.Backend.RSPAMD ? "rspamd" : "spamd";
        SpamBackend backend;
        try {
            backend = backend(c);
        } catch (IOException e) {
            return new NotConfigured(e.getMessage());
        }
        String as = spam ? "spam" : "ham";
        try (backend) {
            String answer = backend.learn(spam, message);
            // spamd's TELL: "DidSet: none" when the message was learned in that class before
            return new Learned(name, spam, answer.startsWith("spamd: already learned") ? "already learned as " + as : null, answer);
        } catch (ConnectException | SocketTimeoutException e) {
            return new Failed(name, true, name + " does not answer: " + e.getMessage());
        } catch (IOException e) {
            String m = String.valueOf(e.getMessage());
            if (m.startsWith(ALREADY)) return new Learned(name, spam, "already learned as " + as, rest(m, ALREADY));
            if (m.startsWith(SKIPPED)) {
                return new Learned(name, spam, "rspamd's Bayes filter already classifies it as " + as + " (its learn conditions skipped it)",
                        rest(m, SKIPPED));
            }
            return new Failed(name, false, m);
        }
    }

    /** A learning client for the settings: rspamd's controller with its password, or spamd. */
    public static SpamBackend backend(SpamConfig c) throws IOException {
        return switch (c.backend()) {
            case RSPAMD -> {
                String file = c.rspamd().passwordFile();
                String password = null;
                if (!file.isBlank()) {
                    try {
                        password = Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
                    } catch (IOException e) {
                        throw new IOException("cannot read rspamd.password-file " + file + ": " + e.getMessage());
                    }
                }
                yield new RspamdClient(SpamConfig.Rspamd.rspamdUri(c.rspamd().url(), "url"),
                        SpamConfig.Rspamd.rspamdUri(c.rspamd().controller(), "controller"), password, c.connectTimeout(), c.timeout());
            }
            case SPAMD -> {
                InetSocketAddress a = SpamConfig.Spamd.hostPort(c.spamd().address());
                yield new SpamdClient(new InetSocketAddress(a.getHostString(), a.getPort()), c.spamd().user(),
                        c.connectTimeout(), c.timeout());
            }
        };
    }

    private static String rest(String m, String prefix) {
        return m.substring(prefix.length()).replaceFirst("^:\\s*", "");
    }

    private static String clip(String s) {
        String t = s == null ? "" : s.length() > 300 ? s.substring(0, 300) : s;
        return t.replaceAll("[\\x00-\\x1f]", " ");
    }
}
