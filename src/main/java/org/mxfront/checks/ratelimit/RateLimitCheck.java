// Rate limits (issue 16): named rules, each counting connections, messages, recipients or bytes per
// key (client network, HELO, sender, sender domain, recipient, recipient domain, or a combination)
// with a GCRA rate and burst, in the store the configuration names (memory for one host, Redis for
// several MX hosts: exact across them). All the rules of one stage are one store step: all pass and
// count, or the first over its limit decides and nothing counts. Over the limit: the rule's reply
// (450 4.7.1 XM-RJCT40; 421 XM-RJCT76 for connections, which closes), after its tarpit delay if it
// has one, or only the delay (action: delay). A store failure never refuses mail: the check fails
// open, counts outcome store_error, and the store logs once per outage. Relay networks are exempt,
// except from rules keyed on the authenticated user (sasl-user, sasl-domain: the seed's hourly
// sending quotas, 550 5.4.6 XM-RJCT91 / 550 5.4.5 XM-RJCT90, or their 4xx form with temporary: true):
// those count whoever authenticated, wherever from.
package org.mxfront.checks.ratelimit;

import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.mxfront.checks.CheckContext;
import org.mxfront.checks.ratelimit.RateLimitConfig.Action;
import org.mxfront.checks.ratelimit.RateLimitConfig.Count;
import org.mxfront.checks.ratelimit.RateLimitConfig.KeyPart;
import org.mxfront.checks.ratelimit.RateLimitConfig.Rule;
import org.mxfront.checks.ratelimit.RateLimitConfig.RuleStage;
import org.mxfront.codes.Code;
import org.mxfront.mail.Mailbox;
import org.mxfront.mail.MeterNames;
import org.mxfront.net.Networks;
import org.mxfront.policy.Check;
import org.mxfront.policy.CheckAdmin;
import org.mxfront.policy.Facts;
import org.mxfront.policy.Stage;
import org.mxfront.policy.Verdict;
import org.mxfront.ratelimit.Gcra;
import org.mxfront.ratelimit.ManagedRateLimitStore;
import org.mxfront.ratelimit.RateLimitAdmin;
import org.mxfront.ratelimit.RateLimitStore.Bucket;
import org.mxfront.ratelimit.RateLimitStore;
import org.mxfront.ratelimit.RateLimitStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The rate-limit check. Thread-safe; the buckets live in the shared store. */
public final class RateLimitCheck implements Check {
    private static final Logger LOG = LoggerFactory.getLogger(RateLimitCheck.class);
    private static final Logger DECISIONS = LoggerFactory.getLogger("mxfront.decision");
    /** Rate-limit decisions by rule and outcome (allowed, limited, delayed, exempt, store_error). */
    public static final String DECISIONS_METER = MeterNames.RATELIMIT_DECISIONS;

    /**
     * A rule as the check runs it. Its buckets are named {@code RULE/N/SECONDSs/BURST:VALUE}: the limit is
     * part of the name, so a domain whose override changes a rule's rate or burst has buckets of its
     * own (a GCRA bucket only means something for one limit), and a changed rate starts afresh.
     */
    record Armed(String name, String bucketPrefix, Rule rule, Stage stage, Gcra.Limit limit, Code reply) {}

    /** Per session: the keys of a messages-at-rcpt rule already counted for the current transaction. */
    private record Counted(String rule) {}

    private record Transaction(Mailbox sender, Set<String> keys) {}

    private final RateLimitConfig config;
    private final RateLimitStore store;
    private final Networks allowClients;
    private final Map<Stage, List<Armed>> byStage = new EnumMap<>(Stage.class);
    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    public RateLimitCheck(RateLimitConfig config, CheckContext ctx) {
        this(config, ctx, ctx.resources().get(ManagedRateLimitStore.key(config.store()),
                () -> ManagedRateLimitStore.of(config.store(), ctx.clock(), ctx.registry()), ManagedRateLimitStore::warmUp));
    }

    /** With a given store (unit tests, benchmarks). */
    public RateLimitCheck(RateLimitConfig config, CheckContext ctx, RateLimitStore store) {
        this.config = config;
        this.store = store;
        this.registry = ctx.registry();
        this.allowClients = Networks.parse(config.allowClients());
        for (Map.Entry<String, Rule> e : config.rules().entrySet()) {
            Rule r = e.getValue();
            if (!r.enabled()) continue;
            Stage stage = switch (r.stage()) {
                case CONNECT -> Stage.CONNECT;
                case MAIL -> Stage.MAIL;
                case RCPT -> Stage.RCPT;
                case END_OF_DATA -> Stage.END_OF_DATA;
            };
            Gcra.Limit limit = Gcra.Limit.of(r.amount(), r.period().toNanos() / 1000, r.burst());
            String prefix = RateLimitAdmin.bucketPrefix(e.getKey(), r.amount(), r.period().toSeconds(), r.burst());
            byStage.computeIfAbsent(stage, s -> new ArrayList<>())
                    .add(new Armed(e.getKey(), prefix, r, stage, limit, Code.byKey(r.reply())));
        }
        if (byStage.isEmpty()) throw new IllegalArgumentException("rules: at least one enabled rule is needed");
    }

