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
    /** rspamd's controller answers an already learned message with HTTP 208 (Already Reported). */
    private static final String ALREADY = "rspamd controller answered HTTP 208";

    private SpamLearner() {}

    /** What a learning attempt came to. */
    public sealed interface Outcome permits Learned, NotConfigured, TooLarge, Failed {}

    /**
     * The classifier took the message.
     *
     * @param already true when it had learned this message in this class before (nothing changed)
     * @param answer  the classifier's answer, for the operator
     */
    public record Learned(String backend, boolean spam, boolean already, String answer) implements Outcome {}

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
                    message.length, l.already() ? "already-learned" : "learned", clip(l.answer()));
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
        try (backend) {
            return new Learned(name, spam, false, backend.learn(spam, message));
        } catch (ConnectException | SocketTimeoutException e) {
            return new Failed(name, true, name + " does not answer: " + e.getMessage());
        } catch (IOException e) {
            String m = String.valueOf(e.getMessage());
            if (m.startsWith(ALREADY)) return new Learned(name, spam, true, m.substring(ALREADY.length()).replaceFirst("^:\\s*", ""));
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
                yield new RspamdClient(SpamConfig.Rspamd.httpUri(c.rspamd().url(), "url"),
                        SpamConfig.Rspamd.httpUri(c.rspamd().controller(), "controller"), password, c.connectTimeout(), c.timeout());
            }
            case SPAMD -> {
                InetSocketAddress a = SpamConfig.Spamd.hostPort(c.spamd().address());
                yield new SpamdClient(new InetSocketAddress(a.getHostString(), a.getPort()), c.spamd().user(),
                        c.connectTimeout(), c.timeout());
            }
        };
    }

    private static String clip(String s) {
        String t = s == null ? "" : s.length() > 300 ? s.substring(0, 300) : s;
        return t.replaceAll("[\\x00-\\x1f]", " ");
    }
}
