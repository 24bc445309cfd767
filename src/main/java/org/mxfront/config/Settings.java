// The configuration file's shape apart from the checks and the doors, which each bind their own sections.
// Every field has its default in config/mxfront.yml, which is also embedded in the jar: a user
// file only needs the keys it changes.
package org.mxfront.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.mxfront.dns.DnsConfig;
import org.mxfront.store.StoreSettings;
import org.mxfront.tls.TlsSettings;

/** The bound configuration, before the policies are built. */
public record Settings(ServerSettings server, List<String> relayNetworks,
        String stateDirectory, RepliesSettings replies, ObjectNode checks, Map<String, DomainSettings> domains,
        MetricsSettings metrics, LoggingSettings logging, DnsConfig dns,
        StoreSettings policyStore, ConsoleSettings console, JournalSettings journal) {

    /**
     * The decision journal (the console's message trace), in the policy store's database.
     *
     * @param enabled write every decision to the journal when the policy store is enabled
     * @param keep    how long decisions are kept (pruned hourly)
     */
    public record JournalSettings(Boolean enabled, Duration keep) {}

    /** Log output. */
    public record LoggingSettings(LogFormat format) {}

    /** Human-readable lines, or one JSON object per line for log shippers. */
    public enum LogFormat {
        @JsonProperty("text") TEXT,
        @JsonProperty("json") JSON
    }

    /** What every door shares: our name, when early refusals are applied, how long a stop may take. */
    public record ServerSettings(String hostname, Boolean delayReject, Duration shutdownGrace) {}

    /** Reply texts. */
    public record RepliesSettings(String prefix, Map<String, String> texts) {}

    /** A local domain: its overrides of the checks' settings. */
    public record DomainSettings(ObjectNode checks) {}

    /**
     * The web console (issue 25).
     *
     * @param enabled        on or off (off by default)
     * @param listen         ADDRESS:PORT it binds
     * @param plainHttp      allow plain HTTP on an address that is not loopback (without a certificate)
     * @param tls            certificate(s) for HTTPS, as smtp.tls writes them (protocols, ciphers too)
     * @param usersFile      local accounts (`mxfront console-user` prints a line for it)
     * @param sessionTimeout a login lasts this long without use
     * @param buffer         decisions held in memory for the live view, the dashboard and the recent trace
     * @param loginLimit     failed logins per user and per client address allowed per 15 minutes
     * @param ldapLogin      log in by LDAP bind against the recipients check's directory
     * @param ldapOperators  values of the entry's attributes that make an LDAP login an operator (group DNs, ...)
     * @param ldapDomainAdmins values that make an LDAP login a domain admin of the address's domain
     */
    public record ConsoleSettings(Boolean enabled, String listen, Boolean plainHttp, TlsSettings tls,
            String usersFile, Duration sessionTimeout, Integer buffer, Integer loginLimit, Boolean ldapLogin,
            List<String> ldapOperators, List<String> ldapDomainAdmins) {}

    /** The metrics endpoint (served from issue 6 on); bound here so the key is known. */
    public record MetricsSettings(String listen) {}
}
