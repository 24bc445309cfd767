// The SMTP door's settings as it runs them: its section, the addresses parsed from it, its TLS, and
// the downstream it relays to (which only this door uses).
package org.mxfront.smtp;

import java.net.InetSocketAddress;
import org.mxfront.config.DaemonConfig;
import org.mxfront.config.Settings.SmtpSettings;
import org.mxfront.net.Networks;
import org.mxfront.relay.DownstreamSettings;
import org.mxfront.tls.ServerTls;

/**
 * @param listen             where it listens (changes only on restart)
 * @param section            smtp: as validated
 * @param trustedProxies     clients whose PROXY header and XCLIENT command it believes
 * @param tls                STARTTLS, or null when no certificate is configured
 * @param downstream         the downstream MTA (changes only on restart)
 * @param downstreamSettings downstream: as validated
 */
public record SmtpDoorSettings(InetSocketAddress listen, SmtpSettings section, Networks trustedProxies, ServerTls tls,
        InetSocketAddress downstream, DownstreamSettings downstreamSettings) implements org.mxfront.config.DoorSettings {
    @Override
    public boolean enabled() { return true; }

    @Override
    public String describe() { return "smtp " + Networks.text(listen) + ", downstream " + Networks.text(downstream); }

    /** This door's settings in a configuration, or null when the door is off there. */
    public static SmtpDoorSettings of(DaemonConfig c) {
        return c.listen() == null ? null : new SmtpDoorSettings(c.listen(), c.settings().smtp(), c.trustedProxies(), c.tls(),
                c.downstream(), c.settings().downstream());
    }
}
