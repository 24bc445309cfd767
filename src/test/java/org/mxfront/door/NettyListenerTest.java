// A drained listener must refuse newcomers as soon as drain() returns: the JDK closes a selector-
// registered server socket only at its event loop's next select, and until then the kernel still
// completes handshakes into the backlog (PolicyServerDoorTest once saw such a connect succeed on CI).
package org.mxfront.door;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class NettyListenerTest {
    @Test
    void aDrainedListenerRefusesConnectionsAtOnce() throws Exception {
        for (int i = 0; i < 200; i++) {
            NettyListener l = new NettyListener("test");
            try {
                l.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), "test", ch -> { });
                int port = l.port();
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    // served while listening
                }
                l.drain(Duration.ZERO, () -> 0);
                assertEquals("test: draining", l.notReady());
                int round = i;
                assertThrows(ConnectException.class, () -> new Socket(InetAddress.getLoopbackAddress(), port).close(),
                        "round " + round + ": a connection was accepted after drain()");
            } finally {
                l.close();
            }
        }
    }
}
