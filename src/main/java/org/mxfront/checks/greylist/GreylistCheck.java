// Greylisting at RCPT: a message from an unknown (client, sender, recipient) tuple gets
// 451 4.7.1 XM-RJCT23 "please try again in N seconds"; the same tuple retried after `delay` (and
// within `retry-window`) passes, and after `auto-allow-after` passes the client is never greylisted
// again for `auto-allow-max-age`. Exemptions come first and never touch the store. A store failure
// never refuses mail: the check fails open (accepts), counts store_error, and the store wrapper logs.
// In log-only mode tuples are still recorded (learning mode); in a dry run (explain) nothing is written.
package org.mxfront.checks.greylist;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.mxfront.checks.CheckContext;
import org.mxfront.codes.Code;
import org.mxfront.greylist.GreylistAdmin;
import org.mxfront.greylist.GreylistEntry;
import org.mxfront.greylist.GreylistStore.Kind;
import org.mxfront.greylist.GreylistStore;
import org.mxfront.greylist.GreylistStoreException;
import org.mxfront.greylist.ManagedGreylistStore;
import org.mxfront.lists.ListFile;
import org.mxfront.mail.ClientInfo;
import org.mxfront.mail.Mailbox;
import org.mxfront.mail.MeterNames;
import org.mxfront.net.Networks;
import org.mxfront.policy.Check;
import org.mxfront.policy.CheckAdmin;
import org.mxfront.policy.Facts;
import org.mxfront.policy.Stage;
import org.mxfront.policy.Verdict;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The greylist check, at RCPT. Thread-safe; state lives in the shared store. */
public final class GreylistCheck implements Check {
    private static final Logger LOG = LoggerFactory.getLogger(GreylistCheck.class);
    /** The classpath copy of config/greylist-allow-clients.txt ({@code allow-clients-file: builtin}). */
    public static final String BUILTIN_ALLOW_CLIENTS = "/greylist-allow-clients.txt";
    /** How stale a passed tuple's or allowed client's last-seen time may get before it is rewritten. */
    private static final long REFRESH_MILLIS = 3_600_000L;

    /** What the check decided, for the mxfront.greylist.decisions counter. */
    public enum Outcome {
        NEW, TOO_EARLY, PASSED, AUTO_ALLOWED, EXEMPT, STORE_ERROR;

        public String tag() { return name().toLowerCase(Locale.ROOT); }
    }

    /** A decision: its outcome and, when deferred, the seconds until a retry passes. */
    public record Result(Outcome outcome, long retrySeconds) {}

    private final GreylistConfig config;
    private final Clock clock;
    private final Set<String> localDomains;
    private final GreylistStore store;
    private final Networks allowClients;
    private final Networks allowFile;
    private final Pattern dynamic;
    private final Map<Outcome, Counter> counters = new EnumMap<>(Outcome.class);

    public GreylistCheck(GreylistConfig config, CheckContext ctx) {
        this(config, ctx, ctx.resources().get(ManagedGreylistStore.key(config.store(), ctx.stateDirectory()),
                () -> ManagedGreylistStore.of(config.store(), ctx.stateDirectory(), ctx.clock(), ctx.registry()),
                ManagedGreylistStore::warmUp));
    }

    /** With a given store (unit tests). */
    public GreylistCheck(GreylistConfig config, CheckContext ctx, GreylistStore store) {
        this.config = config;
        this.clock = ctx.clock();
        this.localDomains = ctx.localDomains();
        this.store = store;
        this.allowClients = Networks.parse(config.allowClients());
        this.allowFile = loadAllowFile(config.allowClientsFile());
        this.dynamic = Pattern.compile(config.dynamicNamePattern(), Pattern.CASE_INSENSITIVE);
        MeterRegistry r = ctx.registry();
        for (Outcome o : Outcome.values()) {
            counters.put(o, Counter.builder(MeterNames.GREYLIST_DECISIONS).description("Greylisting decisions by outcome")
                    .tag("outcome", o.tag()).register(r));
        }
    }

    /** {@code greylist list|allow|delete}: the store's tuples and allowed clients. */
    @Override
    public Optional<CheckAdmin> admin() {
        return Optional.of(CheckAdmin.of("greylist",
                p -> GreylistAdmin.run(store, p, config.ipv4Prefix(), config.ipv6Prefix(), System.currentTimeMillis())));
    }

