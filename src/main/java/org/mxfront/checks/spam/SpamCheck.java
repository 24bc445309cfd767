// The spam check (checks.spam): keeps a copy of the message as it streams in (memory, then a spool
// file) and at the final dot streams it to rspamd (/checkv2, the envelope as headers) or spamd
// (SYMBOLS), then maps the classifier's action: reject -> 550 5.7.1 XM-RJCT84 (551 if configured),
// soft reject / greylist -> 451 4.7.1 XM-RJCT85, add header / rewrite subject -> X-Spamd-Result,
// X-Spam-Status and X-Spam headers (and a rewritten Subject), no action -> pass. A fault (down,
// slow, garbage) is never a 5xx: accept (counted, logged once per outage) or 451 4.3.0 XM-RJCT66.
// Why at the final dot and not while DATA arrives: a slow client must not hold a classifier's
// connection (and rspamd wants the whole message before it starts anyway).
package org.mxfront.checks.spam;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.mxfront.checks.CheckContext;
import org.mxfront.codes.Code;
import org.mxfront.content.Spool;
import org.mxfront.mail.Mailbox;
import org.mxfront.policy.AddedHeader;
import org.mxfront.policy.Facts;
import org.mxfront.policy.MessageCheck;
import org.mxfront.policy.ReplacedHeader;
import org.mxfront.policy.Stage;
import org.mxfront.policy.Verdict;
import org.mxfront.spam.RspamdClient;
import org.mxfront.spam.SpamAction;
import org.mxfront.spam.SpamBackend;
import org.mxfront.spam.SpamEnvelope;
import org.mxfront.spam.SpamResult;
import org.mxfront.spam.SpamdClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Spam classification at END_OF_DATA. */
public final class SpamCheck implements MessageCheck {
    private static final Logger LOG = LoggerFactory.getLogger(SpamCheck.class);
    private static final int SPOOL_MEMORY = 256 * 1024;

    private final SpamConfig config;
    private final Shared shared;

    /**
     * The classifier and what is known of its health, shared by every policy (per-domain copies of the
     * check) that talks to the same classifier with the same timeouts, and across reloads.
     */
    static final class Shared implements AutoCloseable {
        final SpamBackend backend;
        final SpamMeters meters;
        final AtomicBoolean down = new AtomicBoolean();

        Shared(SpamBackend backend, SpamMeters meters) {
            this.backend = backend;
            this.meters = meters;
        }

        @Override
        public void close() {
            backend.close();
        }
    }

    public SpamCheck(SpamConfig config, CheckContext ctx) {
        this(config, ctx.resources().get(List.of("spam", config.backend(), config.rspamd().url(), config.spamd().address(),
                config.spamd().user(), config.connectTimeout(), config.timeout()),
                () -> new Shared(backend(config), new SpamMeters(ctx.registry()))));
    }

    SpamCheck(SpamConfig config, Shared shared) {
        this.config = config;
        this.shared = shared;
    }

    /** The classifier client the settings name (no password: the check never learns). */
    static SpamBackend backend(SpamConfig c) {
        return switch (c.backend()) {
            case RSPAMD -> new RspamdClient(SpamConfig.Rspamd.rspamdUri(c.rspamd().url(), "url"), null, null,
                    c.connectTimeout(), c.timeout());
            case SPAMD -> {
                InetSocketAddress a = SpamConfig.Spamd.hostPort(c.spamd().address());
                yield new SpamdClient(new InetSocketAddress(a.getHostString(), a.getPort()), c.spamd().user(),
                        c.connectTimeout(), c.timeout());
            }
        };
    }

    /** The settings (the learn command finds the classifier through them). */
    public SpamConfig config() { return config; }

    @Override
    public Set<Stage> stages() { return Set.of(Stage.END_OF_DATA); }

    @Override
    public Verdict evaluate(Stage stage, Facts facts) { return Verdict.CONTINUE; }

    /** The recipients the classifier judges for: every recipient of the transaction. */
    List<Mailbox> judgedRecipients(Facts f) {
        return f.recipients();
    }

    /**
     * A recipient's safe entry (the policy store's safelists) lifts the spam refusals for that
     * recipient, as PMG's welcome list does: the sender's reputation, not the message's structure. A
     * classifier fault (XM-RJCT66) is lifted too: there is nothing to protect that recipient from.
     * Recipients that differ in exemption come in separate transactions, so each message has one verdict.
     */
    @Override
    public boolean liftedBySafeEntry(Verdict v) {
        return true;
    }

