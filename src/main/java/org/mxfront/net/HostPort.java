// The HOST:PORT parsing the clamd, spamd, mailbox-quota and MX-target settings share (an IPv6
// address in brackets, no DNS lookup at parse time), so that they accept and refuse the same strings
// with the same reasons.
package org.mxfront.net;

import java.net.InetSocketAddress;

/** HOST:PORT strings. */
public final class HostPort {
    private HostPort() {}

    /** Parses {@code host:port} or {@code [v6]:port} into an unresolved address; throws naming the problem. */
    public static InetSocketAddress unresolved(String s) {
        return unresolved(s, "HOST:PORT");
    }

    /** The same, saying {@code expected} (e.g. {@code HOST:PORT or unix:/path}) when there is no port at all. */
    public static InetSocketAddress unresolved(String s, String expected) {
        String t = s.strip();
        int colon = t.lastIndexOf(':');
        if (colon <= 0) throw new IllegalArgumentException("'" + s + "' is not " + expected);
        String host = t.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        int port;
        try {
            port = Integer.parseInt(t.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + s + "' has no port number");
        }
        if (port < 1 || port > 65535) throw new IllegalArgumentException("'" + s + "': port must be 1-65535");
        return InetSocketAddress.createUnresolved(host, port);
    }
}
