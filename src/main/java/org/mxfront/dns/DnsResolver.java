// The one asynchronous resolver every DNS check goes through: dnsjava's LookupSession over an
// ExtendedResolver of the configured servers (ports included, so tests use loopback servers on
// high ports), with a Caffeine cache that keeps each answer for its TTL clamped to
// [cache.min-ttl, cache.max-ttl], shares lookups in flight, and never caches failures.
// Every future it returns completes within dns.timeout, whatever the network does (dnsjava's own
// timeouts are checked by its selector thread only when it is idle, so they are not relied on).
// Reads the `dns:` section (DnsConfig). Metrics: mxfront.dns.cache.lookups{result},
// mxfront.dns.query.duration{type,status}.
package org.mxfront.dns;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.lookup.LookupResult;
import org.xbill.DNS.lookup.LookupSession;
import org.xbill.DNS.lookup.NoSuchDomainException;
import org.xbill.DNS.lookup.NoSuchRRSetException;
import org.xbill.DNS.lookup.ServerFailedException;

/**
 * Asynchronous, cached DNS lookups. One per loaded configuration, shared by all sessions and
 * checks; thread-safe. Futures it returns are the caller's own (completing or timing them out does
 * not affect other callers) and never complete exceptionally: failures are {@link DnsResult}s.
 */
public final class DnsResolver {
    /** How many PTR names are tried for forward confirmation, as Postfix does with a few. */
    static final int MAX_PTR_NAMES = 5;

    private final DnsConfig config;
    private final LookupSession session;
    private final AsyncCache<Key, DnsResult> cache;
    private final Cache<Key, Long> negativeTtls;
    private final Duration timeout;
    private final MeterRegistry registry;
    private final Counter hits;
    private final Counter misses;
    private final Map<String, Timer> queryTimers = new ConcurrentHashMap<>();
    private final Map<Object, Object> shared = new ConcurrentHashMap<>();

    private record Key(Name name, int type) {}

    /**
     * @param clock the clock the cache's TTLs run on (tests inject one)
     */
    public DnsResolver(DnsConfig config, MeterRegistry registry, Clock clock) {
        this.config = config;
        this.registry = registry;
        this.timeout = config.timeout();
        List<InetSocketAddress> servers = config.resolverAddresses();
        if (servers.isEmpty()) servers = ResolverConfig.getCurrentConfig().servers();
        List<Resolver> simple = new ArrayList<>();
        // Each server gets an even share of the timeout, so that the last one is still asked.
        Duration perServer = timeout.dividedBy(Math.max(1, servers.size()));
        for (InetSocketAddress s : servers) {
            SimpleResolver r = new SimpleResolver(s);
            r.setTimeout(perServer);
            simple.add(r);
        }
        ExtendedResolver ext = new ExtendedResolver(simple);
        ext.setTimeout(timeout);
        ext.setRetries(1);
        ext.setLoadBalance(false);
        Ticker ticker = clock.equals(Clock.systemUTC()) || clock.equals(Clock.systemDefaultZone())
                ? Ticker.systemTicker()
                : () -> TimeUnit.MILLISECONDS.toNanos(clock.millis());
        this.negativeTtls = Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(Duration.ofMinutes(1))
                .ticker(ticker).build();
        // No dnsjava cache and no search path: the Caffeine cache below is the only one, names are absolute.
        this.session = LookupSession.builder().resolver(new NegativeTtlRecorder(ext)).clearCaches().build();
        DnsConfig.CacheConfig cc = config.cache();
        this.cache = Caffeine.newBuilder()
                .maximumSize(cc.maxEntries())
                .expireAfter(new TtlExpiry(cc.minTtl(), cc.maxTtl()))
                .ticker(ticker)
                .executor(Runnable::run)
                .buildAsync();
        this.hits = Counter.builder("mxfront.dns.cache.lookups").tag("result", "hit")
                .description("DNS lookups answered from the cache (hit) or sent to a resolver (miss)").register(registry);
        this.misses = Counter.builder("mxfront.dns.cache.lookups").tag("result", "miss")
                .description("DNS lookups answered from the cache (hit) or sent to a resolver (miss)").register(registry);
    }

    public DnsConfig config() { return config; }

    /** The most any lookup of this resolver takes. */
    public Duration timeout() { return timeout; }

    /**
     * State the DNS checks of one configuration share across policies (every domain's policy has its
     * own check instances, but a DNSBL zone's health is one thing): one value per key.
     */
    @SuppressWarnings("unchecked")
    public <T> T shared(Object key, Supplier<T> make) {
        return (T) shared.computeIfAbsent(key, k -> make.get());
    }

