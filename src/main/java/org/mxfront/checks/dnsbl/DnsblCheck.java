// DNS blocklists (DNSBL/RBL) and allow-lists (DNSWL), postscreen-style: every zone is asked in
// parallel the moment the client connects (prefetch), and the answers are read where the verdict
// is applied (RCPT by default, so postmaster@ and abuse@ of local domains stay reachable). Each
// matching answer adds its weight to the client's score; at dnsbl.threshold (1) the client is
// refused with the code of the heaviest matching answer (SBL XM-RJCT04, XBL 05, PBL 19, own lists
// 03/22, others 57). 127.255.255.x answers are never listings; lookups that fail are skipped or
// give 451 4.4.3 (dnsbl.on-dns-failure). Zones are watched by ZoneHealth. Keys: see DnsblConfig.
// Matching answers also tag the session with their code key (pbl-listed ...) for greylisting.
// Metrics: mxfront.dnsbl.lookups{zone,outcome}, mxfront.dnsbl.lookup.duration{zone},
// mxfront.dnsbl.zone.active{zone}, mxfront.dnsbl.refused{zone,answer}, mxfront.dnsbl.health.probes{zone,result}.
package org.mxfront.checks.dnsbl;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.mxfront.checks.CheckContext;
import org.mxfront.codes.Code;
import org.mxfront.dns.DnsResolver;
import org.mxfront.dns.DnsResult;
import org.mxfront.dns.OnDnsFailure;
import org.mxfront.mail.Mailbox;
import org.mxfront.net.Networks;
import org.mxfront.policy.Check;
import org.mxfront.policy.Facts;
import org.mxfront.policy.Stage;
import org.mxfront.policy.Verdict;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Type;

/** DNSBL/DNSWL check, at CONNECT or RCPT. */
public final class DnsblCheck implements Check {
    private static final Logger LOG = LoggerFactory.getLogger(DnsblCheck.class);

    private final DnsblConfig config;
    private final DnsResolver dns;
    private final Networks allowClients;
    private final Set<String> localDomains;
    private final List<WatchedZone> zones = new ArrayList<>();

    /** The session-state key of one zone's answer for the connection's client (shared by every policy's instance). */
    private record AnswerKey(String zone) {}

    /** A configured zone with its shared health and meters. */
    private record WatchedZone(DnsblConfig.Zone config, Rules rules, Duration timeout, ZoneHealth health,
            ZoneMeters meters) {}

    /** A zone's answer entries, parsed once. */
    record Rules(String name, List<Rule> rules) {
        static Rules of(DnsblConfig.Zone z) {
            List<Rule> out = new ArrayList<>();
            for (DnsblConfig.Answer a : z.answers()) {
                out.add(new Rule(a.addresses().stream().map(AddressRange::parse).toList(), a.replyCode(), a.weight(),
                        a.safelistExempt()));
            }
            return new Rules(z.name(), List.copyOf(out));
        }
    }

    /** One answer entry: its address ranges, its reply code (null for allow-lists) and its weight. */
    record Rule(List<AddressRange> ranges, Code code, int weight, boolean safelistExempt) {
        boolean matches(List<InetAddress> addresses) {
            for (AddressRange r : ranges) {
                for (InetAddress a : addresses) if (r.contains(a)) return true;
            }
            return false;
        }
    }

    public DnsblCheck(DnsblConfig config, CheckContext ctx) {
        this.config = config;
        this.dns = ctx.requireDns();
        this.allowClients = Networks.parse(config.allowClients());
        this.localDomains = ctx.localDomains();
        Duration max = dns.timeout();
        for (DnsblConfig.Zone z : config.zones()) {
            Duration t = z.timeout() == null || z.timeout().compareTo(max) > 0 ? max : z.timeout();
            // One health and one set of meters per zone and configuration, whichever domain's policy asks
            // (so the zone watch settings of the top-level dnsbl check apply; per-domain overrides of them do not).
            ZoneHealth h = dns.shared(List.of("dnsbl-health", z.zone()), () -> health(z, ctx.clock(), ctx.registry()));
            ZoneMeters m = dns.shared(List.of("dnsbl-meters", z.zone()), () -> new ZoneMeters(z.zone(), ctx.registry()));
            zones.add(new WatchedZone(z, Rules.of(z), t, h, m));
        }
    }