    @Override
    public MessageReader open(Facts facts) {
        if (config.headers() != SpamConfig.Headers.NONE || config.rspamd().applyMilterHeaders()
                || config.actions().containsValue(SpamConfig.Outcome.HEADER)
                || config.actions().containsValue(SpamConfig.Outcome.REWRITE_SUBJECT)) {
            AddedHeader.expectAtEnd(facts.state());
        }
        Spool spool = new Spool(SPOOL_MEMORY, null);
        return new MessageReader() {
            IOException spoolFailure;
            boolean over;

            @Override
            public void write(byte[] buf, int off, int len) {
                if (spoolFailure != null || over) return;
                if (spool.size() + len > config.maxBytes()) {
                    over = true; // not sent: no need to keep the rest
                    return;
                }
                try {
                    spool.write(buf, off, len);
                } catch (IOException e) {
                    spoolFailure = e;
                }
            }

            /** The spool is memory, then a local file: writing never waits on the network. */
            @Override
            public boolean mayBlock(int len) {
                return false;
            }

            @Override
            public Verdict finish(Facts f) {
                List<Mailbox> rcpts = judgedRecipients(f);
                if (rcpts.isEmpty()) return Verdict.CONTINUE;
                if (over) {
                    LOG.info("spam check skipped for {}: message larger than max-bytes {}", f.client().logName(), config.maxBytes());
                    shared.meters.result(shared.backend.name(), "skipped");
                    f.state().note("spam", "skipped");
                    return Verdict.CONTINUE;
                }
                if (spoolFailure != null) return failed(f, "cannot spool the message: " + spoolFailure);
                long t0 = System.nanoTime();
                SpamResult r;
                try (InputStream in = spool.openStream()) {
                    r = shared.backend.check(envelope(f, rcpts), in, spool.size());
                } catch (IOException e) {
                    shared.meters.latency(shared.backend.name(), System.nanoTime() - t0);
                    return failed(f, shared.backend.name() + ": " + e.getMessage());
                }
                shared.meters.latency(shared.backend.name(), System.nanoTime() - t0);
                if (shared.down.compareAndSet(true, false)) LOG.warn("spam classifier {} answers again", shared.backend.name());
                return decide(f, r);
            }

            @Override
            public void close() {
                spool.close();
            }
        };
    }

    private SpamEnvelope envelope(Facts f, List<Mailbox> rcpts) {
        List<String> to = new ArrayList<>(rcpts.size());
        for (Mailbox m : rcpts) to.add(m.address());
        String settings = config.rspamd().settingsId();
        return new SpamEnvelope(f.client().ip(), f.helo(), f.client().reverseName(),
                f.sender() == null ? "" : f.sender().address(), to, f.state().id(), f.state().authenticatedUser(),
                settings.isEmpty() ? null : settings);
    }

    /** Maps the classifier's answer onto a verdict, headers and the decision line's notes. */
    Verdict decide(Facts f, SpamResult answer) {
        SpamResult r = answer;
        double threshold = r.required();
        SpamConfig.Thresholds t = config.thresholds();
        if (!t.none()) {
            r = r.withAction(t.actionFor(r.score()));
            if (t.reject() != null) threshold = t.reject();
        } else if (config.backend() == SpamConfig.Backend.SPAMD) {
            t = new SpamConfig.Thresholds(15.0, null, null, r.required(), null);
            r = r.withAction(t.actionFor(r.score()));
            threshold = 15.0;
        }
        String backend = shared.backend.name();
        shared.meters.result(backend, r.action().label());
        shared.meters.score(backend, r.score());
        f.state().note("spam_score", SpamResult.twoDecimals(r.score()));
        f.state().note("spam_action", r.action().label());
        if (config.logSymbols() > 0 && !r.symbols().isEmpty()) f.state().note("spam_symbols", r.symbolsText(config.logSymbols()));
        SpamConfig.Outcome outcome = config.outcome(r.action());
        Map<String, String> vars = new LinkedHashMap<>();
        vars.put("score", oneDecimal(r.score()));
        vars.put("threshold", shortNumber(threshold));
        // headers in every case: a refusal lifted for a safelisted recipient delivers the message flagged
        addHeaders(f, r, threshold, outcome != SpamConfig.Outcome.PASS);
        return switch (outcome) {
            case REJECT -> new Verdict.Reject(Code.SPAM_REJECTED, vars, config.replyCode() == 550 ? 0 : config.replyCode());
            case TEMPFAIL -> Verdict.defer(Code.SPAM_DEFERRED, vars);
            case REWRITE_SUBJECT -> {
                rewriteSubject(f, r);
                yield Verdict.CONTINUE;
            }
            case HEADER, PASS -> Verdict.CONTINUE;
        };
    }