    /** A cached lookup of an absolute name ({@code example.com}, with or without the final dot). */
    public CompletableFuture<DnsResult> lookup(String name, int type) {
        Name n = parse(name);
        if (n == null) return CompletableFuture.completedFuture(invalidName(name));
        return lookup(n, type);
    }

    /** A cached lookup. */
    public CompletableFuture<DnsResult> lookup(Name name, int type) {
        boolean[] miss = {false};
        Key key = new Key(name, type);
        CompletableFuture<DnsResult> f = cache.get(key, (k, executor) -> {
            miss[0] = true;
            return query(k);
        });
        if (!miss[0] && f.isDone() && f.join().failed()) {
            // A failure expires at once, but Caffeine may not have evicted it yet: never serve one.
            cache.asMap().remove(key, f);
            f = cache.get(key, (k, executor) -> {
                miss[0] = true;
                return query(k);
            });
        }
        (miss[0] ? misses : hits).increment();
        // A copy: the caller may time it out or complete it without touching the cached future.
        return f.copy();
    }

    /** A lookup that bypasses the cache (health probes must really ask). */
    public CompletableFuture<DnsResult> lookupUncached(String name, int type) {
        Name n = parse(name);
        if (n == null) return CompletableFuture.completedFuture(invalidName(name));
        return query(new Key(n, type));
    }