    /** {@code ratelimit list|reset}: the store's buckets. */
    @Override
    public Optional<CheckAdmin> admin() {
        return Optional.of(CheckAdmin.of("ratelimit", p -> RateLimitAdmin.run(store, p)));
    }

    public RateLimitConfig config() { return config; }

    /** The names of this check's enabled rules keyed on the authenticated user (for check-config's warning). */
    public Set<String> saslRules() {
        Set<String> names = new TreeSet<>();
        config.rules().forEach((n, rule) -> {
            if (rule.enabled() && rule.saslKey()) names.add(n);
        });
        return names;
    }

    /** The store this check uses (shared with every rate-limit check on the same settings). */
    public RateLimitStore store() { return store; }

    @Override
    public Set<Stage> stages() {
        Set<Stage> s = EnumSet.noneOf(Stage.class);
        s.addAll(byStage.keySet());
        return s;
    }

    @Override
    public Verdict evaluate(Stage stage, Facts f) {
        List<Armed> armed = byStage.get(stage);
        if (armed == null) return Verdict.CONTINUE;
        boolean exempt = config.exemptRelayNetworks() && f.client().relayPermitted() || allowClients.contains(f.client().address());
        List<Armed> used = new ArrayList<>(armed.size());
        List<Bucket> buckets = new ArrayList<>(armed.size());
        List<String> dedupe = new ArrayList<>(armed.size());
        for (Armed a : armed) {
            if (exempt && !a.rule().saslKey()) {
                count(a.name(), "exempt");
                continue;
            }
            String value = keyValue(a.rule(), f);
            if (value == null) continue; // the key does not apply (the null sender for a sender key)
            String key = a.bucketPrefix() + ":" + value;
            boolean oncePerMessage = a.rule().count() == Count.MESSAGES && stage == Stage.RCPT;
            if (oncePerMessage && transaction(f, a.name()).keys().contains(key)) continue;
            double cost = switch (a.rule().count()) {
                case BYTES -> stage == Stage.END_OF_DATA ? f.messageBytes() : f.declaredSize();
                default -> 1;
            };
            if (cost <= 0) continue; // no SIZE= at MAIL: nothing to count
            used.add(a);
            buckets.add(new Bucket(key, a.limit(), cost));
            dedupe.add(oncePerMessage ? key : null);
        }
        if (buckets.isEmpty()) return Verdict.CONTINUE;
        boolean dry = f.state().dryRun();
        RateLimitStore.Outcome o;
        try {
            o = store.acquire(buckets, dry);
        } catch (RateLimitStoreException e) {
            LOG.debug("rate-limit store failed for {}: {}", f.client().logName(), e.getMessage());
            for (Armed a : used) count(a.name(), "store_error");
            return Verdict.CONTINUE;
        }
        if (o.allowed()) {
            for (int i = 0; i < used.size(); i++) {
                count(used.get(i).name(), "allowed");
                if (dedupe.get(i) != null && !dry) transaction(f, used.get(i).name()).keys().add(dedupe.get(i));
            }
            return Verdict.CONTINUE;
        }
        Armed a = used.get(o.limited());
        Rule r = a.rule();
        long retry = Math.max(1, (o.retryAfterMicros() + 999_999) / 1_000_000);
        if (!r.tarpit().isZero() && !dry) sleep(r.tarpit());
        if (r.action() == Action.DELAY) {
            count(a.name(), "delayed");
            DECISIONS.info("tarpit: {} from {}: delay={}ms rule={} key={} retry={}s; from=<{}> to=<{}> helo=<{}> check=rate-limit session={} tls={}",
                    stageName(stage), f.client().logName(), r.tarpit().toMillis(), a.name(), buckets.get(o.limited()).key(), retry,
                    f.sender() == null ? "" : f.sender().address(), f.recipient() == null ? "" : f.recipient().address(),
                    f.helo() == null ? "" : f.helo(), f.state().id(), f.client().tls() == null ? "none" : f.client().tls().protocol());
            return Verdict.CONTINUE;
        }
        count(a.name(), "limited");
        LOG.debug("rate-limit {} over its limit for {} (key {}, retry in {}s)", a.name(), f.client().logName(),
                buckets.get(o.limited()).key(), retry);
        Map<String, String> vars = Map.of("rule", a.name(), "retry", Long.toString(retry));
        Code c = a.reply();
        if (c.smtpCode() == 421) return new Verdict.Disconnect(c, vars);
        return c.smtpCode() < 500 || r.temporary() ? Verdict.defer(c, vars) : Verdict.reject(c, vars);
    }