    private ZoneHealth health(DnsblConfig.Zone z, Clock clock, MeterRegistry registry) {
        ZoneHealth h = new ZoneHealth(z.zone(), new ZoneHealth.Breaker(config.suspendAfter(), config.suspendFor(),
                config.healthCheck(), z.healthCheck()), clock);
        // A reload builds new zones: the gauge follows the newest configuration.
        for (Meter old : registry.find("mxfront.dnsbl.zone.active").tag("zone", z.zone()).meters()) registry.remove(old);
        Gauge.builder("mxfront.dnsbl.zone.active", h, x -> x.active() ? 1 : 0).tag("zone", z.zone())
                .description("1 while a DNSBL zone is consulted, 0 while it is suspended").strongReference(true)
                .register(registry);
        return h;
    }

    @Override
    public Set<Stage> stages() {
        return config.enforceAt() == DnsblConfig.EnforceAt.CONNECT ? Set.of(Stage.CONNECT) : Set.of(Stage.RCPT);
    }

    @Override
    public void prefetch(Facts f) {
        if (exempt(f)) return;
        for (WatchedZone z : zones) answer(f, z);
    }

    /** Waits only while a zone's answer (started at prefetch, or now) is not in: cached answers are ready at once. */
    @Override
    public boolean mayBlock(Stage stage, Facts f) {
        if (exempt(f)) return false;
        for (WatchedZone z : zones) if (!answer(f, z).isDone()) return true;
        return false;
    }

    @Override
    public Verdict evaluate(Stage stage, Facts f) {
        if (exempt(f)) return Verdict.CONTINUE;
        if (stage == Stage.RCPT && exemptRecipient(f.recipient())) return Verdict.CONTINUE;
        List<Rules> configs = new ArrayList<>(zones.size());
        List<CompletableFuture<ZoneAnswer>> pending = new ArrayList<>(zones.size());
        for (WatchedZone z : zones) {
            configs.add(z.rules());
            pending.add(answer(f, z));
        }
        List<ZoneAnswer> answers = new ArrayList<>(pending.size());
        // Each future completes within its zone's timeout, counted from when the client connected.
        for (CompletableFuture<ZoneAnswer> p : pending) answers.add(p.join());
        tag(f, configs, answers);
        return decide(configs, answers, config.threshold(), config.onDnsFailure());
    }

    /**
     * Marks the session with the code key of every matching answer ({@code pbl-listed}, ...), for
     * later checks: greylisting's {@code risk-signals} (a zone with weight 0 then only informs).
     */
    static void tag(Facts f, List<Rules> zones, List<ZoneAnswer> answers) {
        for (int i = 0; i < zones.size(); i++) {
            ZoneAnswer a = answers.get(i);
            if (a.outcome() != ZoneAnswer.Outcome.LISTED) continue;
            for (Rule m : zones.get(i).rules()) {
                if (m.code() != null && m.matches(a.addresses())) f.state().tag(m.code().key());
            }
        }
    }

    private boolean exempt(Facts f) {
        if (config.exemptRelayNetworks() && f.client().relayPermitted()) return true;
        return allowClients.contains(f.client().address());
    }

    private boolean exemptRecipient(Mailbox r) {
        return r != null && (localDomains.contains(r.domain()) || r.isBarePostmaster())
                && config.exemptRecipients().contains(r.plainLocalPart());
    }

    /** The zone's answer for this connection's client: started once per connection, then read. */
    private CompletableFuture<ZoneAnswer> answer(Facts f, WatchedZone z) {
        return f.state().computeIfAbsent(new AnswerKey(z.config().zone()), () -> lookup(f.client().address(), z));
    }

    private CompletableFuture<ZoneAnswer> lookup(InetAddress client, WatchedZone z) {
        ZoneHealth.Admission a = z.health().admit();
        if (a == ZoneHealth.Admission.PROBE || (a == ZoneHealth.Admission.ALLOW && z.health().probeDue())) probe(z);
        if (a != ZoneHealth.Admission.ALLOW) {
            z.meters().outcome("suspended").increment();
            return CompletableFuture.completedFuture(ZoneAnswer.suspended(z.health().reason()));
        }
        long t0 = System.nanoTime();
        return dns.lookup(queryName(client, z.config().zone()), Type.A)
                .completeOnTimeout(DnsResult.TIMED_OUT, z.timeout().toMillis(), TimeUnit.MILLISECONDS)
                .thenApply(ZoneAnswer::of)
                .whenComplete((ans, err) -> {
                    z.meters().latency().record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
                    if (ans != null) watch(z, ans);
                });
    }

