// Settings of the dmarc check: what p=quarantine does here, the operators' override list (domains
// whose p=reject is softened, e.g. mailing lists that break signatures), DNS failures, relay networks.
package org.mxfront.checks.dmarc;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Locale;
import org.mxfront.dns.OnDnsFailure;

/**
 * @param onQuarantine        {@code header} (accept and add {@code quarantine-header}, default) or {@code tag}
 * @param quarantineHeader    the field added for a quarantined message (default {@code X-Mxfront-Quarantine})
 * @param tag                 the session tag of {@code on-quarantine: tag} (default {@code dmarc-quarantine})
 * @param soften              domains (and their subdomains) whose failing p=reject is treated as quarantine
 * @param onDnsFailure        policy lookup failed: {@code skip} (accept, dmarc=temperror; default) or {@code tempfail}
 * @param exemptRelayNetworks clients in relay-networks are not checked (default true)
 */
public record DmarcConfig(QuarantineAction onQuarantine, String quarantineHeader, String tag, List<String> soften,
        OnDnsFailure onDnsFailure, Boolean exemptRelayNetworks) {
    /** What p=quarantine does. */
    public enum QuarantineAction {
        @JsonProperty("header") HEADER,
        @JsonProperty("tag") TAG
    }

    public DmarcConfig {
        if (onQuarantine == null) onQuarantine = QuarantineAction.HEADER;
        if (quarantineHeader == null) quarantineHeader = "X-Mxfront-Quarantine";
        if (!quarantineHeader.matches("[\\x21-\\x39\\x3b-\\x7e]+")) {
            throw new IllegalArgumentException("quarantine-header: '" + quarantineHeader + "' is not a header field name");
        }
        if (tag == null) tag = "dmarc-quarantine";
        if (!tag.matches("[a-z0-9][a-z0-9-]*")) {
            throw new IllegalArgumentException("tag: '" + tag + "' is not a signal name (lower-case letters, digits, '-')");
        }
        soften = soften == null ? List.of() : soften.stream().map(d -> d.toLowerCase(Locale.ROOT)).toList();
        if (onDnsFailure == null) onDnsFailure = OnDnsFailure.SKIP;
        if (exemptRelayNetworks == null) exemptRelayNetworks = true;
    }
}
