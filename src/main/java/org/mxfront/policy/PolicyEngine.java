// The policy engine: runs the configured checks of the right policy at each stage; first decisive
// verdict wins; log-only checks are logged and counted but never applied. It knows checks only
// through the Check interface and front doors only through PolicySession: no transport type here.
package org.mxfront.policy;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.mxfront.codes.Code;
import org.mxfront.codes.Reply;
import org.mxfront.codes.ReplyCatalogue;
import org.mxfront.mail.ClientEnricher;
import org.mxfront.mail.ClientInfo;
import org.mxfront.mail.Mailbox;
import org.mxfront.mail.MeterNames;
import org.mxfront.net.Networks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluates policies. Immutable after construction and shared by all sessions; a configuration
 * reload builds a new engine, and sessions keep the engine they started with.
 */
public final class PolicyEngine {
    private static final Logger LOG = LoggerFactory.getLogger(PolicyEngine.class);

    private final Policy defaultPolicy;
    /** The default policy without the checks that judge own senders (they run under the sender's domain policy). */
    private final Policy mailPolicy;
    private final boolean judgesSenders;
    private final Map<String, Policy> domainPolicies;
    private final Networks relayNetworks;
    private final ReplyCatalogue catalogue;
    private final String hostname;
    private final boolean delayReject;
    private final DecisionLog decisionLog;
    private final MeterRegistry registry;
    private final ClientEnricher enricher;
    private final DomainDirectory directory;
    private final boolean hasSafelist;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();
    /**
     * A domain policy's checks that judge the domain's own senders, built once per policy object (weak
     * keys compare by identity: a reloaded or store-updated policy is a new object and gets its own);
     * {@link #NO_SENDER_CHECKS} when it has none.
     */
    private final Cache<Policy, Policy> senderPolicies = Caffeine.newBuilder().weakKeys().build();
    private static final Policy NO_SENDER_CHECKS = new Policy("none", List.of(), "none");

    /**
     * @param defaultPolicy  the policy for connection-level stages and for recipients of non-local domains
     * @param domainPolicies the policy of each local domain (lower-case keys); these domains are local
     * @param relayNetworks  clients that may relay anywhere
     * @param delayReject    apply CONNECT and HELO rejections at RCPT, as Postfix's smtpd_delay_reject
     */
    public PolicyEngine(Policy defaultPolicy, Map<String, Policy> domainPolicies, Networks relayNetworks,
            ReplyCatalogue catalogue, String hostname, boolean delayReject, DecisionLog decisionLog,
            MeterRegistry registry) {
        this(defaultPolicy, domainPolicies, relayNetworks, catalogue, hostname, delayReject, decisionLog, registry,
                ClientEnricher.NONE);
    }

    /** As above, with a step that completes what is known of each client (its verified host name) at connect. */
    public PolicyEngine(Policy defaultPolicy, Map<String, Policy> domainPolicies, Networks relayNetworks,
            ReplyCatalogue catalogue, String hostname, boolean delayReject, DecisionLog decisionLog,
            MeterRegistry registry, ClientEnricher enricher) {
        this(defaultPolicy, domainPolicies, relayNetworks, catalogue, hostname, delayReject, decisionLog, registry, enricher,
                DomainDirectory.NONE);
    }

    /**
     * As above, with local domains from a directory (the policy store) besides {@code domainPolicies}:
     * a domain the directory names takes the directory's policy.
     */
    public PolicyEngine(Policy defaultPolicy, Map<String, Policy> domainPolicies, Networks relayNetworks,
            ReplyCatalogue catalogue, String hostname, boolean delayReject, DecisionLog decisionLog,
            MeterRegistry registry, ClientEnricher enricher, DomainDirectory directory) {
        this.directory = directory;
        this.mailPolicy = new Policy(defaultPolicy.name(), defaultPolicy.checks().stream()
                .filter(cc -> !cc.check().judgesOwnSenders()).toList(), defaultPolicy.contentKey());
        this.judgesSenders = Stream.concat(Stream.of(defaultPolicy), domainPolicies.values().stream())
                .flatMap(p -> p.checks().stream()).anyMatch(cc -> cc.check().judgesOwnSenders());
        this.hasSafelist = defaultPolicy.checks().stream().anyMatch(cc -> cc.check() instanceof Safelist);
        this.enricher = enricher;
        this.defaultPolicy = defaultPolicy;
        this.domainPolicies = Map.copyOf(domainPolicies);
        this.relayNetworks = relayNetworks;
        this.catalogue = catalogue;
        this.hostname = hostname;
        this.delayReject = delayReject;
        this.decisionLog = decisionLog;
        this.registry = registry;
    }