    /** Counts an answer and tells the zone's health about it. */
    private static void watch(WatchedZone z, ZoneAnswer ans) {
        switch (ans.outcome()) {
            case LISTED -> {
                z.meters().outcome("listed").increment();
                z.health().success();
            }
            case NOT_LISTED -> {
                z.meters().outcome("not_listed").increment();
                z.health().success();
            }
            case TIMEOUT -> {
                z.meters().outcome("timeout").increment();
                z.health().failure("timeout");
            }
            case FAILED, BOGUS -> {
                z.meters().outcome("error").increment();
                z.health().failure(ans.outcome() == ZoneAnswer.Outcome.BOGUS ? "answer outside 127.0.0.0/8: "
                        + ans.text() : "lookup failed");
            }
            case REFUSED -> {
                z.meters().outcome("error").increment();
                z.meters().refused(ans.refusedCode()).increment();
                // Logged once per zone at WARN (then at DEBUG): the counter tells how often.
                if (z.meters().firstRefusal()) {
                    LOG.warn("dnsbl zone {} answered {} (query refused or in error): not a listing; counted in "
                            + "mxfront_dnsbl_refused_total", z.config().zone(), ans.text());
                } else {
                    LOG.debug("dnsbl zone {} refused the query: {}", z.config().zone(), ans.text());
                }
                if (ans.blockedResolver()) z.health().blocked(ans.text());
                else z.health().failure("error answer " + ans.text());
            }
            case SUSPENDED -> z.meters().outcome("suspended").increment();
        }
    }

    /**
     * RFC 5782 section 5: a DNSBL lists the test point 127.0.0.2 and does not list 127.0.0.1. A zone
     * that fails this lists nobody or everybody, and is suspended rather than trusted.
     */
    private void probe(WatchedZone z) {
        String zone = z.config().zone();
        long ms = z.timeout().toMillis();
        long token = z.health().probeToken();
        CompletableFuture<ZoneAnswer> listed = dns.lookupUncached("2.0.0.127." + zone, Type.A)
                .completeOnTimeout(DnsResult.TIMED_OUT, ms, TimeUnit.MILLISECONDS).thenApply(ZoneAnswer::of);
        CompletableFuture<ZoneAnswer> unlisted = dns.lookupUncached("1.0.0.127." + zone, Type.A)
                .completeOnTimeout(DnsResult.TIMED_OUT, ms, TimeUnit.MILLISECONDS).thenApply(ZoneAnswer::of);
        listed.thenCombine(unlisted, (two, one) -> {
            ZoneHealth.Reason failure = null;
            String why = "ok";
            if (two.blockedResolver()) {
                failure = ZoneHealth.Reason.BLOCKED;
                why = "test point 127.0.0.2 answered " + two.text() + ": our resolver is blocked";
            } else if (two.outcome() != ZoneAnswer.Outcome.LISTED && two.outcome() != ZoneAnswer.Outcome.NOT_LISTED) {
                failure = ZoneHealth.Reason.ERRORS;
                why = "test point 127.0.0.2: " + two.outcome();
            } else if (two.outcome() == ZoneAnswer.Outcome.NOT_LISTED) {
                failure = ZoneHealth.Reason.UNHEALTHY;
                why = "test point 127.0.0.2 is not listed";
            } else if (one.outcome() == ZoneAnswer.Outcome.LISTED) {
                failure = ZoneHealth.Reason.UNHEALTHY;
                why = "127.0.0.1 is listed: the zone lists everyone";
            } else if (one.outcome() != ZoneAnswer.Outcome.NOT_LISTED) {
                failure = ZoneHealth.Reason.ERRORS;
                why = "test point 127.0.0.1: " + one.outcome();
            }
            z.health().probed(token, failure, why);
            z.meters().probe(failure == null ? "ok" : failure.name().toLowerCase(Locale.ROOT)).increment();
            return null;
        });
    }

    /**
     * The verdict from the zones' answers (in configured order): the sum of the weights of every
     * matching answer entry is the score; at the threshold the client is refused with the code of
     * the heaviest matching entry (the first one on a tie). Below it, a failed lookup gives 451
     * 4.4.3 when on-dns-failure is tempfail.
     */
    /** The verdict variable that marks a refusal a recipient's safe entry does not lift. */
    static final String SAFELIST_EXEMPT = "safelist_exempt";

