// The SMTP door's settings as it runs them: its section, the addresses parsed from it, its TLS, and
// the downstream it relays to (which only this door uses). Also the validation of its two sections,
// smtp: and downstream:, and the hint for files written before smtp: existed: the door binds and
// checks them itself, ConfigLoader only hands it the bound record and the file's error helper.
package org.mxfront.smtp;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import org.mxfront.config.ConfigException;
import org.mxfront.config.ConfigFile;
import org.mxfront.config.DoorSettings;
import org.mxfront.door.DoorType;
import org.mxfront.net.Networks;
import org.mxfront.relay.DownstreamSettings;
import org.mxfront.tls.ServerTls;

/**
 * @param listen             where it listens (changes only on restart)
 * @param section            smtp: as validated
 * @param trustedProxies     clients whose PROXY header and XCLIENT command it believes
 * @param tls                STARTTLS, or null when no certificate is configured
 * @param downstream         the downstream MTA (changes only on restart); null when the door is off
 *                           and downstream: is left out
 * @param downstreamSettings downstream: as validated (null as downstream is)
 */
public record SmtpDoorSettings(InetSocketAddress listen, SmtpSettings section, Networks trustedProxies, ServerTls tls,
        InetSocketAddress downstream, DownstreamSettings downstreamSettings) implements DoorSettings {

    /** The top-level sections this door owns: downstream: is the relay's, which only this door uses. */
    public record Sections(SmtpSettings smtp, DownstreamSettings downstream) {}

    /** Validates smtp: and downstream: (smtp: on or off; downstream: when the door is on or it is written). */
    static final DoorType.Validator<Sections, SmtpDoorSettings> VALIDATOR = new DoorType.Validator<>() {
        @Override
        public SmtpDoorSettings validate(Sections s, ConfigFile f) throws ConfigException {
            SmtpSettings smtp = f.require(s.smtp(), "/smtp");
            boolean on = f.require(smtp.enabled(), "/smtp/enabled");
            InetSocketAddress listen = f.requiredHostPort(smtp.listen(), "/smtp/listen");
            f.positive(smtp.maxConnections(), "/smtp/max-connections");
            f.positive(smtp.softErrorLimit(), "/smtp/soft-error-limit");
            f.positive(smtp.hardErrorLimit(), "/smtp/hard-error-limit");
            f.nonNegativeDuration(smtp.errorDelay(), "/smtp/error-delay");
            f.positiveDuration(smtp.commandTimeout(), "/smtp/command-timeout");
            f.positiveDuration(smtp.dataTimeout(), "/smtp/data-timeout");
            f.require(smtp.bareNewline(), "/smtp/bare-newline");
            f.require(smtp.enhancedStatusCodes(), "/smtp/enhanced-status-codes");
            Networks proxies = f.networks(smtp.trustedProxies(), "/smtp/trusted-proxies");
            f.require(smtp.receivedHeader(), "/smtp/received-header");
            ServerTls tls = f.tls(smtp.tls(), "/smtp/tls");
            // downstream: is this door's alone; without the door it may be left out.
            DownstreamSettings ds = s.downstream();
            InetSocketAddress downstream = null;
            if (on || ds != null) {
                f.require(ds, "/downstream");
                downstream = f.requiredHostPort(ds.address(), "/downstream/address");
                f.positiveDuration(ds.connectTimeout(), "/downstream/connect-timeout");
                f.positiveDuration(ds.commandTimeout(), "/downstream/command-timeout");
                f.positiveDuration(ds.dataTimeout(), "/downstream/data-timeout");
                f.positiveDuration(ds.idleTimeout(), "/downstream/idle-timeout");
                f.require(ds.maxIdle(), "/downstream/max-idle");
                f.require(ds.forwardClient(), "/downstream/forward-client");
            }
            return new SmtpDoorSettings(listen, smtp, proxies, tls, downstream, ds);
        }

        @Override
        public void older(JsonNode user, ConfigFile f) throws ConfigException {
            JsonNode server = user.get("server");
            if (server != null && server.isObject()) {
                for (String k : MOVED_FROM_SERVER) {
                    if (k.equals("max-errors") && server.has(k)) throw f.error("/server/" + k, MAX_ERRORS_REPLACED);
                    if (server.has(k)) throw f.error("/server/" + k, "this key is now under smtp: (write smtp: {" + k + ": ...})");
                }
            }
            JsonNode smtp = user.get("smtp");
            if (smtp != null && smtp.isObject() && smtp.has("max-errors")) throw f.error("/smtp/max-errors", MAX_ERRORS_REPLACED);
        }
    };

    /** The SMTP listener's keys that lived under {@code server:} before the doors had sections of their own. */
    private static final List<String> MOVED_FROM_SERVER = List.of("listen", "max-connections", "enhanced-status-codes",
            "command-timeout", "data-timeout", "max-errors", "trusted-proxies", "bare-newline");

    /**
     * smtp.max-errors counted every refusal for the whole connection; its successors count since the
     * last delivered message, with a soft and a hard limit as Postfix does. Not kept as an alias: the
     * old value (10) would now be a hard limit half Postfix's, the very cut-off the change removes.
     */
    private static final String MAX_ERRORS_REPLACED = "max-errors was replaced by smtp: {soft-error-limit: 10, "
            + "hard-error-limit: 20, error-delay: 1s} (errors now count since the last delivered message)";

    @Override
    public boolean enabled() { return section.enabled(); }

    @Override
    public String describe() { return "smtp " + Networks.text(listen) + ", downstream " + Networks.text(downstream); }

    /** Its listen address when that is a specific one (an MX host resolving to it is us). */
    @Override
    public List<InetAddress> ourAddresses() {
        return listen.getAddress().isAnyLocalAddress() ? List.of() : List.of(listen.getAddress());
    }
}
