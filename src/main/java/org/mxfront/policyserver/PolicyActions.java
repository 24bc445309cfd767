// Renders the engine's decision as the value of Postfix's one reply attribute, action=. No opinion is
// DUNNO (never OK: OK would end Postfix's restriction list early and skip reject_unauth_destination).
// A refusal is the catalogue reply on one line, see the README's "Deploying inside Postfix".
package org.mxfront.policyserver;

import org.mxfront.codes.Reply;
import org.mxfront.policy.Decision;

/**
 * The single-line rendering of a decision:
 * {@code <code> <enhanced> <line 1> <line 2>...}, e.g.
 * {@code 550 5.7.1 XM-RJCT06: Unauthorized relay attempt [192.0.2.7] [mx1.example.net]}.
 * Postfix sends the text to its client as it is ({@code %} and {@code $} are not special there:
 * smtpd_check.c passes it as a {@code %s} argument). A Disconnect verdict becomes 421, which makes
 * Postfix hang up after replying (access(5)).
 */
public final class PolicyActions {
    private PolicyActions() {}

    /** The answer when the engine has no objection. */
    public static final String DUNNO = "DUNNO";

    /** The {@code action=} value for a decision. */
    public static String render(Decision d) {
        if (d.proceed()) return DUNNO;
        Reply r = d.reply();
        int code = r.code();
        String enhanced = r.enhanced();
        if (d.disconnect() && code != 421) {
            code = 421;
            enhanced = enhanced == null ? null : "4" + enhanced.substring(1);
        }
        StringBuilder sb = new StringBuilder(96).append(code).append(' ');
        if (enhanced != null) sb.append(enhanced).append(' ');
        return sb.append(String.join(" ", r.lines())).toString();
    }

    /** The metric label of a decision: dunno, reject, defer or disconnect. */
    public static String label(Decision d) {
        if (d.proceed()) return "dunno";
        if (d.disconnect()) return "disconnect";
        return d.reply().code() >= 500 ? "reject" : "defer";
    }
}