    private void addHeaders(Facts f, SpamResult r, double threshold, boolean flagged) {
        List<AddedHeader> hs = new ArrayList<>();
        if (config.headers() == SpamConfig.Headers.ALL || config.headers() == SpamConfig.Headers.SPAM && flagged) {
            hs.add(new AddedHeader("X-Spamd-Result", spamdResult(r, threshold, flagged), 0));
            hs.add(new AddedHeader("X-Spam-Status", (flagged ? "Yes" : "No") + ", score=" + SpamResult.twoDecimals(r.score()), 0));
            hs.add(new AddedHeader("X-Rspamd-Action", r.action().rspamdName(), 0));
        }
        if (flagged) hs.add(new AddedHeader("X-Spam", "Yes", 0));
        if (config.rspamd().applyMilterHeaders()) {
            for (SpamResult.Header h : r.addHeaders()) {
                try {
                    hs.add(new AddedHeader(h.name(), h.value().replace("\r\n", "\n").replace("\n", "\r\n"), 0));
                } catch (IllegalArgumentException bad) {
                    LOG.debug("rspamd asked for a header that cannot be written: {}", h.name());
                }
            }
        }
        // index 0 each: they go above the message's own fields, in this order, at every door
        for (AddedHeader h : hs) AddedHeader.add(f.state(), h);
    }

    /** The subject rspamd rewrote, or ours: the prefix before the message's own; rewritten in place. */
    private void rewriteSubject(Facts f, SpamResult r) {
        String original = null;
        if (f.headers() != null) {
            for (var field : f.headers().fields()) {
                if (field.name().equalsIgnoreCase("Subject")) {
                    original = field.value();
                    break;
                }
            }
        }
        String subject = r.subject() != null ? r.subject() : config.subjectPrefix() + (original == null ? "" : original);
        f.state().note("spam_subject", "rewritten");
        if (original == null) AddedHeader.add(f.state(), new AddedHeader("Subject", subject.replaceAll("[\\r\\n]+", " "), 0));
        else ReplacedHeader.add(f.state(), new ReplacedHeader("Subject", subject));
    }

    /** rspamd's X-Spamd-Result shape: {@code default: True [15.00 / 15.00]; GTUBE(0.00)[...]}, one symbol a line. */
    static String spamdResult(SpamResult r, double threshold, boolean flagged) {
        StringBuilder sb = new StringBuilder();
        sb.append("default: ").append(flagged || r.action() == SpamAction.REJECT ? "True" : "False").append(" [")
                .append(SpamResult.twoDecimals(r.score())).append(" / ").append(SpamResult.twoDecimals(threshold)).append("]");
        for (SpamResult.Symbol s : r.topSymbols(Integer.MAX_VALUE)) {
            sb.append(";\r\n\t").append(s.name()).append('(').append(SpamResult.twoDecimals(s.score())).append(")[");
            String opts = String.join(",", s.options());
            if (opts.length() > 200) opts = opts.substring(0, 200);
            for (int i = 0; i < opts.length(); i++) {
                char c = opts.charAt(i);
                sb.append(c < 0x20 || c == 0x7f ? '?' : c);
            }
            sb.append(']');
        }
        return sb.toString();
    }

    /** As {@code %.1f} (half up), without a Formatter. */
    static String oneDecimal(double d) {
        if (!Double.isFinite(d)) return String.format(Locale.ROOT, "%.1f", d);
        return BigDecimal.valueOf(d).setScale(1, RoundingMode.HALF_UP).toPlainString();
    }

    /** 15 -> "15", 15.5 -> "15.5". */
    static String shortNumber(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e9) return Long.toString((long) d);
        return new java.math.BigDecimal(Double.toString(d)).stripTrailingZeros().toPlainString();
    }

    private Verdict failed(Facts f, String why) {
        String backend = shared.backend.name();
        shared.meters.result(backend, "failed");
        f.state().note("spam", "failed");
        boolean first = shared.down.compareAndSet(false, true);
        if (config.onFailure() == SpamConfig.OnFailure.ACCEPT) {
            if (first) LOG.warn("spam classifier failed, accepting unclassified mail until it answers (on-failure: accept): {}", why);
            else LOG.debug("spam classifier still failing for {}: {}", f.client().logName(), why);
            return Verdict.CONTINUE;
        }
        if (first) LOG.warn("spam classifier failed, deferring mail until it answers (on-failure: tempfail): {}", why);
        else LOG.debug("spam classifier still failing for {}: {}", f.client().logName(), why);
        return Verdict.defer(Code.CONTENT_SCAN_FAILED, Map.of());
    }
}