    /** The store this check uses (shared with every other greylist check on the same settings). */
    public GreylistStore store() { return store; }

    public GreylistConfig config() { return config; }

    @Override
    public Set<Stage> stages() { return Set.of(Stage.RCPT); }

    /** Waits only on a store over the network (Redis); the embedded store answers from this process. */
    @Override
    public boolean mayBlock(Stage stage, Facts f) {
        return !store.inProcess();
    }

    @Override
    public Verdict evaluate(Stage stage, Facts f) {
        Result r = decide(f);
        counters.get(r.outcome()).increment();
        if (r.outcome() == Outcome.NEW || r.outcome() == Outcome.TOO_EARLY) {
            return Verdict.defer(Code.GREYLISTED, Map.of("retry", Long.toString(r.retrySeconds())));
        }
        return Verdict.CONTINUE;
    }

    /** Decides one recipient, reading and (unless a dry run) updating the store. */
    public Result decide(Facts f) {
        String why = exemption(f);
        if (why != null) {
            LOG.debug("greylist: {} exempt ({})", f.client().logName(), why);
            return new Result(Outcome.EXEMPT, 0);
        }
        ClientInfo c = f.client();
        String name = c.reverseName();
        boolean dynamicName = name != null && dynamic.matcher(name).find();
        if (config.onlyWhenRisky() && !risky(f, name, dynamicName)) return new Result(Outcome.EXEMPT, 0);
        String client = clientKey(c, name, dynamicName);
        String tuple = client + "|" + TupleKeys.sender(f.sender(), config.normalizeSender()) + "|"
                + TupleKeys.recipient(f.recipient());
        boolean write = !f.state().dryRun();
        try {
            return decide(client, tuple, clock.millis(), write);
        } catch (GreylistStoreException e) {
            LOG.debug("greylist store failed for {}: {}", c.logName(), e.getMessage());
            return new Result(Outcome.STORE_ERROR, 0);
        }
    }

    /** The client part of the tuple: the organisational domain of a trusted, static-looking name, else the network. */
    String clientKey(ClientInfo c, String name, boolean dynamicName) {
        if (config.groupByReverseDomain() && name != null && !dynamicName) {
            String org = TupleKeys.organisationalDomain(name);
            if (org != null) return org;
        }
        return TupleKeys.network(c.address(), config.ipv4Prefix(), config.ipv6Prefix());
    }

    private boolean risky(Facts f, String name, boolean dynamicName) {
        for (String s : config.riskSignals()) {
            boolean fired = switch (s) {
                case "no-reverse-dns" -> name == null;
                case "dynamic-name" -> dynamicName;
                default -> f.state().hasTag(s);
            };
            if (fired) return true;
        }
        return false;
    }

    /** The state machine. Writes only what changed, and refreshes last-seen times at most hourly. */
    Result decide(String client, String tuple, long now, boolean write) {
        GreylistStore.Lookup l = store.lookup(client, tuple, now);
        GreylistEntry ce = l.client();
        GreylistEntry te = l.tuple();
        int n = config.autoAllowAfter();
        if (ce != null && (ce.manual() || n > 0 && ce.passes() >= n)) {
            if (write && !ce.manual() && now - ce.lastSeen() >= refresh()) {
                store.put(Kind.CLIENT, client, new GreylistEntry(ce.firstSeen(), now, ce.passes(), ce.lastCounted(),
                        now + config.autoAllowMaxAge().toMillis()), now);
            }
            return new Result(Outcome.AUTO_ALLOWED, 0);
        }
        long delay = config.delay().toMillis();
        if (te == null) {
            if (write) store.put(Kind.TUPLE, tuple, new GreylistEntry(now, now, 0, 0, now + config.retryWindow().toMillis()), now);
            return new Result(Outcome.NEW, seconds(delay));
        }
        if (te.passes() == 0) {
            long wait = te.firstSeen() + delay - now;
            if (wait > 0) return new Result(Outcome.TOO_EARLY, seconds(wait));
            if (write) {
                store.put(Kind.TUPLE, tuple, new GreylistEntry(te.firstSeen(), now, 1, 0, now + config.maxAge().toMillis()), now);
                countPass(client, ce, now);
            }
            return new Result(Outcome.PASSED, 0);
        }
        if (write) {
            if (now - te.lastSeen() >= refresh()) {
                store.put(Kind.TUPLE, tuple, new GreylistEntry(te.firstSeen(), now, te.passes() + 1, 0,
                        now + config.maxAge().toMillis()), now);
            }
            countPass(client, ce, now);
        }
        return new Result(Outcome.PASSED, 0);
    }