    /** A DNSBL refusal yields to a recipient's safe entry unless it comes from a safelist-exempt answer. */
    @Override
    public boolean liftedBySafeEntry(Verdict v) {
        return v == null || !v.vars().containsKey(SAFELIST_EXEMPT);
    }

    static Verdict decide(List<Rules> zones, List<ZoneAnswer> answers, int threshold, OnDnsFailure onFailure) {
        int score = 0;
        Rule best = null;
        Rules bestZone = null;
        boolean failed = false;
        boolean exempt = false;
        for (int i = 0; i < zones.size(); i++) {
            Rules z = zones.get(i);
            ZoneAnswer a = answers.get(i);
            if (a.dnsFailure()) failed = true;
            if (a.outcome() != ZoneAnswer.Outcome.LISTED) continue;
            for (Rule m : z.rules()) {
                if (!m.matches(a.addresses())) continue;
                score += m.weight();
                if (m.weight() > 0 && m.safelistExempt()) exempt = true;
                if (m.weight() > 0 && (best == null || m.weight() > best.weight())) {
                    best = m;
                    bestZone = z;
                }
            }
        }
        if (best != null && score >= threshold) {
            // a listing in a safelist-exempt answer (the PBL) keeps the refusal for safelisted recipients too
            return new Verdict.Reject(best.code(), exempt ? Map.of("zone", bestZone.name(), SAFELIST_EXEMPT, "true")
                    : Map.of("zone", bestZone.name()));
        }
        if (failed && onFailure == OnDnsFailure.TEMPFAIL) return new Verdict.Defer(Code.DNS_TEMPFAIL, Map.of());
        return Verdict.CONTINUE;
    }

    /**
     * The DNSBL query name of an address in a zone: IPv4 octets reversed ({@code 2.0.0.127.zone}),
     * IPv6 as 32 reversed nibbles ({@code 1.0.0.0...8.b.d.0.1.0.0.2.zone}, RFC 5782 section 2.4).
     */
    static String queryName(InetAddress a, String zone) {
        byte[] b = a.getAddress();
        StringBuilder sb = new StringBuilder(b.length == 4 ? 16 + zone.length() : 64 + zone.length());
        for (int i = b.length - 1; i >= 0; i--) {
            int v = b[i] & 0xFF;
            if (b.length == 4) {
                sb.append(v).append('.');
            } else {
                sb.append(Character.forDigit(v & 0xF, 16)).append('.').append(Character.forDigit(v >> 4, 16)).append('.');
            }
        }
        return sb.append(zone).toString();
    }

    /** One zone's meters (bounded labels: zones are configured). */
    private static final class ZoneMeters {
        private final String zone;
        private final MeterRegistry registry;
        private final Map<String, Counter> counters = new ConcurrentHashMap<>();
        private final Timer latency;
        private final AtomicBoolean refusalSeen = new AtomicBoolean();

        ZoneMeters(String zone, MeterRegistry registry) {
            this.zone = zone;
            this.registry = registry;
            this.latency = Timer.builder("mxfront.dnsbl.lookup.duration").tag("zone", zone)
                    .description("Time from starting a DNSBL lookup to its answer (cache hits included)")
                    .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                    .maximumExpectedValue(Duration.ofSeconds(10)).register(registry);
        }

        Timer latency() { return latency; }

        /** True the first time it is asked. */
        boolean firstRefusal() {
            return !refusalSeen.getAndSet(true);
        }

        Counter outcome(String outcome) {
            return counters.computeIfAbsent("o|" + outcome, k -> Counter.builder("mxfront.dnsbl.lookups")
                    .description("DNSBL lookups by zone and outcome (listed, not_listed, error, timeout, suspended)")
                    .tag("zone", zone).tag("outcome", outcome).register(registry));
        }

        Counter refused(String answer) {
            return counters.computeIfAbsent("r|" + answer, k -> Counter.builder("mxfront.dnsbl.refused")
                    .description("127.255.255.x answers (query refused or in error), never taken as listings")
                    .tag("zone", zone).tag("answer", answer).register(registry));
        }

        Counter probe(String result) {
            return counters.computeIfAbsent("p|" + result, k -> Counter.builder("mxfront.dnsbl.health.probes")
                    .description("RFC 5782 health probes of DNSBL zones by result (ok, errors, blocked, unhealthy)")
                    .tag("zone", zone).tag("result", result).register(registry));
        }
    }
}
