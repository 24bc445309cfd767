// Senders (by domain) and local domains that must use TLS, as gateway operators configure for banks
// and partners: mail from such a sender in clear gets 530 5.7.0 XM-RJCT39 at MAIL; mail for a
// domain marked `recipients: true` in clear gets 530 5.7.0 XM-RJCT74 at RCPT. Over STARTTLS both pass.
package org.mxfront.checks.tlsrequired;

import java.util.List;
import java.util.Map;
import org.mxfront.checks.CheckContext;
import org.mxfront.checks.MemoryCheck;
import org.mxfront.codes.Code;
import org.mxfront.policy.Facts;
import org.mxfront.policy.Stage;
import org.mxfront.policy.Verdict;

/** TLS required by sender domain or by recipient domain. */
public final class TlsRequiredCheck extends MemoryCheck<TlsRequiredConfig> {
    private final List<String> senderDomains;
    private final boolean recipients;

    public TlsRequiredCheck(TlsRequiredConfig config, CheckContext ctx) {
        super(config, ctx, Stage.MAIL, Stage.RCPT);
        this.senderDomains = config.senderDomains();
        this.recipients = config.recipients();
    }

    @Override
    public Verdict evaluate(Stage stage, Facts f) {
        if (f.client().tls() != null) return Verdict.CONTINUE;
        // At RCPT the sender is judged again: a local domain's override may name senders of its own.
        if (f.sender() != null && !f.sender().isNullSender() && coveredSender(f.sender().domain())) {
            return Verdict.reject(Code.TLS_REQUIRED, Map.of("domain", f.sender().domain()));
        }
        if (stage == Stage.RCPT && recipients && f.recipient() != null) {
            return Verdict.reject(Code.TLS_REQUIRED_FOR_RECIPIENT, Map.of("recipient", f.recipient().address()));
        }
        return Verdict.CONTINUE;
    }

    private boolean coveredSender(String domain) {
        for (String d : senderDomains) {
            if (domain.equals(d) || domain.endsWith("." + d)) return true;
        }
        return false;
    }
}