    /** Counts a pass towards auto-allow, at most one per auto-allow-count-interval. */
    private void countPass(String client, GreylistEntry ce, long now) {
        if (config.autoAllowAfter() == 0) return;
        long expires = now + config.autoAllowMaxAge().toMillis();
        if (ce == null) {
            store.put(Kind.CLIENT, client, new GreylistEntry(now, now, 1, now, expires), now);
        } else if (now - ce.lastCounted() >= config.autoAllowCountInterval().toMillis()) {
            store.put(Kind.CLIENT, client, new GreylistEntry(ce.firstSeen(), now, ce.passes() + 1, now, expires), now);
        }
    }

    private long refresh() {
        return Math.min(REFRESH_MILLIS, config.maxAge().toMillis() / 2);
    }

    private static long seconds(long millis) {
        return Math.max(1, (millis + 999) / 1000);
    }

    /** Why this recipient is never greylisted, or null. Cheapest tests first; the store is not asked. */
    String exemption(Facts f) {
        ClientInfo c = f.client();
        if (config.exemptRelayNetworks() && c.relayPermitted()) return "relay-networks";
        if (allowClients.contains(c.address())) return "allow-clients";
        if (allowFile.contains(c.address())) return "allow-clients-file";
        String name = c.reverseName() == null ? null : c.reverseName().toLowerCase(Locale.ROOT);
        if (name != null) {
            for (String n : config.allowClientNames()) {
                if (n.startsWith(".") ? name.endsWith(n) : name.equals(n)) return "allow-client-names";
            }
        }
        Mailbox r = f.recipient();
        String local = r.plainLocalPart();
        String domain = r.domain().toLowerCase(Locale.ROOT);
        if ((localDomains.contains(domain) || r.isBarePostmaster()) && config.exemptLocalParts().contains(local)) {
            return "exempt-local-parts";
        }
        String address = local + "@" + domain;
        for (String a : config.allowRecipients()) {
            if (a.equals(address) || a.equals(domain) || a.endsWith("@") && a.equals(local + "@")) return "allow-recipients";
        }
        Mailbox s = f.sender();
        if (s != null && !s.isNullSender()) {
            String sd = s.domain().toLowerCase(Locale.ROOT);
            for (String d : config.allowSenderDomains()) {
                if (sd.equals(d) || sd.endsWith("." + d)) return "allow-sender-domains";
            }
        }
        return null;
    }

    /**
     * Reads a list of networks: one address or CIDR block per line, {@code #} starts a comment.
     * {@code builtin} is the shipped list; empty is none.
     *
     * @throws IllegalArgumentException naming the file and line of a problem
     */
    static Networks loadAllowFile(String spec) {
        if (spec == null || spec.isBlank()) return Networks.NONE;
        List<String> lines;
        if (spec.equals("builtin")) {
            try (InputStream in = GreylistCheck.class.getResourceAsStream(BUILTIN_ALLOW_CLIENTS)) {
                if (in == null) throw new IllegalStateException("missing " + BUILTIN_ALLOW_CLIENTS + " in the jar");
                lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        } else {
            try {
                lines = Files.readAllLines(Path.of(spec), StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                throw new IllegalArgumentException("allow-clients-file: no such file " + spec);
            } catch (IOException e) {
                throw new IllegalArgumentException("allow-clients-file: cannot read " + spec + ": " + e);
            }
        }
        List<String> cidrs = new ArrayList<>();
        for (ListFile.Entry l : ListFile.entries(lines)) {
            try {
                Networks.parse(List.of(l.text()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("allow-clients-file " + spec + " line " + l.line() + ": " + e.getMessage());
            }
            cidrs.add(l.text());
        }
        return Networks.parse(cidrs);
    }

    /** A recipient's safe entry lifts greylisting (README, "Policy for many domains": the precedence table). */
    @Override
    public boolean liftedBySafeEntry(Verdict v) {
        return true;
    }
}
