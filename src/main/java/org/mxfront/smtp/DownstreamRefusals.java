// What the client hears when the downstream fails or refuses: a failure is 451 4.4.1 (XM-RJCT,
// never a silent loss); a refusal keeps the downstream's codes in our reply style, and Postfix's
// "User unknown in virtual ... table" reads as the virtual-recipient code.
package org.mxfront.smtp;

import java.io.IOException;
import java.util.Map;
import java.util.regex.Pattern;
import org.mxfront.codes.Code;
import org.mxfront.codes.Reply;
import org.mxfront.mail.Mailbox;
import org.mxfront.policy.Decision;
import org.mxfront.policy.Stage;
import org.mxfront.policy.Verdict;
import org.mxfront.relay.DownstreamException;
import org.mxfront.relay.DownstreamReply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The downstream's failures and refusals, as replies. */
final class DownstreamRefusals {
    private static final Logger LOG = LoggerFactory.getLogger(SmtpConversation.class);
    /** Postfix's text for an unknown address of a virtual domain (virtual(5) mailbox or alias table). */
    private static final Pattern POSTFIX_VIRTUAL_UNKNOWN = Pattern.compile("User unknown in virtual (mailbox|alias) table");

    private DownstreamRefusals() {}

    /** The downstream is down, stalled or gone: drop its connection and tell the client to retry (451 4.4.1). */
    static void failed(SmtpState s, Stage stage, DownstreamException e) throws IOException {
        if (stage == Stage.END_OF_DATA) s.meters.transaction(451, 0);
        LOG.warn("downstream failed at {} for {}: {}", stage, s.policy.facts().client().logName(), e.getMessage());
        s.downstream.stop();
        s.decision(s.policy.refuse(stage, Verdict.defer(Code.DOWNSTREAM_UNAVAILABLE, Map.of()), "downstream"));
    }

    /**
     * Renders a downstream refusal in our style, keeping its codes. An unknown recipient (5.1.1) reads
     * as XM-RJCT02 when Postfix names a virtual table ("User unknown in virtual mailbox table", "...
     * virtual alias table"), else as XM-RJCT01 ("User unknown in local recipient table", "... relay
     * recipient table"); other refusals as XM-RJCT43 (5xx) or 58 (4xx).
     */
    static Decision render(SmtpState s, Stage stage, DownstreamReply dr, Mailbox r) {
        String enhanced = dr.enhanced() != null ? dr.enhanced() : (dr.code() >= 500 ? "5.0.0" : "4.0.0");
        Code code;
        if (r != null && dr.code() >= 500 && "5.1.1".equals(dr.enhanced())) {
            code = POSTFIX_VIRTUAL_UNKNOWN.matcher(dr.text()).find() ? Code.INVALID_VIRTUAL_RECIPIENT : Code.INVALID_USERNAME;
        } else {
            code = dr.code() >= 500 ? Code.DOWNSTREAM_REJECTED : Code.DOWNSTREAM_DEFERRED;
        }
        Map<String, String> vars = Map.of("downstream", dr.text(), "recipient", r == null ? "" : r.address());
        Verdict v = dr.code() >= 500 ? new Verdict.Reject(code, vars) : new Verdict.Defer(code, vars);
        // A downstream 421 closes the downstream connection, not the client's: the client hears 451.
        int smtpCode = dr.code() == 421 ? 451 : dr.code();
        Reply reply = s.config.engine().catalogue().render(code, smtpCode, enhanced, vars, s.policy.facts().client().ip(),
                s.config.hostname());
        s.policy.refuse(stage, v, "downstream");
        return new Decision(v, "downstream", reply);
    }
}
