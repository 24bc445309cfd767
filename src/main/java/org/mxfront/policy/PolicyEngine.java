// The policy engine: runs the configured checks of the right policy at each stage; first decisive
// verdict wins; log-only checks are logged and counted but never applied. It knows checks only
// through the Check interface and front doors only through PolicySession: no transport type here.
package org.mxfront.policy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
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
    private final Map<String, Policy> domainPolicies;
    private final Networks relayNetworks;
    private final ReplyCatalogue catalogue;
    private final String hostname;
    private final boolean delayReject;
    private final DecisionLog decisionLog;
    private final MeterRegistry registry;
    private final ClientEnricher enricher;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

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
                decisionLog, registry, enricher);
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
    public java.util.SortedSet<String> checkNames() {
        java.util.SortedSet<String> names = new java.util.TreeSet<>();
        for (ConfiguredCheck cc : defaultPolicy.checks()) names.add(cc.name());
        for (Policy p : domainPolicies.values()) for (ConfiguredCheck cc : p.checks()) names.add(cc.name());
        return names;
    }
    /** True when CONNECT and HELO refusals are held for RCPT ({@code server.delay-reject}). */
    public boolean delayReject() { return delayReject; }
    public DecisionLog decisionLog() { return decisionLog; }

    /** The policy for a recipient: its domain's when the domain is local, the default one otherwise. */
    public Policy policyFor(Mailbox recipient) {
        Policy p = domainPolicies.get(recipient.domain());
        return p != null ? p : defaultPolicy;
    }

    public boolean isLocalDomain(String domain) {
        return domainPolicies.containsKey(domain.toLowerCase(Locale.ROOT));
    }

    /** The longest pause before the greeting that a check of the default policy asks for this client. */
    public java.time.Duration greetingPause(Facts facts) {
        java.time.Duration max = java.time.Duration.ZERO;
        for (ConfiguredCheck cc : defaultPolicy.checks()) {
            java.time.Duration d = cc.check().greetingPause(facts);
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
     * Runs one stage of a policy.
     *
     * @return the first enforcing negative verdict, or {@link Decision#PROCEED}
     */
    Decision evaluate(Policy policy, Stage stage, Facts facts) {
        return evaluate(policy, stage, facts, Map.of(), null);
    }

    /** As above; at END_OF_DATA a message-reading check's verdict comes from the reader opened for the message. */
    Decision evaluate(Policy policy, Stage stage, Facts facts, Map<ConfiguredCheck, MessageCheck.MessageReader> readers,
            java.util.function.Consumer<Finding> tracer) {
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
                timer(cc.name()).record(System.nanoTime() - t0, java.util.concurrent.TimeUnit.NANOSECONDS);
            }
            if (tracer != null) tracer.accept(new Finding(stage, cc.name(), cc.mode(), v,
                    v.negative() ? render(v.code(), v.vars(), facts) : null));
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

    private Decision negative(ConfiguredCheck cc, Stage stage, Facts facts, Verdict v) {
        Reply reply = render(v.code(), v.vars(), facts);
        if (cc.mode() == Mode.LOG_ONLY) {
            count(v.code(), stage, cc.name(), "log-only");
            decisionLog.write("reject_warning", stageName(stage), facts, reply, cc.name());
            return null;
        }
        return new Decision(v, cc.name(), reply);
    }

    /** Logs and counts a decision that the front door is applying now. */
    void applied(Decision d, Stage stage, Facts facts) {
        count(d.verdict().code(), stage, d.check(), "enforce");
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

    private void count(Code code, Stage stage, String check, String mode) {
        String key = code.name() + '|' + stage + '|' + check + '|' + mode;
        counters.computeIfAbsent(key, k -> Counter.builder(MeterNames.REJECTIONS)
                .description("Negative policy decisions by reply code, class, stage and check")
                .tag("code", catalogue.id(code)).tag("class", code.smtpCode() >= 500 ? "permanent" : "temporary")
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