    private static String stageName(Stage s) {
        return switch (s) {
            case END_OF_DATA -> "END-OF-MESSAGE";
            default -> s.name();
        };
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The keys of a messages-at-rcpt rule counted in this session's current transaction (a new MAIL starts over). */
    private static Transaction transaction(Facts f, String rule) {
        Counted k = new Counted(rule);
        Transaction t = f.state().get(k);
        if (t == null || t.sender() != f.sender()) {
            t = new Transaction(f.sender(), new HashSet<>());
            f.state().put(k, t);
        }
        return t;
    }

    /** The rule's key for these facts; null when a part does not apply. */
    static String keyValue(Rule r, Facts f) {
        StringBuilder b = new StringBuilder(64);
        for (KeyPart p : r.key()) {
            String v = switch (p) {
                case CLIENT_IP -> network(f.client().address(), r.ipv4Prefix(), r.ipv6Prefix());
                case HELO -> f.helo() == null ? "" : f.helo().toLowerCase(Locale.ROOT);
                case SENDER -> f.sender() == null || f.sender().isNullSender() ? null : f.sender().address().toLowerCase(Locale.ROOT);
                case SENDER_DOMAIN -> f.sender() == null || f.sender().isNullSender() ? null : f.sender().domain().toLowerCase(Locale.ROOT);
                case RECIPIENT -> f.recipient() == null ? null : f.recipient().address().toLowerCase(Locale.ROOT);
                case RECIPIENT_DOMAIN -> f.recipient() == null ? null : f.recipient().domain().toLowerCase(Locale.ROOT);
                case SASL_USER -> f.state().authenticatedUser() == null ? null : f.state().authenticatedUser().toLowerCase(Locale.ROOT);
                case SASL_DOMAIN -> saslDomain(f.state().authenticatedUser());
            };
            if (v == null) return null;
            if (!b.isEmpty()) b.append('|');
            b.append(v);
        }
        return b.toString();
    }

    /** The domain of a SASL login {@code user@domain}; null when there is no login or it has no domain. */
    static String saslDomain(String user) {
        if (user == null) return null;
        int at = user.lastIndexOf('@');
        return at < 0 || at == user.length() - 1 ? null : user.substring(at + 1).toLowerCase(Locale.ROOT);
    }

    /** The client's network as text: {@code 192.0.2.7} at /32, {@code 2001:db8:1:2::/64}, {@code 192.0.2.0/24}. */
    static String network(InetAddress address, int ipv4Prefix, int ipv6Prefix) {
        if (address instanceof Inet4Address) {
            if (ipv4Prefix == 32) return Networks.text(address);
            byte[] b = address.getAddress();
            int v = ((b[0] & 255) << 24) | ((b[1] & 255) << 16) | ((b[2] & 255) << 8) | (b[3] & 255);
            v &= -1 << (32 - ipv4Prefix);
            return ((v >>> 24) & 255) + "." + ((v >>> 16) & 255) + "." + ((v >>> 8) & 255) + "." + (v & 255) + "/" + ipv4Prefix;
        }
        if (ipv6Prefix == 128) return Networks.text(address);
        IPAddress a = new IPAddressString(Networks.text(address)).getAddress();
        return a.isIPv4() ? a.toPrefixBlock(ipv4Prefix).toCanonicalString() : a.toPrefixBlock(ipv6Prefix).toCompressedString();
    }

    private void count(String rule, String outcome) {
        counters.computeIfAbsent(rule + "|" + outcome, k -> Counter.builder(DECISIONS_METER)
                .description("Rate-limit decisions by rule and outcome").tag("rule", rule).tag("outcome", outcome)
                .register(registry)).increment();
    }

    /** A recipient's safe entry lifts a refusal by a rule keyed on the sender or its domain, never one keyed on the client alone. */
    @Override
    public boolean liftedBySafeEntry(Verdict v) {
        if (v == null) return false;
        RateLimitConfig.Rule rule = config.rules().get(v.vars().get("rule"));
        return rule != null && rule.key().stream()
                .anyMatch(k -> k == RateLimitConfig.KeyPart.SENDER || k == RateLimitConfig.KeyPart.SENDER_DOMAIN);
    }
}