    /** Starts a session for a newly connected client. */
    public PolicySession newSession(InetAddress address, int port, int connectionsFromAddress) {
        return new PolicySession(this, client(address, port, connectionsFromAddress));
    }

    /**
     * Starts a session for a client whose verified host name the front door already knows (Postfix's
     * {@code client_name}); the engine then does not look it up again. Null means not known.
     */
    public PolicySession newSession(InetAddress address, int port, String verifiedName, int connectionsFromAddress) {
        return new PolicySession(this, client(address, port, connectionsFromAddress).withReverseName(verifiedName));
    }

    /**
     * The same engine with only the checks {@code keep} accepts, in every policy: for a door that
     * cannot give some checks the facts they need (the policy-delegation door has no connection and
     * no message content). Content keys stay those of the full policies.
     */
    public PolicyEngine withChecks(Predicate<ConfiguredCheck> keep) {
        UnaryOperator<Policy> filter = p -> new Policy(p.name(), p.checks().stream().filter(keep).toList(), p.contentKey());
        Map<String, Policy> domains = new LinkedHashMap<>();
        domainPolicies.forEach((d, p) -> domains.put(d, filter.apply(p)));
        return new PolicyEngine(filter.apply(defaultPolicy), domains, relayNetworks, catalogue, hostname, delayReject,
                decisionLog, registry, enricher, directory.map(filter));
    }

    /** The first configured check of a kind: the default policy's, else the first domain's; empty when none is. */
    public <T extends Check> Optional<T> find(Class<T> kind) {
        for (Policy p : policies()) {
            for (ConfiguredCheck cc : p.checks()) if (kind.isInstance(cc.check())) return Optional.of(kind.cast(cc.check()));
        }
        return Optional.empty();
    }

    /** The admin actions of that name a configured check offers (the default policy's first). */
    public Optional<CheckAdmin> admin(String name) {
        for (Policy p : policies()) {
            for (ConfiguredCheck cc : p.checks()) {
                Optional<CheckAdmin> a = cc.check().admin();
                if (a.isPresent() && a.get().name().equals(name)) return a;
            }
        }
        return Optional.empty();
    }

    /** The names of the admin actions the configured checks offer, sorted. */
    public SortedSet<String> adminNames() {
        SortedSet<String> names = new TreeSet<>();
        for (Policy p : policies()) for (ConfiguredCheck cc : p.checks()) cc.check().admin().ifPresent(a -> names.add(a.name()));
        return names;
    }

    /** The default policy, then the domains'. */
    private List<Policy> policies() {
        List<Policy> all = new ArrayList<>();
        all.add(defaultPolicy);
        all.addAll(domainPolicies.values());
        return all;
    }

    /**
     * The engine as a door that supplies only {@code supplied} runs it: without the checks that need
     * more. Reports each check it leaves out to {@code skipped} (name and the facts it misses), once per
     * name, in policy order.
     */
    public PolicyEngine forDoor(Set<Fact> supplied, BiConsumer<String, Set<Fact>> skipped) {
        Map<String, Set<Fact>> missing = new LinkedHashMap<>();
        for (Policy p : policies()) {
            for (ConfiguredCheck cc : p.checks()) {
                Set<Fact> m = EnumSet.noneOf(Fact.class);
                m.addAll(cc.check().needs());
                m.removeAll(supplied);
                if (!m.isEmpty()) missing.putIfAbsent(cc.name(), Set.copyOf(m));
            }
        }
        if (missing.isEmpty()) return this;
        missing.forEach(skipped);
        return withChecks(cc -> supplied.containsAll(cc.check().needs()));
    }

    ClientInfo client(InetAddress address, int port, int connectionsFromAddress) {
        return new ClientInfo(address, port, null, relayNetworks.contains(address), connectionsFromAddress);
    }

    /** Lets the default policy's checks start their background work for a new client. */
    void prefetch(Facts facts) {
        for (ConfiguredCheck cc : defaultPolicy.checks()) {
            try {
                cc.check().prefetch(facts);
            } catch (RuntimeException e) {
                LOG.error("check {} failed to prefetch for {}", cc.name(), facts.client().logName(), e);
            }
        }
    }

