// What is known of the client when it connects; the same whichever front door saw it.
package org.mxfront.mail;

import java.net.InetAddress;
import org.mxfront.net.Networks;

/**
 * The client as the policy sees it.
 *
 * @param address          the client's address (after a trusted PROXY header or XCLIENT)
 * @param port             its source port
 * @param reverseName      its verified reverse host name, or null when unknown
 * @param relayPermitted   true when the address is in {@code relay-networks}
 * @param connectionsFromAddress open connections from this address, this one included
 * @param tls              the TLS session after STARTTLS, null in clear
 */
public record ClientInfo(InetAddress address, int port, String reverseName, boolean relayPermitted,
        int connectionsFromAddress, TlsInfo tls) {

    /** A client in clear. */
    public ClientInfo(InetAddress address, int port, String reverseName, boolean relayPermitted,
            int connectionsFromAddress) {
        this(address, port, reverseName, relayPermitted, connectionsFromAddress, null);
    }

    /** The same client with its verified reverse host name. */
    public ClientInfo withReverseName(String name) {
        return new ClientInfo(address, port, name, relayPermitted, connectionsFromAddress, tls);
    }

    /** The same client after a TLS handshake. */
    public ClientInfo withTls(TlsInfo t) {
        return new ClientInfo(address, port, reverseName, relayPermitted, connectionsFromAddress, t);
    }

    /** The address as text without a leading slash, IPv6 in its usual compressed form. */
    public String ip() {
        return addressText(address);
    }

    /** {@code host[ip]} as Postfix logs it, {@code unknown} when there is no verified name. */
    public String logName() {
        return (reverseName == null ? "unknown" : reverseName) + "[" + ip() + "]";
    }

    /** An address as text: IPv4 dotted, IPv6 in RFC 5952 compressed form, no scope. */
    public static String addressText(InetAddress a) {
        return Networks.text(a);
    }
}
