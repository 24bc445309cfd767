// Who the real client is, as XFORWARD/XCLIENT tell the downstream.
package org.mxfront.relay;

import java.net.InetAddress;

/**
 * @param address     the client's address
 * @param port        its port
 * @param reverseName its verified host name, or null
 * @param helo        its HELO/EHLO argument, or null
 * @param esmtp       true when it said EHLO
 */
public record ClientIdentity(InetAddress address, int port, String reverseName, String helo, boolean esmtp) {}
