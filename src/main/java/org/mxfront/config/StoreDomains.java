// The policy store's domains as the engine sees them (a DomainDirectory): each stored domain's
// settings are compiled into a Policy by the same code that builds `domains:` from mxfront.yml, the
// first time a recipient of it is seen after it changed, and kept until its settings change. A
// domain without settings shares one policy (the configured checks). The same compiler validates
// a domain's settings for the API, so a bad override is refused with check-config's message.
package org.mxfront.config;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.mxfront.policy.DomainDirectory;
import org.mxfront.policy.Policy;
import org.mxfront.store.PolicySnapshot;
import org.mxfront.store.PolicyStoreService;
import org.mxfront.store.StoredDomain;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Stored domains, compiled lazily. Thread-safe. */
public final class StoreDomains implements DomainDirectory {
    private static final Logger LOG = LoggerFactory.getLogger(StoreDomains.class);

    /** Builds a domain's policy from its settings (JSON); throws with check-config's message. */
    @FunctionalInterface
    interface Compiler {
        Policy compile(String domain, String settings) throws ConfigException;
    }

    private record Compiled(String settings, Policy policy) {}

    private final PolicyStoreService service;
    private final Compiler compiler;
    private final Policy plain;
    private final ConcurrentHashMap<String, Compiled> compiled = new ConcurrentHashMap<>();

    StoreDomains(PolicyStoreService service, Compiler compiler, Policy plain) {
        this.service = service;
        this.compiler = compiler;
        this.plain = plain;
    }

    public PolicyStoreService service() { return service; }

    /**
     * Validates a domain's settings as `domains:` in mxfront.yml would be; the exception's
     * {@code key()} and {@code problem()} say what is wrong. Nothing is stored.
     */
    public void validate(String domain, String settings) throws ConfigException {
        compiler.compile(domain, settings);
    }

    @Override
    public Policy policy(String domain) {
        PolicySnapshot s = service.current();
        StoredDomain d = s.domain(domain);
        if (d == null) return null;
        String settings = d.settings();
        if (settings == null || settings.isBlank() || settings.equals("{}")) return plain;
        Compiled c = compiled.get(domain);
        if (c != null && c.settings().equals(settings)) return c.policy();
        Policy p;
        try {
            p = compiler.compile(domain, settings);
        } catch (ConfigException e) {
            // validated when stored; a reload may have made it invalid against the new global checks
            LOG.error("policy store: the settings of domain {} are invalid now ({}): the domain gets the configured checks",
                    domain, e.getMessage());
            p = plain;
        }
        compiled.put(domain, new Compiled(settings, p));
        return p;
    }

    @Override
    public Set<String> names() {
        return service.current().domains().keySet();
    }
}