    /**
     * Whether running {@code stage} of {@code policy} may wait (see {@link Check#mayBlock}): at
     * END_OF_DATA a message-reading check is asked about its reader's finish, at CONNECT the client
     * enricher too. A check that throws counts as one that may block.
     */
    boolean mayBlock(Policy policy, Stage stage, Facts facts, Map<ConfiguredCheck, MessageCheck.MessageReader> readers) {
        if (stage == Stage.CONNECT && enricher.mayBlock(facts.client())) return true;
        for (ConfiguredCheck cc : policy.checks()) {
            if (!cc.check().stages().contains(stage)) continue;
            try {
                MessageCheck.MessageReader reader = stage == Stage.END_OF_DATA ? readers.get(cc) : null;
                if (reader != null ? reader.finishMayBlock() : cc.check().mayBlock(stage, facts)) return true;
            } catch (RuntimeException e) {
                return true;
            }
        }
        return false;
    }

    /** The client as the enricher completes it; on any failure of the enricher, as it was. */
    ClientInfo enrich(ClientInfo client) {
        try {
            return enricher.enrich(client);
        } catch (RuntimeException e) {
            LOG.warn("client enrichment failed for {}", client.logName(), e);
            return client;
        }
    }

    public ReplyCatalogue catalogue() { return catalogue; }
    public String hostname() { return hostname; }
    public Policy defaultPolicy() { return defaultPolicy; }
    /** The local domains' policies, by lower-case domain. */
    public Map<String, Policy> domainPolicies() { return domainPolicies; }

    /** The names of the checks configured in any policy, sorted (a door warns about those it cannot run). */
    public SortedSet<String> checkNames() {
        SortedSet<String> names = new TreeSet<>();
        for (ConfiguredCheck cc : defaultPolicy.checks()) names.add(cc.name());
        for (Policy p : domainPolicies.values()) for (ConfiguredCheck cc : p.checks()) names.add(cc.name());
        for (String d : directory.names()) {
            Policy p = directory.policy(d);
            if (p != null) for (ConfiguredCheck cc : p.checks()) names.add(cc.name());
        }
        return names;
    }
    /** True when CONNECT and HELO refusals are held for RCPT ({@code server.delay-reject}). */
    public boolean delayReject() { return delayReject; }
    public DecisionLog decisionLog() { return decisionLog; }

    /** The default policy's checks that run at MAIL for every sender (those judging own senders left out). */
    Policy mailPolicy() { return mailPolicy; }

    /**
     * At MAIL, for a sender in a local domain: that domain's checks that judge its own senders
     * ({@link Check#judgesOwnSenders}); null when the sender's domain is not local or has none.
     */
    Policy senderPolicy(Mailbox sender) {
        if (!judgesSenders || sender == null || sender.isNullSender()) return null;
        String d = sender.domain().toLowerCase(Locale.ROOT);
        Policy p = directory.policy(d);
        if (p == null) p = domainPolicies.get(d);
        if (p == null) return null;
        Policy own = senderPolicies.get(p, PolicyEngine::ownSenders);
        return own == NO_SENDER_CHECKS ? null : own;
    }

    private static Policy ownSenders(Policy p) {
        List<ConfiguredCheck> own = p.checks().stream().filter(cc -> cc.check().judgesOwnSenders()).toList();
        return own.isEmpty() ? NO_SENDER_CHECKS : new Policy(p.name(), own, p.contentKey());
    }

    /** Whether any policy has a check that judges its own senders at MAIL. */
    boolean judgesSenders() { return judgesSenders; }

    /** The policy for a recipient: its domain's when the domain is local, the default one otherwise. */
    public Policy policyFor(Mailbox recipient) {
        Policy p = directory.policy(recipient.domain());
        if (p == null) p = domainPolicies.get(recipient.domain());
        return p != null ? p : defaultPolicy;
    }

    public boolean isLocalDomain(String domain) {
        String d = domain.toLowerCase(Locale.ROOT);
        return domainPolicies.containsKey(d) || directory.policy(d) != null;
    }

    /** The local domains from outside the file (the policy store). */
    public DomainDirectory directory() { return directory; }

    /** Whether the default policy has a source of recipients' safe entries. */
    boolean hasSafelist() { return hasSafelist; }

