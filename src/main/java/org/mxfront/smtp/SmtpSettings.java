// The `smtp:` section of the configuration file, bound by the SMTP door's DoorType (its keys are this
// record's components; unknown keys are errors).
package org.mxfront.smtp;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.util.List;
import org.mxfront.tls.TlsSettings;

/**
 * The SMTP door: the listener on port 25 in front of the downstream MTA.
 *
 * @param softErrorLimit errors (since the last delivered message) past which each further error
 *                       reply waits errorDelay first (Postfix: smtpd_soft_error_limit)
 * @param hardErrorLimit the error (since the last delivered message) after whose reply the
 *                       connection ends with 421 4.7.0 XM-RJCT51 (Postfix: smtpd_hard_error_limit)
 * @param errorDelay     the pause before each error reply past the soft limit (Postfix: smtpd_error_sleep_time)
 */
public record SmtpSettings(Boolean enabled, String listen, Integer maxConnections, Boolean enhancedStatusCodes,
        Duration commandTimeout, Duration dataTimeout, Integer softErrorLimit, Integer hardErrorLimit,
        Duration errorDelay, List<String> trustedProxies, BareNewline bareNewline, TlsSettings tls,
        Boolean receivedHeader) {

    /** What to do with a bare CR or LF in message data. */
    public enum BareNewline {
        /** 554 5.5.2 for the whole message: nothing reaches the downstream (the default). */
        @JsonProperty("reject") REJECT,
        /** Turn it into CRLF before dot-stuffing, then relay. */
        @JsonProperty("normalize") NORMALIZE
    }
}