    /**
     * The client's host name: its PTR names, and the first of them whose A (or AAAA) records
     * include the address (forward-confirmed, FCrDNS). Completes within {@link #timeout()}.
     */
    public CompletableFuture<ReverseName> reverse(InetAddress address) {
        CompletableFuture<ReverseName> f = lookup(ReverseMap.fromAddress(address), Type.PTR).thenCompose(ptr -> {
            if (ptr.negative()) return CompletableFuture.completedFuture(ReverseName.NO_PTR);
            if (ptr.failed()) return CompletableFuture.completedFuture(ReverseName.failed(ptr.detail()));
            List<Name> names = new ArrayList<>();
            for (Record r : ptr.records()) {
                if (r instanceof PTRRecord p && names.size() < MAX_PTR_NAMES) names.add(p.getTarget());
            }
            if (names.isEmpty()) return CompletableFuture.completedFuture(ReverseName.NO_PTR);
            int type = address.getAddress().length == 4 ? Type.A : Type.AAAA;
            List<CompletableFuture<DnsResult>> forward = new ArrayList<>();
            for (Name n : names) forward.add(lookup(n, type));
            return CompletableFuture.allOf(forward.toArray(CompletableFuture[]::new)).thenApply(v -> {
                List<String> texts = names.stream().map(DnsResolver::text).toList();
                boolean anyFailed = false;
                for (int i = 0; i < names.size(); i++) {
                    DnsResult r = forward.get(i).join();
                    if (r.addresses().contains(address)) return ReverseName.verified(texts.get(i), texts);
                    anyFailed |= r.failed();
                }
                return anyFailed ? ReverseName.failed("forward lookup failed") : ReverseName.unverified(texts);
            });
        });
        return f.completeOnTimeout(ReverseName.failed("timeout"), timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** A name as text, without the final dot, lower-cased. */
    public static String text(Name n) {
        return n.toString(true).toLowerCase(Locale.ROOT);
    }

    /** Parses an absolute name; null when it is not a valid DNS name. */
    public static Name parse(String name) {
        try {
            String t = name.endsWith(".") ? name : name + ".";
            return Name.fromString(t);
        } catch (TextParseException | RuntimeException e) {
            return null;
        }
    }

    private static DnsResult invalidName(String name) {
        // A name that cannot exist in the DNS does not exist: as NXDOMAIN, with nothing to cache.
        return new DnsResult(DnsResult.Status.NO_SUCH_DOMAIN, List.of(), 0, "invalid name " + name);
    }

    private CompletableFuture<DnsResult> query(Key k) {
        long t0 = System.nanoTime();
        CompletableFuture<DnsResult> f = session.lookupAsync(k.name(), k.type()).toCompletableFuture()
                .handle((result, error) -> error == null ? answer(k, result) : failure(k, error))
                .completeOnTimeout(DnsResult.TIMED_OUT, timeout.toMillis(), TimeUnit.MILLISECONDS);
        f.thenAccept(r -> queryTimer(k.type(), r.status()).record(System.nanoTime() - t0, TimeUnit.NANOSECONDS));
        return f;
    }

    private Timer queryTimer(int type, DnsResult.Status status) {
        String t = Type.string(type);
        String s = status.name().toLowerCase(Locale.ROOT);
        return queryTimers.computeIfAbsent(t + '|' + s, k -> Timer.builder("mxfront.dns.query.duration")
                .description("DNS queries sent to a resolver, by record type and result")
                .tag("type", t).tag("status", s).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry));
    }

    private DnsResult answer(Key k, LookupResult r) {
        if (r.getRecords().isEmpty()) return new DnsResult(DnsResult.Status.NO_DATA, List.of(), negativeTtl(k, null), null);
        long ttl = Long.MAX_VALUE;
        for (Record rec : r.getRecords()) ttl = Math.min(ttl, rec.getTTL());
        return new DnsResult(DnsResult.Status.ANSWER, r.getRecords(), ttl, null);
    }

    private DnsResult failure(Key k, Throwable error) {
        Throwable e = error;
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        if (e instanceof NoSuchDomainException nx) {
            return new DnsResult(DnsResult.Status.NO_SUCH_DOMAIN, List.of(), negativeTtl(k, nx.getName()), null);
        }
        if (e instanceof NoSuchRRSetException nd) {
            return new DnsResult(DnsResult.Status.NO_DATA, List.of(), negativeTtl(k, nd.getName()), null);
        }
        if (e instanceof SocketTimeoutException || e instanceof TimeoutException) return DnsResult.TIMED_OUT;
        if (e instanceof ServerFailedException) return DnsResult.failure("SERVFAIL");
        return DnsResult.failure(e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
    }

    private long negativeTtl(Key k, Name answered) {
        Long ttl = negativeTtls.asMap().remove(new Key(answered == null ? k.name() : answered, k.type()));
        return ttl == null ? -1 : ttl;
    }

    /** Keeps answers for their TTL within the configured bounds; failures are not kept at all. */
    private record TtlExpiry(Duration min, Duration max) implements Expiry<Key, DnsResult> {
        long nanos(DnsResult r) {
            if (r.failed()) return 0;
            long ttl = r.ttl() < 0 ? 0 : r.ttl();
            long s = Math.max(min.toSeconds(), Math.min(max.toSeconds(), ttl));
            return TimeUnit.SECONDS.toNanos(s);
        }

        @Override
        public long expireAfterCreate(Key key, DnsResult value, long currentTime) {
            return nanos(value);
        }

        @Override
        public long expireAfterUpdate(Key key, DnsResult value, long currentTime, long currentDuration) {
            return nanos(value);
        }

        @Override
        public long expireAfterRead(Key key, DnsResult value, long currentTime, long currentDuration) {
            return currentDuration;
        }
    }

    /**
     * LookupSession turns a negative answer into an exception without its SOA, so the TTL of
     * NXDOMAIN and NODATA answers (RFC 2308: the smaller of the SOA's TTL and its minimum field) is
     * noted here, by question, on its way through.
     */
    private final class NegativeTtlRecorder implements Resolver {
        private final Resolver inner;

        NegativeTtlRecorder(Resolver inner) {
            this.inner = inner;
        }

        @Override
        public CompletionStage<Message> sendAsync(Message query, Executor executor) {
            return inner.sendAsync(query, executor).thenApply(m -> {
                Record q = m.getQuestion();
                boolean negative = m.getRcode() == Rcode.NXDOMAIN
                        || (m.getRcode() == Rcode.NOERROR && m.getSection(Section.ANSWER).isEmpty());
                if (q != null && negative) {
                    for (Record r : m.getSection(Section.AUTHORITY)) {
                        if (r instanceof SOARecord soa) {
                            negativeTtls.put(new Key(q.getName(), q.getType()), Math.min(soa.getTTL(), soa.getMinimum()));
                            break;
                        }
                    }
                }
                return m;
            });
        }

        @Override
        public CompletionStage<Message> sendAsync(Message query) {
            return sendAsync(query, ForkJoinPool.commonPool());
        }

        @Override
        public Message send(Message query) throws IOException {
            return inner.send(query);
        }

        @Override
        public void setPort(int port) { inner.setPort(port); }

        @Override
        public void setTCP(boolean flag) { inner.setTCP(flag); }

        @Override
        public void setIgnoreTruncation(boolean flag) { inner.setIgnoreTruncation(flag); }

        @Override
        public void setEDNS(int version, int payloadSize, int flags, List<EDNSOption> options) {
            inner.setEDNS(version, payloadSize, flags, options);
        }

        @Override
        public void setTSIGKey(TSIG key) { inner.setTSIGKey(key); }

        @Override
        public void setTimeout(Duration t) { inner.setTimeout(t); }

        @Override
        public Duration getTimeout() { return inner.getTimeout(); }
    }
}
