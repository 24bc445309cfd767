// Local domains that come from outside the configuration file (the policy store), looked up on the
// hot path: the engine asks it before the file's `domains:`, so a domain added in the store is local
// (accepted and relayed, with its own policy) on every host as soon as its snapshot arrives, without
// a reload. Implementations answer from memory.
package org.mxfront.policy;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/** Domains and their policies, changing while the engine runs. Thread-safe. */
public interface DomainDirectory {
    /** The policy of a domain (lower-case), or null when this directory does not name it. Must not block. */
    Policy policy(String domain);

    /** The domains it names now. */
    Set<String> names();

    DomainDirectory NONE = new DomainDirectory() {
        @Override public Policy policy(String domain) { return null; }
        @Override public Set<String> names() { return Set.of(); }
    };

    /** This directory with each policy passed through {@code f} (kept per domain until its policy changes). */
    default DomainDirectory map(UnaryOperator<Policy> f) {
        DomainDirectory base = this;
        record Mapped(Policy source, Policy mapped) {}
        ConcurrentHashMap<String, Mapped> cache = new ConcurrentHashMap<>();
        return new DomainDirectory() {
            @Override
            public Policy policy(String domain) {
                Policy p = base.policy(domain);
                if (p == null) return null;
                Mapped m = cache.get(domain);
                if (m == null || m.source() != p) {
                    m = new Mapped(p, f.apply(p));
                    cache.put(domain, m);
                }
                return m.mapped();
            }

            @Override
            public Set<String> names() { return base.names(); }
        };
    }
}
