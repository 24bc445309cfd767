// The dictionary-attack guard at RCPT: a client that collected `threshold` unknown recipients
// (XM-RJCT01, 02, 08 or 20, whether the recipients check or the downstream refused them) within
// `window` is refused with 421 4.7.0 XM-RJCT77 and the connection closes, for `block-for`. It learns
// from the engine's refusalApplied hook, so it counts what the client was actually told. Relay
// networks are never counted or refused; postmaster@ and abuse@ always get through it. Its store
// failing blocks no one (the guard is a brake, not a gate).
package org.mxfront.checks.dictguard;

import com.github.benmanes.caffeine.cache.Ticker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mxfront.checks.CheckContext;
import org.mxfront.codes.Code;
import org.mxfront.mail.ClientInfo;
import org.mxfront.mail.Mailbox;
import org.mxfront.policy.Check;
import org.mxfront.policy.Facts;
import org.mxfront.policy.Stage;
import org.mxfront.policy.Verdict;
import org.mxfront.recipients.DictionaryGuard;
import org.mxfront.recipients.MemoryGuardStore;
import org.mxfront.recipients.RedisGuardStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The dictionary-attack guard. Thread-safe; state lives in the shared guard store. */
public final class DictionaryGuardCheck implements Check {
    private static final Logger LOG = LoggerFactory.getLogger(DictionaryGuardCheck.class);
    /** Guard events: counted (an unknown recipient), blocked (a client reached the threshold), refused, store_error. */
    public static final String EVENTS = "mxfront.recipients.guard";
    /** The refusals that mean "no such recipient". */
    static final Set<Code> UNKNOWN = EnumSet.of(Code.INVALID_USERNAME, Code.INVALID_VIRTUAL_RECIPIENT,
            Code.INVALID_FILTERED_RECIPIENT, Code.INVALID_HOSTED_RECIPIENT);

    private final DictionaryGuardConfig config;
    private final DictionaryGuard guard;
    private final MeterRegistry registry;

    public DictionaryGuardCheck(DictionaryGuardConfig config, CheckContext ctx) {
        this(config, ctx, ctx.resources().get(List.of("dictionary-guard", config.store()), () -> guard(config.store(), ctx)));
    }

    /** The guard over its store: memory, or Redis (connected at the first lookup, not by check-config). */
    private static DictionaryGuard guard(DictionaryGuardConfig.Store s, CheckContext ctx) {
        if (s.type() == DictionaryGuardConfig.StoreType.REDIS) {
            return new DictionaryGuard("redis", s.redisUri().replaceAll("//[^@/]*@", "//***@") + (s.redisCluster() ? " (cluster)" : ""),
                    () -> new RedisGuardStore(s.redisUri(), s.redisCluster(), s.timeout(), s.keyPrefix()), ctx.clock(), ctx.registry());
        }
        MemoryGuardStore memory = new MemoryGuardStore(s.maxKeys(), Ticker.systemTicker());
        return new DictionaryGuard("memory", memory.describe(), () -> memory, ctx.clock(), ctx.registry());
    }

    /** With a given guard (unit tests). */
    public DictionaryGuardCheck(DictionaryGuardConfig config, CheckContext ctx, DictionaryGuard guard) {
        this.config = config;
        this.guard = guard;
        this.registry = ctx.registry();
        for (String e : new String[] {"counted", "blocked", "refused", "store_error"}) event(e, 0);
    }

    private void event(String name, int n) {
        Counter.builder(EVENTS).description("Dictionary-attack guard events").tag("event", name).register(registry).increment(n);
    }

    @Override
    public Set<Stage> stages() { return Set.of(Stage.RCPT); }

    @Override
    public Verdict evaluate(Stage stage, Facts f) {
        if (f.client().relayPermitted() || exempt(f.recipient())) return Verdict.CONTINUE;
        return switch (guard.state(key(f.client()))) {
            case CLEAR -> Verdict.CONTINUE;
            case STORE_ERROR -> {
                event("store_error", 1);
                yield Verdict.CONTINUE;
            }
            case BLOCKED -> {
                event("refused", 1);
                yield new Verdict.Disconnect(Code.DICTIONARY_ATTACK, Map.of());
            }
        };
    }

    @Override
    public void refusalApplied(Stage stage, Facts f, Verdict verdict) {
        if (stage != Stage.RCPT || !UNKNOWN.contains(verdict.code())) return;
        if (f.client().relayPermitted() || f.state().dryRun()) return;
        String key = key(f.client());
        event("counted", 1);
        if (guard.unknownRecipient(key, config.threshold(), config.window(), config.blockFor())) {
            event("blocked", 1);
            LOG.warn("dictionary-guard: blocking {} ({}) for {}s after {} unknown recipients within {}s", key,
                    f.client().logName(), config.blockFor().toSeconds(), config.threshold(), config.window().toSeconds());
        }
    }

    private boolean exempt(Mailbox r) {
        return r != null && config.exemptLocalParts().contains(r.plainLocalPart());
    }

    /** The client's network at the configured prefix, as {@code 192.0.2.0/24} ({@code /32} for an address). */
    String key(ClientInfo c) {
        InetAddress a = c.address();
        byte[] b = a.getAddress();
        int bits = a instanceof Inet4Address ? config.ipv4Prefix() : config.ipv6Prefix();
        for (int i = 0; i < b.length; i++) {
            int keep = Math.max(0, Math.min(8, bits - i * 8));
            b[i] = (byte) (b[i] & (0xff << (8 - keep)));
        }
        try {
            return InetAddress.getByAddress(b).getHostAddress() + "/" + bits;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