    /**
     * The safe entry exempting the recipient of {@code facts} under {@code policy} (described), or null.
     * A log-only safelist check is not asked: its entries are not applied.
     */
    String safeEntry(Policy policy, Facts facts) {
        if (!hasSafelist || facts.recipient() == null) return null;
        for (ConfiguredCheck cc : policy.checks()) {
            if (cc.mode() != Mode.ENFORCE || !(cc.check() instanceof Safelist s)) continue;
            try {
                String e = s.safeEntry(facts);
                if (e != null) return e;
            } catch (RuntimeException ex) {
                LOG.error("check {} failed to look up safe entries for {}", cc.name(), facts.client().logName(), ex);
            }
        }
        return null;
    }

    /** The check of the default policy (or of {@code policy}) that made a decision, or null. */
    Check checkNamed(Policy policy, String name) {
        for (ConfiguredCheck cc : policy.checks()) if (cc.name().equals(name)) return cc.check();
        for (ConfiguredCheck cc : defaultPolicy.checks()) if (cc.name().equals(name)) return cc.check();
        return null;
    }

    /** Whether a recipient's safe entry lifts decision {@code d} (made by a check that yields to safe entries). */
    boolean liftable(Policy policy, Decision d) {
        if (d.proceed() || d.disconnect()) return false;
        Check c = checkNamed(policy, d.check());
        try {
            return c != null && c.liftedBySafeEntry(d.verdict());
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Whether any check of {@code policy} that reads the message may be lifted by a safe entry. */
    boolean contentLiftable(Policy policy) {
        for (ConfiguredCheck cc : policy.checks()) {
            if (cc.check().stages().stream().noneMatch(Policy.CONTENT_STAGES::contains)) continue;
            try {
                if (cc.check().liftedBySafeEntry(null)) return true;
            } catch (RuntimeException e) {
                return true;
            }
        }
        return false;
    }

    /** The longest pause before the greeting that a check of the default policy asks for this client. */
    public Duration greetingPause(Facts facts) {
        Duration max = Duration.ZERO;
        for (ConfiguredCheck cc : defaultPolicy.checks()) {
            Duration d = cc.check().greetingPause(facts);
            if (d.compareTo(max) > 0) max = d;
        }
        return max;
    }

    /** The largest message any policy accepts: what EHLO advertises as SIZE. */
    public long advertisedMaxSize() {
        long max = defaultPolicy.maxMessageBytes();
        for (Policy p : domainPolicies.values()) max = Math.max(max, p.maxMessageBytes());
        return max;
    }

    /** Renders a catalogue entry for this client. */
    public Reply render(Code code, Map<String, String> vars, Facts f) {
        return catalogue.render(code, vars, f.client().ip(), hostname);
    }

    /**
     * Renders a negative verdict: a Defer of a permanent (5xx) entry in its temporary form (550 5.4.6 as
     * 450 4.4.6); a Reject with the reply code it may override (the spam check's 551).
     */
    public Reply render(Verdict v, Facts f) {
        Code code = v.code();
        if (v instanceof Verdict.Defer && code.smtpCode() >= 500) {
            return catalogue.render(code, code.smtpCode() - 100, "4" + code.enhanced().substring(1), v.vars(), f.client().ip(),
                    hostname);
        }
        return catalogue.render(code, v.replyCode(), code.enhanced(), v.vars(), f.client().ip(), hostname);
    }

    /**
     * Runs one stage of a policy.
     *
     * @return the first enforcing negative verdict, or {@link Decision#PROCEED}
     */
    Decision evaluate(Policy policy, Stage stage, Facts facts) {
        return evaluate(policy, stage, facts, Map.of(), null);
    }

    /** As above; at END_OF_DATA a message-reading check's verdict comes from the reader opened for the message. */
    Decision evaluate(Policy policy, Stage stage, Facts facts, Map<ConfiguredCheck, MessageCheck.MessageReader> readers,
            Consumer<Finding> tracer) {
        return evaluate(policy, stage, facts, readers, tracer, null);
    }

    /**
     * As above; {@code safe} names the safe entry exempting the recipient(s), or is null: a negative
     * verdict of a check that yields to safe entries is then logged ("lifted") and not applied.
     */
    Decision evaluate(Policy policy, Stage stage, Facts facts, Map<ConfiguredCheck, MessageCheck.MessageReader> readers,
            Consumer<Finding> tracer, String safe) {
        for (ConfiguredCheck cc : policy.checks()) {
            if (!cc.check().stages().contains(stage)) continue;
            Verdict v;
            long t0 = System.nanoTime();
            try {
                MessageCheck.MessageReader reader = stage == Stage.END_OF_DATA ? readers.get(cc) : null;
                v = reader != null ? reader.finish(facts) : cc.check().evaluate(stage, facts);
                if (v == null) throw new IllegalStateException("check returned no verdict");
            } catch (RuntimeException e) {
                LOG.error("check {} failed at {} for {}", cc.name(), stage, facts.client().logName(), e);
                v = new Verdict.Defer(Code.INTERNAL, Map.of());
            } finally {
                timer(cc.name()).record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
            }
            if (safe != null && v.negative() && !(v instanceof Verdict.Disconnect) && lifted(cc.check(), v)) {
                LOG.info("safe entry lifts {} ({}) at {} for {}: {}", cc.name(), catalogue.id(v.code()), stageName(stage),
                        facts.client().logName(), safe);
                if (tracer != null) tracer.accept(new Finding(stage, cc.name() + " (lifted by safe entry: " + safe + ")",
                        cc.mode(), Verdict.CONTINUE, null));
                continue;
            }
            if (tracer != null) tracer.accept(new Finding(stage, cc.name(), cc.mode(), v,
                    v.negative() ? render(v, facts) : null));
            switch (v) {
                case Verdict.Continue c -> { }
                case Verdict.Accept a -> {
                    // a log-only check is watched, never applied: its Accept must not skip the checks after it
                    if (cc.mode() == Mode.LOG_ONLY) {
                        LOG.debug("{} would be accepted by log-only {}: {}", stage, cc.name(), a.reason());
                        continue;
                    }
                    LOG.debug("{} accepted by {}: {}", stage, cc.name(), a.reason());
                    return Decision.PROCEED;
                }
                case Verdict.Reject r -> {
                    Decision d = negative(cc, stage, facts, v);
                    if (d != null) return d;
                }
                case Verdict.Defer r -> {
                    Decision d = negative(cc, stage, facts, v);
                    if (d != null) return d;
                }
                case Verdict.Disconnect r -> {
                    Decision d = negative(cc, stage, facts, v);
                    if (d != null) return d;
                }
            }
        }
        return Decision.PROCEED;
    }

    private static boolean lifted(Check c, Verdict v) {
        try {
            return c.liftedBySafeEntry(v);
        } catch (RuntimeException e) {
            return false;
        }
    }

    private Decision negative(ConfiguredCheck cc, Stage stage, Facts facts, Verdict v) {
        Reply reply = render(v, facts);
        if (cc.mode() == Mode.LOG_ONLY) {
            count(v, stage, cc.name(), "log-only");
            decisionLog.write("reject_warning", stageName(stage), facts, reply, cc.name());
            return null;
        }
        return new Decision(v, cc.name(), reply);
    }

    /** Logs and counts a decision that the front door is applying now. */
    void applied(Decision d, Stage stage, Facts facts) {
        count(d.verdict(), stage, d.check(), "enforce");
        String action = switch (d.verdict()) {
            case Verdict.Disconnect x -> "disconnect";
            case Verdict.Defer x -> "defer";
            default -> "reject";
        };
        decisionLog.write(action, stageName(stage), facts, d.reply(), d.check());
        for (ConfiguredCheck cc : defaultPolicy.checks()) {
            try {
                cc.check().refusalApplied(stage, facts, d.verdict());
            } catch (RuntimeException e) {
                LOG.error("check {} failed to note a refusal for {}", cc.name(), facts.client().logName(), e);
            }
        }
    }

    private void count(Verdict v, Stage stage, String check, String mode) {
        Code code = v.code();
        boolean permanent = code.smtpCode() >= 500 && !(v instanceof Verdict.Defer);
        String key = code.name() + '|' + permanent + '|' + stage + '|' + check + '|' + mode;
        counters.computeIfAbsent(key, k -> Counter.builder(MeterNames.REJECTIONS)
                .description("Negative policy decisions by reply code, class, stage and check")
                .tag("code", catalogue.id(code)).tag("class", permanent ? "permanent" : "temporary")
                .tag("stage", stage.name().toLowerCase(Locale.ROOT))
                .tag("check", check == null ? "none" : check).tag("mode", mode).register(registry)).increment();
    }

    private Timer timer(String check) {
        return timers.computeIfAbsent(check, k -> Timer.builder(MeterNames.CHECK_DURATION)
                .description("Time spent in each check").tag("check", k).register(registry));
    }

    static String stageName(Stage s) {
        return switch (s) {
            case HEADERS -> "DATA";
            case END_OF_DATA -> "END-OF-MESSAGE";
            default -> s.name();
        };
    }
}
