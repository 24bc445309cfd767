// Settings of the spf check: one action per SPF result, the tag that `tag` sets, the per-domain
// `relayed` flag (XM-RJCT09 instead of 16) and the relay-networks exemption. Defaults as the issue
// asks: fail -> reject-unless-dmarc, softfail -> tag, temperror -> tempfail, the rest accept.
package org.mxfront.checks.spf;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mxfront.checks.NeedsLaterCheck;

/**
 * @param fail                action for {@code fail} (default reject-unless-dmarc)
 * @param softfail            action for {@code softfail} (default tag)
 * @param neutral             action for {@code neutral} (default accept)
 * @param none                action for {@code none} (default accept)
 * @param temperror           action for {@code temperror} (default tempfail: 451 4.4.3)
 * @param permerror           action for {@code permerror} (default accept)
 * @param tag                 the session tag the {@code tag} action sets (default {@code spf-softfail})
 * @param relayed             the recipient domain is one we relay for: refusals say XM-RJCT09 (default false)
 * @param exemptRelayNetworks clients in relay-networks are not checked (default true)
 */
public record SpfConfig(SpfAction fail, SpfAction softfail, SpfAction neutral, SpfAction none, SpfAction temperror,
        SpfAction permerror, String tag, Boolean relayed, Boolean exemptRelayNetworks) implements NeedsLaterCheck {
    public SpfConfig {
        if (fail == null) fail = SpfAction.REJECT_UNLESS_DMARC;
        if (softfail == null) softfail = SpfAction.TAG;
        if (neutral == null) neutral = SpfAction.ACCEPT;
        if (none == null) none = SpfAction.ACCEPT;
        if (temperror == null) temperror = SpfAction.TEMPFAIL;
        if (permerror == null) permerror = SpfAction.ACCEPT;
        if (tag == null) tag = "spf-softfail";
        if (!tag.matches("[a-z0-9][a-z0-9-]*")) {
            throw new IllegalArgumentException("tag: '" + tag + "' is not a signal name (lower-case letters, digits, '-')");
        }
        if (relayed == null) relayed = false;
        if (exemptRelayNetworks == null) exemptRelayNetworks = true;
    }

    /** reject-unless-dmarc defers to the dmarc check: without it, a fail from a domain that publishes DMARC is accepted. */
    @Override
    public List<Need> needs() {
        Map<String, SpfAction> actions = new LinkedHashMap<>();
        actions.put("fail", fail);
        actions.put("softfail", softfail);
        actions.put("neutral", neutral);
        actions.put("none", none);
        actions.put("temperror", temperror);
        actions.put("permerror", permerror);
        List<Need> needs = new ArrayList<>();
        actions.forEach((key, action) -> {
            if (action == SpfAction.REJECT_UNLESS_DMARC) {
                needs.add(new Need(key, "dmarc", "reject-unless-dmarc leaves the refusal to the dmarc check when the sender"
                        + " domain publishes DMARC, and no enabled dmarc check runs after spf, so that mail would be accepted:"
                        + " enable dmarc after spf (checks: dmarc: {}), or set " + key + ": reject"));
            }
        });
        return needs;
    }
}
