// Addresses in log lines and error messages are written the way an administrator writes them in the
// configuration, not with Java's "/127.0.0.1:10025" toString.
package org.mxfront.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class NetworksTextTest {
    @Test
    void socketAddressesAsAnAdministratorWritesThem() throws Exception {
        assertEquals("127.0.0.1:10025", Networks.text(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 10025)));
        assertEquals("[2001:db8::1]:25", Networks.text(new InetSocketAddress(InetAddress.getByName("2001:db8:0:0::1"), 25)));
        assertEquals("192.0.2.7:25", Networks.text(new InetSocketAddress(InetAddress.getByName("::ffff:192.0.2.7"), 25)));
        assertEquals("mail.example.com:25", Networks.text(InetSocketAddress.createUnresolved("mail.example.com", 25)));
    }

    @Test
    void aResolvedNameIsShownAsItsAddress() throws Exception {
        InetSocketAddress a = new InetSocketAddress(InetAddress.getByAddress("mail.example.com", new byte[] {(byte) 192, 0, 2, 9}), 25);
        assertEquals("192.0.2.9:25", Networks.text(a));
    }
}
